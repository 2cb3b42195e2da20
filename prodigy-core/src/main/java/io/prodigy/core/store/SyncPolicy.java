package io.prodigy.core.store;

/**
 * When appended records are forced from the operating system's cache to stable storage.
 *
 * <p>Whatever the policy, an append returns only after its record has been written to the operating system,
 * so it survives the crash or {@code kill -9} of the process. The policy decides what survives a power loss
 * or an operating-system crash, and what an append costs:
 * <ul>
 *   <li>{@link #EVERY_RECORD}: nothing acknowledged is lost; each append waits for an {@code fdatasync}
 *       (milliseconds on many disks). Appends made at the same time share one sync (group commit).</li>
 *   <li>{@link #BATCHED}: a background thread syncs files with new records every sync interval; a power loss
 *       can lose the records of the last interval. Appends cost a {@code write} call only.</li>
 *   <li>{@link #OS}: files are synced only when they are closed; the operating system writes them back on its
 *       own schedule (about 30 seconds on Linux).</li>
 * </ul>
 * Losing the last records of a journal is safe for resume: an item whose integration was not recorded is
 * recognised by the isolation strategy's own record (git ancestry), and an item whose dispatch was not recorded
 * simply runs again.
 */
public enum SyncPolicy {
    /** Each append returns after its record is on stable storage. */
    EVERY_RECORD,
    /** Records are synced in batches, every sync interval, by a background thread (the default). */
    BATCHED,
    /** Records are synced when the file is closed; otherwise the operating system decides. */
    OS
}
