package io.prodigy.yaml.internal;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as workflow files write them: a number of seconds ({@code 600}, {@code 1.5}), a digits-only string, or
 * a sequence of amounts with units ({@code "10m"}, {@code "600s"}, {@code "1h30m"}, {@code "1h 30m"},
 * {@code "250ms"}, {@code "2 days"}). Units: ms, s/sec/secs/second(s), m/min/mins/minute(s), h/hr/hrs/hour(s),
 * d/day(s).
 */
final class Durations {
    private static final Pattern PART = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]+)\\s*");
    private static final Pattern NUMBER = Pattern.compile("\\s*\\d+(?:\\.\\d+)?\\s*");

    private Durations() {}

    /**
     * @param text the duration text
     * @return the duration, or null when the text is not a duration
     */
    static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (NUMBER.matcher(text).matches()) {
            return seconds(new BigDecimal(text.trim()));
        }
        Matcher m = PART.matcher(text);
        int pos = 0;
        Duration total = Duration.ZERO;
        while (pos < text.length()) {
            if (!m.find(pos) || m.start() != pos) {
                return null;
            }
            BigDecimal amount = new BigDecimal(m.group(1));
            Duration unit = unit(m.group(2).toLowerCase(Locale.ROOT));
            if (unit == null) {
                return null;
            }
            BigDecimal nanos = amount.multiply(BigDecimal.valueOf(unit.toNanos()));
            total = total.plusNanos(nanos.longValue());
            pos = m.end();
        }
        return total;
    }

    /** @param seconds a number of seconds @return the duration, to the nanosecond */
    static Duration seconds(BigDecimal seconds) {
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }

    /**
     * @param d a duration
     * @return the shortest text {@link #parse} reads back as the same duration: {@code "90s"}, {@code "10m"},
     *     {@code "1h30m"}, {@code "250ms"}, {@code "1500us"}
     */
    static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0s";
        }
        if (nanos % 1_000_000_000L != 0) {
            if (nanos % 1_000_000L == 0) {
                return (nanos / 1_000_000L) + "ms";
            }
            if (nanos % 1_000L == 0) {
                return (nanos / 1_000L) + "us";
            }
            return nanos + "ns";
        }
        long s = d.getSeconds();
        StringBuilder sb = new StringBuilder();
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (sec > 0) {
            sb.append(sec).append('s');
        }
        return sb.toString();
    }

    private static Duration unit(String u) {
        switch (u) {
            case "ns":
            case "nsec":
                return Duration.ofNanos(1);
            case "us":
            case "usec":
                return Duration.ofNanos(1000);
            case "ms":
            case "msec":
            case "millis":
                return Duration.ofMillis(1);
            case "s":
            case "sec":
            case "secs":
            case "second":
            case "seconds":
                return Duration.ofSeconds(1);
            case "m":
            case "min":
            case "mins":
            case "minute":
            case "minutes":
                return Duration.ofMinutes(1);
            case "h":
            case "hr":
            case "hrs":
            case "hour":
            case "hours":
                return Duration.ofHours(1);
            case "d":
            case "day":
            case "days":
                return Duration.ofDays(1);
            default:
                return null;
        }
    }
}
