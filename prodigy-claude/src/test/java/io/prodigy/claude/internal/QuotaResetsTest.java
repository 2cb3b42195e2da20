package io.prodigy.claude.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class QuotaResetsTest {
    /** 2026-11-25 14:10 in Warsaw (13:10 UTC). */
    private static final Clock WARSAW = Clock.fixed(Instant.parse("2026-11-25T13:10:00Z"), ZoneId.of("Europe/Warsaw"));

    @Test
    void epochAfterTheLegacyBar() {
        assertThat(QuotaResets.parse("Claude AI usage limit reached|1755806400", WARSAW))
                .isEqualTo(Instant.ofEpochSecond(1_755_806_400L));
        assertThat(QuotaResets.parse("Claude AI usage limit reached|1755806400000", WARSAW))
                .isEqualTo(Instant.ofEpochSecond(1_755_806_400L));
    }

    @Test
    void clockTimesAreTheNextOccurrenceInTheClocksZone() {
        assertThat(QuotaResets.parse("You've hit your session limit · resets 3:45pm", WARSAW))
                .isEqualTo(Instant.parse("2026-11-25T14:45:00Z"));
        assertThat(QuotaResets.parse("You've hit your limit · resets 11am", WARSAW))
                .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
        assertThat(QuotaResets.parse("You've hit your session limit · resets 12am", WARSAW))
                .isEqualTo(Instant.parse("2026-11-25T23:00:00Z"));
        assertThat(QuotaResets.parse("Try again at 16:30.", WARSAW)).isEqualTo(Instant.parse("2026-11-25T15:30:00Z"));
    }

    @Test
    void anExplicitZoneWins() {
        assertThat(QuotaResets.parse("You've hit your limit · resets 11pm (America/New_York)", WARSAW))
                .isEqualTo(Instant.parse("2026-11-26T04:00:00Z"));
        assertThat(QuotaResets.parse("resets 11pm (Not/AZone)", WARSAW))
                .isEqualTo(Instant.parse("2026-11-25T22:00:00Z"));
    }

    @Test
    void datesRollToNextYearWhenPassed() {
        assertThat(QuotaResets.parse("You've hit your weekly limit · resets Dec 3, 5pm", WARSAW))
                .isEqualTo(Instant.parse("2026-12-03T16:00:00Z"));
        assertThat(QuotaResets.parse("You've hit your weekly limit · resets Jan 2 at 9am", WARSAW))
                .isEqualTo(Instant.parse("2027-01-02T08:00:00Z"));
    }

    @Test
    void relativeTimes() {
        assertThat(QuotaResets.parse("You've hit your usage limit. Try again in 2 hours 5 minutes.", WARSAW))
                .isEqualTo(Instant.parse("2026-11-25T15:15:00Z"));
        assertThat(QuotaResets.parse("try again in 1 day", WARSAW)).isEqualTo(Instant.parse("2026-11-26T13:10:00Z"));
    }

    @Test
    void unreadableTextsGiveNull() {
        assertThat(QuotaResets.parse("You've hit your session limit", WARSAW)).isNull();
        assertThat(QuotaResets.parse("resets 5", WARSAW)).isNull();
        assertThat(QuotaResets.parse("resets 13pm", WARSAW)).isNull();
        assertThat(QuotaResets.parse("resets Foo 3, 5pm", WARSAW)).isNull();
        assertThat(QuotaResets.parse(null, WARSAW)).isNull();
    }
}
