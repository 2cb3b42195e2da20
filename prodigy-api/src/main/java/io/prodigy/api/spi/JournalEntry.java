package io.prodigy.api.spi;

import io.prodigy.api.ItemStatus;
import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One fact in a run's append-only journal. Values are JSON text so the journal needs no JSON library here.
 * Step locations are written {@code <stage index>/<phase>/<step index>}, e.g. {@code 0/setup/2}.
 *
 * @since 0.1
 */
public sealed interface JournalEntry
        permits JournalEntry.StepCompleted,
                JournalEntry.ItemDispatched,
                JournalEntry.ItemFinished,
                JournalEntry.ItemIntegrated,
                JournalEntry.ItemDeadLettered,
                JournalEntry.PhaseCompleted,
                JournalEntry.ItemsResolved {

    /** @return when the fact was recorded */
    Instant at();

    /**
     * A top-level step outside the map phase finished.
     *
     * @param at when
     * @param location the step's location
     * @param success whether it succeeded
     * @param variables the variables it set, as JSON text
     * @since 0.1
     */
    record StepCompleted(Instant at, String location, boolean success, Map<String, String> variables)
            implements JournalEntry {
        /**
         * Copies.
         *
         * @param at when
         * @param location the step's location
         * @param success whether it succeeded
         * @param variables the variables it set, as JSON text
         */
        public StepCompleted {
            variables = Map.copyOf(variables);
        }
    }

    /**
     * An item attempt started.
     *
     * @param at when
     * @param stage the stage index
     * @param itemId the item
     * @param attempt the attempt number, from 1
     * @since 0.1
     */
    record ItemDispatched(Instant at, int stage, String itemId, int attempt) implements JournalEntry {}

    /**
     * An item ended.
     *
     * @param at when
     * @param stage the stage index
     * @param itemId the item
     * @param status how it ended
     * @param resultJson the item's result as JSON text (as in {@code ${map.results}}), or null when none was recorded
     * @since 0.1
     */
    record ItemFinished(
            Instant at,
            int stage,
            String itemId,
            ItemStatus status,
            @Nullable String resultJson) implements JournalEntry {}

    /**
     * An item's work was integrated into the run's workspace.
     *
     * @param at when
     * @param stage the stage index
     * @param itemId the item
     * @param head the run workspace's head after integration, or null without version control
     * @since 0.1
     */
    record ItemIntegrated(
            Instant at, int stage, String itemId, @Nullable String head) implements JournalEntry {}

    /**
     * An item was recorded in the Dead Letter Queue.
     *
     * @param at when
     * @param stage the stage index
     * @param itemId the item
     * @since 0.1
     */
    record ItemDeadLettered(Instant at, int stage, String itemId) implements JournalEntry {}

    /**
     * A phase ended.
     *
     * @param at when
     * @param stage the stage index
     * @param phase {@code steps}, {@code setup}, {@code map} or {@code reduce}
     * @param variables the variables visible after the phase, as JSON text
     * @since 0.1
     */
    record PhaseCompleted(Instant at, int stage, String phase, Map<String, String> variables) implements JournalEntry {
        /**
         * Copies.
         *
         * @param at when
         * @param stage the stage index
         * @param phase {@code steps}, {@code setup}, {@code map} or {@code reduce}
         * @param variables the variables visible after the phase, as JSON text
         */
        public PhaseCompleted {
            variables = Map.copyOf(variables);
        }
    }

    /**
     * A map phase's items are known, after the data pipeline. Resume dispatches exactly these.
     *
     * @param at when
     * @param stage the stage index
     * @param itemIds the items' ids, in dispatch order
     * @param itemsJson the items as one JSON array, in the same order
     * @since 0.1
     */
    record ItemsResolved(Instant at, int stage, java.util.List<String> itemIds, String itemsJson)
            implements JournalEntry {
        /**
         * Copies.
         *
         * @param at when
         * @param stage the stage index
         * @param itemIds the items' ids, in dispatch order
         * @param itemsJson the items as one JSON array, in the same order
         */
        public ItemsResolved {
            itemIds = java.util.List.copyOf(itemIds);
        }
    }
}
