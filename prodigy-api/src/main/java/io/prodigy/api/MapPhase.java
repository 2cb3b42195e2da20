package io.prodigy.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The map phase of a MapReduce stage: the items to process, how they are selected, and the agent template run
 * once per item, at most {@code maxParallel} at a time, each in its own workspace.
 *
 * <p>The data pipeline applies, in this order: {@code filter}, {@code sortBy}, {@code distinct},
 * {@code offset}, {@code maxItems}. Inside the template, {@code ${item}} is the item as JSON,
 * {@code ${item.field}} (nested paths and indices allowed) its fields, {@code ${item_id}} its id and
 * {@code ${item_index}} its position.
 *
 * @since 0.1
 */
public final class MapPhase {
    private final WorkInput input;
    private final @Nullable String filter;
    private final @Nullable String sortBy;
    private final @Nullable String distinct;
    private final int offset;
    private final @Nullable Integer maxItems;
    private final int maxParallel;
    private final @Nullable Duration agentTimeout;
    private final @Nullable String idField;
    private final List<Step> agentTemplate;
    private final boolean allowEmpty;

    private MapPhase(Builder b) {
        this.input = Checks.notNull(b.input, "map input");
        this.filter = Checks.blankToNull(b.filter);
        this.sortBy = Checks.blankToNull(b.sortBy);
        this.distinct = Checks.blankToNull(b.distinct);
        this.offset = Checks.nonNegative(b.offset, "map offset");
        if (b.maxItems != null) {
            Checks.nonNegative(b.maxItems, "map max_items");
        }
        this.maxItems = b.maxItems;
        this.maxParallel = Checks.positive(b.maxParallel, "map max_parallel");
        this.agentTimeout = Checks.positive(b.agentTimeout, "map agent_timeout");
        this.idField = Checks.blankToNull(b.idField);
        this.agentTemplate = Checks.list(b.agentTemplate, "map agent_template");
        this.allowEmpty = b.allowEmpty;
        if (agentTemplate.isEmpty()) {
            throw new WorkflowDefinitionException("map agent_template needs at least one step");
        }
    }

    /** @return a builder; {@code maxParallel} defaults to 10 as in the Rust tool */
    public static Builder builder() {
        return new Builder();
    }

    /** @return where the items come from */
    public WorkInput input() {
        return input;
    }

    /** @return the filter expression, or null */
    public @Nullable String filter() {
        return filter;
    }

    /** @return the sort specification, e.g. {@code score DESC NULLS LAST}, or null */
    public @Nullable String sortBy() {
        return sortBy;
    }

    /** @return the field whose repeated values are dropped, or null */
    public @Nullable String distinct() {
        return distinct;
    }

    /** @return how many items to skip after sorting */
    public int offset() {
        return offset;
    }

    /** @return the most items to process, or null for all */
    public @Nullable Integer maxItems() {
        return maxItems;
    }

    /** @return the most agents running at once */
    public int maxParallel() {
        return maxParallel;
    }

    /** @return the time limit of one item's whole template, or null */
    public @Nullable Duration agentTimeout() {
        return agentTimeout;
    }

    /** @return the item field used as the item id, or null for {@code item_<index>} */
    public @Nullable String idField() {
        return idField;
    }

    /** @return the steps run for each item */
    public List<Step> agentTemplate() {
        return agentTemplate;
    }

    /**
     * @return whether selecting no items is a normal outcome ({@code allow_empty: true}); the command line treats
     *     a map phase that selected no items as a failure (exit code 1) unless this is set
     */
    public boolean allowEmpty() {
        return allowEmpty;
    }

