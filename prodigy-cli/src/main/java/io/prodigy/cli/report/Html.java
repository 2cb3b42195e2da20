package io.prodigy.cli.report;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Escaping and formatting for the report. Everything a run recorded is untrusted text and goes through here. */
final class Html {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private Html() {}

    /**
     * Escapes text for an element's content or a quoted attribute value in HTML and XML alike: the five markup
     * characters become references, characters XML cannot hold (most C0 controls, U+FFFE, U+FFFF, unpaired
     * surrogates) become a visible {@code \\uXXXX} or U+FFFD, so do bidirectional overrides and isolates (which
     * would reorder the text around them), and nothing else changes.
     *
     * @param s text, may be null (gives an empty string)
     * @return escaped text
     */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&':
                    sb.append("&amp;");
                    break;
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&#39;");
                    break;
                case '\t':
                case '\n':
                    sb.append(c);
                    break;
                case '\r':
                    sb.append("\\r");
                    break;
                default:
                    if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
                        // bidirectional overrides and isolates would reorder the text around them
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else if (c == 0xfffe || c == 0xffff) {
                        sb.append('\ufffd');
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else {
                            sb.append('\ufffd');
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        sb.append('\ufffd');
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.toString();
    }

    /**
     * @param s text, may be null
     * @param max the most characters kept
     * @return the text cut to {@code max} characters (not splitting a surrogate pair) with a note of how much
     *     was left out
     */
    static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "\u2026 (" + (s.length() - end) + " more characters)";
    }

    /** @return the text cut and escaped */
    static String escCut(String s, int max) {
        return esc(cut(s, max));
    }

    static String time(Instant t) {
        return t == null ? "\u2014" : TIME.format(t);
    }

    static String clock(Instant t) {
        return t == null ? "\u2014" : CLOCK.format(t);
    }

    /** @return a duration for people: 850 ms, 12.4 s, 3 m 05 s, 2 h 01 m */
    static String duration(Duration d) {
        if (d == null) {
            return "\u2014";
        }
        long ms = d.toMillis();
        if (ms < 0) {
            ms = 0;
        }
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, ms < 10_000 ? "%.2f s" : "%.1f s", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d m %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d m", s / 3600, (s % 3600) / 60);
    }

    /** @return an axis label for an offset from the start: 0, 500ms, 1.5s, 2m, 1m30s, 1h05m */
    static String tick(long ms) {
        if (ms == 0) {
            return "0";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return ms % 1000 == 0 ? (ms / 1000) + "s" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
        }
        long s = ms / 1000;
        if (s < 3600) {
            return s % 60 == 0 ? (s / 60) + "m" : (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        long m = s / 60;
        return m % 60 == 0 ? (m / 60) + "h" : (m / 60) + "h" + String.format(Locale.ROOT, "%02d", m % 60) + "m";
    }

    static String usd(Double v) {
        if (v == null) {
            return "\u2014";
        }
        return Math.abs(v) < 1 && v != 0
                ? String.format(Locale.ROOT, "$%.4f", v)
                : String.format(Locale.ROOT, "$%.2f", v);
    }

    /** @param n a count @return it in full below 10,000, else shortened: {@code 12.3k}, {@code 4.56M} */
    static String compact(long n) {
        if (n < 10_000) {
            return count(n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", n / 1000.0);
        }
        return String.format(Locale.ROOT, "%.2fM", n / 1_000_000.0);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String percent(Double v) {
        return v == null ? "\u2014" : String.format(Locale.ROOT, "%.0f%%", v * 100);
    }

    /** @return a number for an SVG attribute, at most one decimal */
    static String num(double v) {
        long r = Math.round(v * 10);
        return r % 10 == 0 ? Long.toString(r / 10) : String.format(Locale.ROOT, "%.1f", r / 10.0);
    }
}
