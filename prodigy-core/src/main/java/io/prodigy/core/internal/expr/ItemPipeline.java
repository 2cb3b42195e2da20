package io.prodigy.core.internal.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.prodigy.api.ExpressionException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Selects and orders the work items of a MapReduce map phase, in upstream's order: {@code filter}, then
 * {@code sort_by} (stable), then {@code distinct}, then {@code offset}, then {@code max_items}. Immutable and safe to
 * share between threads.
 *
 * <pre>{@code
 * ItemPipeline pipeline = ItemPipeline.builder()
 *         .filter("item.priority == 'high'")
 *         .sortBy("score DESC NULLS LAST")
 *         .distinct("file")
 *         .maxItems(10)
 *         .build();
 * List<JsonNode> selected = pipeline.apply(items, variables::get);
 * }</pre>
 *
 * <p>{@code distinct} keeps the first item for each value of the field path (after sorting), comparing values as
 * {@code ==} does in filters ({@code 1} and {@code 1.0} are one value, {@code 1} and {@code "1"} are two). Items
 * without the field count as having the value null, as upstream does, so only the first of them is kept.
 */
public final class ItemPipeline {
    private static final Logger log = LoggerFactory.getLogger(ItemPipeline.class);

    private final Expression filter;
    private final SortSpec sort;
    private final Path distinct;
    private final int offset;
    private final Integer maxItems;

    private ItemPipeline(Builder builder) {
        this.filter = builder.filter == null ? null : Expression.parse(builder.filter);
        this.sort = builder.sortBy == null ? null : SortSpec.parse(builder.sortBy);
        this.distinct = builder.distinct == null ? null : Parser.path(builder.distinct);
        this.offset = builder.offset;
        this.maxItems = builder.maxItems;
    }

    /** @return a builder for a pipeline that, until configured, passes every item through unchanged */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the pipeline. The filter's {@code ${...}} variables are looked up once, on the calling thread, before any
     * item is filtered. Inputs of {@value SortSpec#PARALLEL_THRESHOLD} items or more are filtered and sorted in
     * parallel on the common fork-join pool; the result is the same.
     *
     * @param items the candidate items, in input order; not modified; none may be null
     * @param variables resolves the filter's {@code ${name}} references; returns {@code null} or a
     *     {@link MissingNode} when a variable is undefined
     * @return the selected items, in order, as an unmodifiable list
     */
    public List<JsonNode> apply(List<JsonNode> items, Function<String, JsonNode> variables) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(variables, "variables");
        Predicate<JsonNode> keep = null;
        if (filter != null) {
            Function<String, JsonNode> resolved = resolve(filter.filterVariables(), variables);
            keep = item -> filter.matches(item, resolved);
        }
        List<JsonNode> result;
        if (sort != null) {
            result = sort.select(items, keep);
        } else {
            Stream<JsonNode> stream =
                    items.size() >= SortSpec.PARALLEL_THRESHOLD ? items.parallelStream() : items.stream();
            result = stream.map(item -> Objects.requireNonNull(item, "item"))
                    .filter(keep == null ? item -> true : keep)
                    .collect(Collectors.toCollection(ArrayList::new));
        }
        if (filter != null) {
            log.debug("filter '{}' kept {} of {} items", filter.text(), result.size(), items.size());
        }
        if (distinct != null) {
            Set<Object> seen = new HashSet<>();
            List<JsonNode> unique = new ArrayList<>();
            for (JsonNode item : result) {
                if (seen.add(JsonValues.distinctKey(distinct.onItem(item)))) {
                    unique.add(item);
                }
            }
            log.debug("distinct '{}' kept {} of {} items", distinct.text(), unique.size(), result.size());
            result = unique;
        }
        int from = Math.min(offset, result.size());
        int to = maxItems == null ? result.size() : (int) Math.min((long) from + maxItems, result.size());
        if (from > 0 || to < result.size()) {
            result = new ArrayList<>(result.subList(from, to));
        }
        return Collections.unmodifiableList(result);
    }

    /** Looks every name up once; the returned function is a read-only map, safe to call from any thread. */
    private static Function<String, JsonNode> resolve(Set<String> names, Function<String, JsonNode> variables) {
        if (names.isEmpty()) {
            return name -> null;
        }
        Map<String, JsonNode> values = new HashMap<>();
        for (String name : names) {
            JsonNode value = variables.apply(name);
            values.put(name, value == null ? MissingNode.getInstance() : value);
        }
        return values::get;
    }

    @Override
    public String toString() {
        return "ItemPipeline[filter=" + (filter == null ? null : filter.text())
                + ", sortBy=" + (sort == null ? null : sort.text())
                + ", distinct=" + (distinct == null ? null : distinct.text())
                + ", offset=" + offset + ", maxItems=" + maxItems + "]";
    }

    /** Configures an {@link ItemPipeline}. Not thread-safe; each setter replaces the previous value. */
    public static final class Builder {
        private String filter;
        private String sortBy;
        private String distinct;
        private int offset;
        private Integer maxItems;

        private Builder() {}

        /**
         * @param expression a filter {@link Expression}, or {@code null} for none
         * @return this builder
         */
        public Builder filter(String expression) {
            this.filter = expression;
            return this;
        }

        /**
         * @param spec a {@link SortSpec}, or {@code null} to keep the input order
         * @return this builder
         */
        public Builder sortBy(String spec) {
            this.sortBy = spec;
            return this;
        }

        /**
         * @param path a field path such as {@code file} or {@code location.file}, or {@code null} for no
         *     de-duplication
         * @return this builder
         */
        public Builder distinct(String path) {
            this.distinct = path;
            return this;
        }

        /**
         * @param offset how many items to skip after filtering, sorting and de-duplication; 0 by default
         * @return this builder
         * @throws IllegalArgumentException when {@code offset} is negative
         */
        public Builder offset(int offset) {
            if (offset < 0) {
                throw new IllegalArgumentException("offset must be 0 or more, was " + offset);
            }
            this.offset = offset;
            return this;
        }

        /**
         * @param maxItems the most items to return, or {@code null} for no limit
         * @return this builder
         * @throws IllegalArgumentException when {@code maxItems} is negative
         */
        public Builder maxItems(Integer maxItems) {
            if (maxItems != null && maxItems < 0) {
                throw new IllegalArgumentException("max_items must be 0 or more, was " + maxItems);
            }
            this.maxItems = maxItems;
            return this;
        }

        /**
         * Parses the filter, sort specification and distinct path.
         *
         * @return the pipeline
         * @throws ExpressionException when any of them is malformed (including an empty string)
         */
        public ItemPipeline build() {
            return new ItemPipeline(this);
        }
    }
}
