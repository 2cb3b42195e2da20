package io.prodigy.core.internal.expr;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.ExpressionException;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A parsed {@code sort_by} specification, immutable and safe to share between threads.
 *
 * <pre>{@code
 * SortSpec spec = SortSpec.parse("File.score DESC NULLS LAST, Function.unified_score.final_score DESC NULLS LAST");
 * List<JsonNode> sorted = spec.sort(items);
 * }</pre>
 *
 * <p>Grammar: comma-separated keys, each {@code path [ASC|ASCENDING|DESC|DESCENDING] [NULLS FIRST|NULLS LAST]},
 * keywords in any case; the default is ascending with nulls last. Paths are as in {@link Expression}, including the
 * optional {@code item.} prefix.
 *
 * <p>Order: missing and null are the same and go first or last as asked, whatever the direction (DESC does not move
 * them). Other values order by type first, in the fixed rank boolean &lt; number &lt; string &lt; array &lt; object
 * (reversed by DESC, as upstream), then numbers by value, strings lexically, {@code false} before {@code true}, and
 * arrays and objects by size. Sorting is stable.
 */
public final class SortSpec {
    /**
     * From this many items on, key lookup (fused with filtering in {@link ItemPipeline}) and sorting run in parallel
     * on the common fork-join pool. The work is pure computation, bound by memory latency; below this size the
     * fork-join overhead outweighs the gain.
     */
    static final int PARALLEL_THRESHOLD = 20_000;

    private final String text;
    private final Key[] keys;

    /** One sort key. */
    record Key(Path path, boolean descending, boolean nullsFirst) {
        Key {
            Objects.requireNonNull(path, "path");
        }

        /** Compares two values of this key: nulls where asked, then by type rank and value, reversed by DESC. */
        int compare(JsonNode a, JsonNode b) {
            boolean aAbsent = JsonValues.isAbsent(a);
            boolean bAbsent = JsonValues.isAbsent(b);
            if (aAbsent || bAbsent) {
                if (aAbsent && bAbsent) {
                    return 0;
                }
                return aAbsent == nullsFirst ? -1 : 1;
            }
            int c = JsonValues.compareForSort(a, b);
            return descending ? -Integer.signum(c) : c;
        }
    }

    private SortSpec(String text, List<Key> keys) {
        this.text = text;
        this.keys = keys.toArray(new Key[0]);
    }

    /**
     * Parses a sort specification.
     *
     * @param text e.g. {@code "score DESC NULLS LAST, name"}
     * @return the specification
     * @throws ExpressionException when the text is empty or malformed; its column points at the problem
     * @throws NullPointerException when {@code text} is null
     */
    public static SortSpec parse(String text) {
        Objects.requireNonNull(text, "sort specification");
        return new SortSpec(text, Parser.sortKeys(text));
    }

    /**
     * @return a comparator over work items that applies the keys in order; it looks each key up on every
     *     comparison, so prefer {@link #sort} for large lists
     */
    public Comparator<JsonNode> comparator() {
        Key[] k = keys;
        return (a, b) -> {
            for (Key key : k) {
                int c = key.compare(key.path().onItem(a), key.path().onItem(b));
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
    }

    /**
     * Sorts work items stably, looking each item's keys up only once. Lists of {@value #PARALLEL_THRESHOLD} items or
     * more are sorted in parallel on the common fork-join pool.
     *
     * @param items the items, unchanged by this call; none may be null
     * @return a new, modifiable list of the same items in order
     */
    public List<JsonNode> sort(List<JsonNode> items) {
        return select(items, null);
    }

    /**
     * Filters and sorts in one pass over the items: each kept item's keys are looked up while it is still in cache.
     *
     * @param keep the filter, or {@code null} to keep every item; must be safe to call from several threads
     * @return a new, modifiable list of the kept items in order
     */
    List<JsonNode> select(List<JsonNode> items, Predicate<JsonNode> keep) {
        boolean parallel = items.size() >= PARALLEL_THRESHOLD;
        return KeyTable.collect(keys, items, keep, parallel).sorted(parallel);
    }

    /** @return the specification as it was written */
    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }
}
