package io.prodigy.claude.internal;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads when an exhausted usage quota resets from the wordings agent CLIs print:
 * {@code Claude AI usage limit reached|1755806400}, {@code You've hit your session limit · resets 3:45pm},
 * {@code resets 11pm (Europe/Warsaw)}, {@code resets Dec 3, 5pm}, {@code Try again at 3:45 PM},
 * {@code try again in 2 hours}.
 */
public final class QuotaResets {
    private static final Pattern EPOCH = Pattern.compile("(?i)limit reached\\|(\\d{9,13})");
    private static final Pattern CLOCK = Pattern.compile(
            "(?i)(?:resets|reset at|try again at)\\s+(?:at\\s+)?(?:([a-z]{3,9})\\.?\\s+(\\d{1,2}),?\\s+(?:at\\s+)?)?"
                    + "(\\d{1,2})(?::(\\d{2}))?\\s*([ap]\\.?m\\.?)?(?:\\s*\\(([^)]+)\\))?");
    private static final Pattern RELATIVE = Pattern.compile(
            "(?i)(?:try again|resets) in\\s+(?:(\\d+)\\s*d(?:ays?)?\\s*)?(?:(\\d+)\\s*h(?:ours?|rs?)?\\s*)?"
                    + "(?:(\\d+)\\s*m(?:inutes?|ins?)?)?");

    private QuotaResets() {}

    /**
     * @param text an error text
     * @param clock the current time and the zone for times without one
     * @return when the quota resets, or null if the text does not say (or says something unreadable)
     */
    public static Instant parse(String text, Clock clock) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        Matcher epoch = EPOCH.matcher(text);
        if (epoch.find()) {
            return fromEpoch(Long.parseLong(epoch.group(1)));
        }
        Matcher clockTime = CLOCK.matcher(text);
        if (clockTime.find()) {
            Instant at = fromClockTime(clockTime, clock);
            if (at != null) {
                return at;
            }
        }
        Matcher relative = RELATIVE.matcher(text);
        if (relative.find() && (relative.group(1) != null || relative.group(2) != null || relative.group(3) != null)) {
            Duration d = Duration.ofDays(number(relative.group(1)))
                    .plusHours(number(relative.group(2)))
                    .plusMinutes(number(relative.group(3)));
            return clock.instant().plus(d);
        }
        return null;
    }

    /**
     * @param value seconds since the epoch, or milliseconds when it is too large to be seconds
     * @return the instant
     */
    public static Instant fromEpoch(long value) {
        return value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
    }

    private static Instant fromClockTime(Matcher m, Clock clock) {
        String monthText = m.group(1);
        String dayText = m.group(2);
        int hour = Integer.parseInt(m.group(3));
        String minuteText = m.group(4);
        String ampm = m.group(5);
        if (ampm == null && minuteText == null) {
            return null; // "resets 5": not a time
        }
        int minute = minuteText == null ? 0 : Integer.parseInt(minuteText);
        if (ampm != null) {
            if (hour < 1 || hour > 12) {
                return null;
            }
            boolean pm = Character.toLowerCase(ampm.charAt(0)) == 'p';
            hour = hour % 12 + (pm ? 12 : 0);
        }
        if (hour > 23 || minute > 59) {
            return null;
        }
        ZoneId zone = clock.getZone();
        if (m.group(6) != null) {
            try {
                zone = ZoneId.of(m.group(6).strip());
            } catch (DateTimeException e) {
                zone = clock.getZone();
            }
        }
        ZonedDateTime now = clock.instant().atZone(zone);
        LocalTime time = LocalTime.of(hour, minute);
        if (monthText != null && dayText != null) {
            Month month = month(monthText);
            int day = Integer.parseInt(dayText);
            if (month == null || day < 1 || day > month.maxLength()) {
                return null;
            }
            for (int year = now.getYear(); year <= now.getYear() + 1; year++) {
                if (day <= month.length(java.time.Year.isLeap(year))) {
                    ZonedDateTime at = ZonedDateTime.of(LocalDate.of(year, month, day), time, zone);
                    if (at.isAfter(now)) {
                        return at.toInstant();
                    }
                }
            }
            return null;
        }
        ZonedDateTime at = ZonedDateTime.of(now.toLocalDate(), time, zone);
        if (!at.isAfter(now)) {
            at = at.plusDays(1);
        }
        return at.toInstant();
    }

    private static Month month(String text) {
        String prefix = text.substring(0, 3).toUpperCase(Locale.ROOT);
        for (Month month : Month.values()) {
            if (month.name().startsWith(prefix)) {
                return month;
            }
        }
        return null;
    }

    private static long number(String digits) {
        return digits == null ? 0 : Long.parseLong(digits);
    }
}
