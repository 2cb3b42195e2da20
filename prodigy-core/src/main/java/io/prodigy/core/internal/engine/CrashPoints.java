package io.prodigy.core.internal.engine;

import java.util.function.BiConsumer;

/**
 * The one test-only seam of the engine's crash safety: named points where a crash or a pause matters most (taking
 * over a run's lock, stopping leftovers, the ancestry check, discarding a stale attempt, dispatching, merging, the
 * reduce, the final merge). The engine calls {@link #reach} at each; by default that does nothing.
 *
 * <p>A crash test installs a hook in the JVM it will kill by naming, in the system property
 * {@value #PROPERTY}, a class with a public no-argument constructor that implements
 * {@code BiConsumer<String, String>}; it receives the point's {@link Point} name and a detail (an item id, a step's
 * location). The hook may pause (to widen a timing window) or block until the test kills the process. Never set in
 * production; a property naming a class that cannot be loaded fails the first run loudly.
 */
public final class CrashPoints {
    /** The system property naming the hook class. */
    public static final String PROPERTY = "prodigy.crash-points";

    /** The points, in the order a run meets them. */
    public enum Point {
        /** A resume holds the run's lock (taken over from a killed owner); its leftovers are not stopped yet. */
        LOCK_TAKEN,
        /** A resume stopped the processes the killed owner left (or found none). */
        LEFTOVERS_STOPPED,
        /** The run's workspace is open (a resume re-attached to it and repaired what a crash left). */
        WORKSPACE_OPEN,
        /** Before a step of a setup, reduce or plain phase; detail {@code stage/phase/index}. */
        STEP,
        /** A resume is about to ask the isolation whether an item it dispatched before was integrated. */
        ANCESTRY_CHECK,
        /** A resume is about to discard what an earlier attempt at an item left. */
        DISCARD,
        /** An item's dispatch is journaled; its workspace is not acquired yet. */
        DISPATCH,
        /** An item's agent succeeded; its merge into the run's workspace is about to start. */
        INTEGRATE,
        /** An item is merged into the run's workspace; the journal does not say so yet. */
        INTEGRATED,
        /** An item's outcome is journaled. */
        ITEM_FINISHED,
        /** The run is about to close its workspace: the final merge into the user's branch. */
        FINAL_MERGE,
        /** The final merge is done; the run's status is not recorded yet. */
        FINAL_MERGE_DONE,
        /**
         * The store wrote a journal snapshot's entries to its temporary file (not yet synced, nor renamed over the
         * previous snapshot); detail the run id. Reached on the store's snapshot thread, or on the thread closing
         * the run's journal.
         */
        SNAPSHOT_WRITE
    }

    private static final BiConsumer<String, String> HOOK = load();

    private CrashPoints() {}

    /**
     * Reports that the engine reached a point.
     *
     * @param point the point
     * @param detail what it is about (an item id, a location), or an empty string
     */
    public static void reach(Point point, String detail) {
        if (HOOK != null) {
            HOOK.accept(point.name(), detail == null ? "" : detail);
        }
    }

    @SuppressWarnings("unchecked")
    private static BiConsumer<String, String> load() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            return null;
        }
        try {
            Class<?> type =
                    Class.forName(name.strip(), true, Thread.currentThread().getContextClassLoader());
            Object hook = type.getConstructor().newInstance();
            if (!(hook instanceof BiConsumer<?, ?>)) {
                throw new IllegalStateException(
                        "the crash-point hook " + name + " is not a BiConsumer<String, String>");
            }
            return (BiConsumer<String, String>) hook;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(
                    "the crash-point hook " + name + " (system property " + PROPERTY + ") cannot be loaded: " + e, e);
        }
    }
}
