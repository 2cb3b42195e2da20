package io.prodigy.core.text;

import java.util.Locale;
import java.util.Objects;

/**
 * Edit distance between names, and the valid name closest to a misspelt one, for "did you mean" hints in error
 * messages. The distance is the optimal string alignment distance: one edit is an insertion, a deletion, a
 * substitution or a swap of two adjacent characters, so {@code nmae} is one edit from {@code name}.
 *
 * <p>How close is close enough depends on where the name is written, so each caller passes its own limit.
 */
public final class Spelling {
    private Spelling() {}

    /**
     * The optimal string alignment distance between two strings, compared character by character (case matters).
     *
     * @param a one string, not null
     * @param b the other string, not null
     * @return the number of insertions, deletions, substitutions and adjacent swaps that turn {@code a} into
     *         {@code b}; 0 when they are equal
     * @throws NullPointerException if {@code a} or {@code b} is null
     */
    public static int distance(String a, String b) {
        Objects.requireNonNull(a, "a");
        Objects.requireNonNull(b, "b");
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

    /**
     * The candidate nearest to {@code name} by {@link #distance(String, String)}, case-sensitively.
     *
     * @param name the misspelt name, not null
     * @param candidates the valid names, not null, no null element; of equally near ones the first in iteration
     *        order wins, so pass an ordered collection (a list, a sorted set) for a stable answer
     * @param maxDistance the largest distance still worth suggesting; {@link Integer#MAX_VALUE} for the nearest
     *        whatever its distance
     * @return the nearest candidate within {@code maxDistance} (a candidate equal to {@code name} is at distance 0),
     *         or null when there is none
     * @throws NullPointerException if {@code name}, {@code candidates} or one of them is null
     */
    public static String closest(String name, Iterable<String> candidates, int maxDistance) {
        return nearest(name, candidates, maxDistance, false);
    }

    /**
     * Like {@link #closest(String, Iterable, int)}, but comparing lower-cased ({@link Locale#ROOT}) text; the
     * candidate is returned as spelt in {@code candidates}.
     *
     * @param name the misspelt name, not null
     * @param candidates the valid names, not null, no null element; of equally near ones the first in iteration
     *        order wins
     * @param maxDistance the largest distance still worth suggesting
     * @return the nearest candidate within {@code maxDistance}, or null when there is none
     * @throws NullPointerException if {@code name}, {@code candidates} or one of them is null
     */
    public static String closestIgnoringCase(String name, Iterable<String> candidates, int maxDistance) {
        return nearest(name, candidates, maxDistance, true);
    }

    private static String nearest(String name, Iterable<String> candidates, int maxDistance, boolean ignoreCase) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(candidates, "candidates");
        String wanted = ignoreCase ? name.toLowerCase(Locale.ROOT) : name;
        String best = null;
        int bestDistance = maxDistance;
        for (String candidate : candidates) {
            Objects.requireNonNull(candidate, "candidates element");
            String spelt = ignoreCase ? candidate.toLowerCase(Locale.ROOT) : candidate;
            if (best != null && Math.abs(spelt.length() - wanted.length()) >= bestDistance) {
                continue;
            }
            int d = distance(wanted, spelt);
            if (d < bestDistance || (best == null && d <= bestDistance)) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best;
    }
}