    /** @return a builder initialised with this phase */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.input = input;
        b.filter = filter;
        b.sortBy = sortBy;
        b.distinct = distinct;
        b.offset = offset;
        b.maxItems = maxItems;
        b.maxParallel = maxParallel;
        b.agentTimeout = agentTimeout;
        b.idField = idField;
        b.agentTemplate = new ArrayList<>(agentTemplate);
        b.allowEmpty = allowEmpty;
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MapPhase m)) {
            return false;
        }
        return input.equals(m.input)
                && Checks.equal(filter, m.filter)
                && Checks.equal(sortBy, m.sortBy)
                && Checks.equal(distinct, m.distinct)
                && offset == m.offset
                && Checks.equal(maxItems, m.maxItems)
                && maxParallel == m.maxParallel
                && Checks.equal(agentTimeout, m.agentTimeout)
                && Checks.equal(idField, m.idField)
                && agentTemplate.equals(m.agentTemplate)
                && allowEmpty == m.allowEmpty;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(
                input,
                filter,
                sortBy,
                distinct,
                offset,
                maxItems,
                maxParallel,
                agentTimeout,
                idField,
                agentTemplate,
                allowEmpty);
    }

    @Override
    public String toString() {
        return "MapPhase[input=" + input + ", maxParallel=" + maxParallel + ", steps=" + agentTemplate.size() + "]";
    }

    /**
     * Builds a {@link MapPhase}.
     *
     * @since 0.1
     */
    public static final class Builder {
        private @Nullable WorkInput input;
        private @Nullable String filter;
        private @Nullable String sortBy;
        private @Nullable String distinct;
        private int offset;
        private @Nullable Integer maxItems;
        private int maxParallel = 10;
        private @Nullable Duration agentTimeout;
        private @Nullable String idField;
        private List<Step> agentTemplate = new ArrayList<>();
        private boolean allowEmpty;

        private Builder() {}

        /**
         * @param input where the items come from
         * @return this
         */
        public Builder input(WorkInput input) {
            this.input = Checks.notNull(input, "input");
            return this;
        }

        /**
         * @param expression e.g. {@code score >= 5 && status == 'open'}, or null for none
         * @return this
         */
        public Builder filter(@Nullable String expression) {
            this.filter = expression;
            return this;
        }

        /**
         * @param spec e.g. {@code score DESC NULLS LAST, name}, or null to keep the input order
         * @return this
         */
        public Builder sortBy(@Nullable String spec) {
            this.sortBy = spec;
            return this;
        }

        /**
         * @param field keep only the first item for each value of this field, or null for all
         * @return this
         */
        public Builder distinct(@Nullable String field) {
            this.distinct = field;
            return this;
        }

        /**
         * @param offset items to skip after sorting
         * @return this
         */
        public Builder offset(int offset) {
            this.offset = offset;
            return this;
        }

        /**
         * @param max the most items to process, or null
         * @return this
         */
        public Builder maxItems(@Nullable Integer max) {
            this.maxItems = max;
            return this;
        }

        /**
         * @param max the most agents at once
         * @return this
         */
        public Builder maxParallel(int max) {
            this.maxParallel = max;
            return this;
        }

        /**
         * @param timeout the limit of one item's whole template, or null for none
         * @return this
         */
        public Builder agentTimeout(@Nullable Duration timeout) {
            this.agentTimeout = timeout;
            return this;
        }

        /**
         * @param field the item field used as the item id, or null for {@code item_<index>}
         * @return this
         */
        public Builder idField(@Nullable String field) {
            this.idField = field;
            return this;
        }

        /**
         * @param steps steps run for each item (added in order)
         * @return this
         */
        public Builder agentTemplate(Step... steps) {
            this.agentTemplate.addAll(Checks.elements("steps", steps));
            return this;
        }

        /**
         * @param steps steps run for each item (added in order)
         * @return this
         */
        public Builder agentTemplate(Step.Builder... steps) {
            for (Step.Builder s : Checks.elements("steps", steps)) {
                this.agentTemplate.add(s.build());
            }
            return this;
        }

        /**
         * @param steps steps run for each item (added in order)
         * @return this
         */
        public Builder agentTemplate(List<Step> steps) {
            this.agentTemplate.addAll(Checks.elements(steps, "steps"));
            return this;
        }

        /**
         * @param allow whether selecting no items is a normal outcome (default false: the command line reports a
         *              map phase with no items as a failure)
         * @return this
         */
        public Builder allowEmpty(boolean allow) {
            this.allowEmpty = allow;
            return this;
        }

        /**
         * @return the phase
         * @throws WorkflowDefinitionException if a value is invalid
         */
        public MapPhase build() {
            return new MapPhase(this);
        }
    }
}
