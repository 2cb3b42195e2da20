package io.prodigy.yaml.internal;

import io.prodigy.core.text.Spelling;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** Small text helpers for messages: quoting, and the closest valid name for a misspelt one. */
final class Texts {
    private static final int QUOTE_LIMIT = 60;

    private Texts() {}

    /** @param s any text @return it in double quotes, one line, abbreviated */
    static String quote(String s) {
        String one = s.replace("\n", "\\n").replace("\t", "\\t");
        if (one.length() > QUOTE_LIMIT) {
            one = one.substring(0, QUOTE_LIMIT - 3) + "...";
        }
        return "\"" + one + "\"";
    }

    /**
     * @param name a misspelt name
     * @param candidates the valid names
     * @return the closest valid name when it is close enough to be a likely typo, else null
     */
    static String closest(String name, Collection<String> candidates) {
        String lower = name.toLowerCase(Locale.ROOT);
        String best = Spelling.closestIgnoringCase(name, new TreeSet<>(candidates), Integer.MAX_VALUE);
        if (best == null) {
            return null;
        }
        int allowed = Math.max(2, Math.min(name.length(), best.length()) / 3);
        boolean prefix = best.length() >= 4
                && lower.length() >= 4
                && (best.startsWith(lower) || lower.startsWith(best.toLowerCase(Locale.ROOT)));
        return Spelling.distance(lower, best.toLowerCase(Locale.ROOT)) <= allowed || prefix ? best : null;
    }

    /**
     * @param name a misspelt name
     * @param candidates the valid names
     * @return {@code "; did you mean 'x'?"}, or {@code "; expected one of a, b, c"} when nothing is close
     */
    static String suggestion(String name, Collection<String> candidates) {
        String c = closest(name, candidates);
        if (c != null) {
            return "; did you mean '" + c + "'?";
        }
        return "; expected one of " + String.join(", ", new TreeSet<>(candidates));
    }

    /** @param names names @return them joined as {@code 'a', 'b' and 'c'} */
    static String list(List<String> names) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(i == names.size() - 1 ? " and " : ", ");
            }
            sb.append('\'').append(names.get(i)).append('\'');
        }
        return sb.toString();
    }
}
