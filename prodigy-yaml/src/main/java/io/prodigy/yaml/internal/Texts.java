package io.prodigy.yaml.internal;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/** Small text helpers for messages: quoting, and the closest valid name for a misspelt one. */
final class Texts {
    private static final int QUOTE_LIMIT = 60;

    private Texts() {
    }

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
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(lower, c.toLowerCase(Locale.ROOT));
            if (d < bestDistance || (d == bestDistance && best != null && c.compareTo(best) < 0)) {
                best = c;
                bestDistance = d;
            }
        }
        if (best == null) {
            return null;
        }
        int allowed = Math.max(2, Math.min(name.length(), best.length()) / 3);
        boolean prefix = best.length() >= 4 && lower.length() >= 4
                && (best.startsWith(lower) || lower.startsWith(best.toLowerCase(Locale.ROOT)));
        return bestDistance <= allowed || prefix ? best : null;
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

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
