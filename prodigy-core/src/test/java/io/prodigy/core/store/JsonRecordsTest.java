package io.prodigy.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonRecordsTest {

    @Test
    void theFastInstantParserAgreesWithInstantParseOnWhatInstantToStringWrites() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong() % 253_402_300_799L, random.nextInt(1_000_000_000));
            if (t.isBefore(Instant.parse("0000-01-01T00:00:00Z"))) {
                t = t.plus(-t.getEpochSecond(), ChronoUnit.SECONDS);
            }
            Instant[] variants = {
                t, t.truncatedTo(ChronoUnit.SECONDS), t.truncatedTo(ChronoUnit.MILLIS), t.truncatedTo(ChronoUnit.MICROS)
            };
            for (Instant v : variants) {
                assertThat(JsonRecords.parseUtcInstant(v.toString()))
                        .as(v.toString())
                        .isEqualTo(v);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z",
                "2026-01-01T24:00:00Z",
                "2026-01-01T00:00:00+01:00",
                "2026-01-01T00:00:00.Z",
                "2026-01-01T00:00:00.1234567890Z",
                "+12026-01-01T00:00:00Z",
                "2026-01-01 00:00:00Z",
                "2026-0a-01T00:00:00Z"
            })
    void otherFormsAreLeftToTheFullParser(String text) {
        assertThat(JsonRecords.parseUtcInstant(text)).isNull();
    }

    @Test
    void recordsThatAreNotReadableSayWhy() throws Exception {
        Record r = parse("{\"version\":1,\"n\":\"x\",\"at\":\"2026-02-30T00:00:00Z\",\"m\":{\"a\":1},\"l\":[1]}");
        assertThatThrownBy(() -> JsonRecords.integer(r, "n"))
                .isInstanceOf(RecordFormatException.class)
                .hasMessage("field 'n' should be an integer but is a string");
        assertThatThrownBy(() -> JsonRecords.text(r, "missing"))
                .isInstanceOf(RecordFormatException.class)
                .hasMessage("the required field 'missing' is missing");
        assertThatThrownBy(() -> JsonRecords.instant(r, "at"))
                .isInstanceOf(RecordFormatException.class)
                .hasMessageContaining("not an ISO-8601 instant");
        assertThatThrownBy(() -> JsonRecords.stringMap(r, "m"))
                .isInstanceOf(RecordFormatException.class)
                .hasMessage("field 'm.a' should be a string but is a number");
        assertThatThrownBy(() -> JsonRecords.stringList(r, "l"))
                .isInstanceOf(RecordFormatException.class)
                .hasMessage("field 'l[0]' should be a string but is a number");
        assertThat(JsonRecords.optionalInstant(parse("{\"at\":\"2026-01-01T01:00:00+01:00\"}"), "at"))
                .isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThatThrownBy(() -> parse("{\"a\":1} {\"b\":2}"))
                .isInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
        assertThatThrownBy(() -> JsonRecords.parse(new byte[] {'4', '2'}, 0, 2))
                .isInstanceOf(RecordFormatException.class)
                .hasMessage("expected a JSON object");
    }

    private static Record parse(String json) throws Exception {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return JsonRecords.parse(b, 0, b.length);
    }
}
