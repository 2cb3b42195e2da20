package io.prodigy.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.ExpressionException;
import io.prodigy.api.MapPhase;
import io.prodigy.core.internal.expr.ItemPipeline;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A map phase's item pipeline, in the engine's order: {@code filter}, then {@code sort_by}, then {@code distinct}
 * (the first item for each value of a field), then {@code offset}, then {@code max_items}. Immutable and
 * thread-safe; build once, apply to many lists.
 */
public final class ItemSelection {
    private final ItemPipeline pipeline;

    private ItemSelection(ItemPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** @return a builder for a selection that, until configured, passes every item through unchanged */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param map a map phase
     * @return its selection ({@code filter}, {@code sort_by}, {@code distinct}, {@code offset}, {@code max_items})
     * @throws ExpressionException if its filter, sort specification or distinct path is malformed
     * @throws NullPointerException if {@code map} is null
     */
    public static ItemSelection of(MapPhase map) {
        Objects.requireNonNull(map, "map");
        return builder()
                .filter(map.filter())
                .sortBy(map.sortBy())
                .distinct(map.distinct())
                .offset(map.offset())
                .maxItems(map.maxItems())
                .build();
    }

    /**
     * Selects items. Large inputs are filtered and sorted in parallel on the common fork-join pool; the result is
     * the same.
     *
     * @param items the candidate items in input order; not modified; none may be null
     * @param variables resolves the filter's {@code ${name}} references (looked up once, before filtering);
     *                  returns null or a missing node when a variable is undefined
     * @return the selected items, in order, unmodifiable
     * @throws NullPointerException if an argument or an item is null
     */
    public List<JsonNode> apply(List<JsonNode> items, Function<String, JsonNode> variables) {
        return pipeline.apply(items, variables);
    }

    @Override
    public String toString() {
        return "ItemSelection" + pipeline.toString().substring("ItemPipeline".length());
    }

    /** Builds an {@link ItemSelection}. Not thread-safe. */
    public static final class Builder {
        private final ItemPipeline.Builder pipeline = ItemPipeline.builder();

        private Builder() {}

        /** @param expression a filter expression, or null for none @return this */
        public Builder filter(String expression) {
            pipeline.filter(expression);
            return this;
        }

        /**
         * @param spec a sort specification such as {@code "score DESC NULLS LAST"}, or null to keep the input order
         * @return this
         */
        public Builder sortBy(String spec) {
            pipeline.sortBy(spec);
            return this;
        }

        /** @param path a field path such as {@code location.file}, or null for no de-duplication @return this */
        public Builder distinct(String path) {
            pipeline.distinct(path);
            return this;
        }

        /**
         * @param offset how many items to skip after filtering, sorting and de-duplication; 0 by default
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder offset(int offset) {
            pipeline.offset(offset);
            return this;
        }

        /**
         * @param maxItems the most items to return, or null for no limit
         * @return this
         * @throws IllegalArgumentException if negative
         */
        public Builder maxItems(Integer maxItems) {
            pipeline.maxItems(maxItems);
            return this;
        }

        /**
         * Parses the filter, the sort specification and the distinct path.
         *
         * @return the selection
         * @throws ExpressionException if any of them is malformed (an empty text included)
         */
        public ItemSelection build() {
            return new ItemSelection(pipeline.build());
        }
    }
}
