/**
 * Durable, file-based state for runs: {@link io.prodigy.core.store.FileCheckpointStore} (run records and
 * append-only journals), {@link io.prodigy.core.store.FileDlqStore} (the Dead Letter Queue),
 * {@link io.prodigy.core.store.JsonlEventLog} and {@link io.prodigy.core.store.EventLogReader} (the event log),
 * and {@link io.prodigy.core.store.RunLock} (one process owns a run).
 *
 * <p>Everything lives under one root directory ({@code PRODIGY_HOME}), one directory per run:
 * <pre>
 * &lt;root&gt;/runs/&lt;run-id&gt;/run.json        the run record, replaced atomically
 * &lt;root&gt;/runs/&lt;run-id&gt;/journal.jsonl   append-only journal
 * &lt;root&gt;/runs/&lt;run-id&gt;/dlq.jsonl       append-only Dead Letter Queue records
 * &lt;root&gt;/runs/&lt;run-id&gt;/events.jsonl    the event log
 * &lt;root&gt;/runs/&lt;run-id&gt;/lock            the owner of the run, while it runs
 * </pre>
 * Every record is JSON with a {@code version} field; the format is described in {@code docs/state-format.md}.
 * JSONL files share one crash rule: a torn last line is skipped with a warning (and cut off before the next
 * append), while a corrupt line anywhere else is a {@link io.prodigy.api.StoreException} naming file and line.
 */
package io.prodigy.core.store;
