package io.prodigy.examples;

import io.prodigy.api.MapPhase;
import io.prodigy.api.ReprocessOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.core.DeadLetters;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.Prodigy;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Host-supplied stores and listeners: the engine keeps its Dead Letter Queue in a {@link DlqStore} the host plugs
 * in (here a small in-memory store that also appends every change to the host's own audit file), and reports to
 * {@link RunListener}s (here one that feeds the host's metrics). Then the example inspects the dead letters with
 * {@link DeadLetters} (list, stats by error pattern, CSV export), fixes the cause, and reprocesses them with
 * {@link Prodigy#reprocessDeadLetters}.
 *
 * <p>Run it with
 * {@code mvn -q -pl prodigy-examples -am package -DskipTests exec:java -Dexec.mainClass=io.prodigy.examples.HostStores}.
 */
public final class HostStores {
    private HostStores() {}

    /**
     * A DLQ store of the host's own: entries in memory, every change appended to an audit file as a tab-separated
     * line. Follows the {@link DlqStore} contract: thread-safe, and adding an entry for an item that already has
     * one merges the attempts into it.
     */
    public static final class AuditedDlqStore implements DlqStore {
        private final Map<String, Map<String, DlqEntry>> byRun = new LinkedHashMap<>();
        private final Path auditFile;

        /** @param auditFile the file every change is appended to */
        public AuditedDlqStore(Path auditFile) {
            this.auditFile = auditFile;
        }

        private void audit(String what, String runId, String itemId, String detail) {
            String line = Instant.now() + "\t" + what + "\t" + runId + "\t" + itemId + "\t" + detail + "\n";
            try {
                Files.writeString(
                        auditFile, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void add(DlqEntry entry) {
            Map<String, DlqEntry> run = byRun.computeIfAbsent(entry.runId(), k -> new LinkedHashMap<>());
            DlqEntry old = run.get(entry.itemId());
            DlqEntry merged = entry;
            if (old != null) {
                List<FailedAttempt> attempts = new ArrayList<>(old.attempts());
                attempts.addAll(entry.attempts());
                merged = entry.toBuilder()
                        .attempts(attempts)
                        .workspace(entry.workspace() != null ? entry.workspace() : old.workspace())
                        .firstFailure(old.firstFailure())
                        .build();
            }
            run.put(entry.itemId(), merged);
            audit(
                    "failed",
                    entry.runId(),
                    entry.itemId(),
                    entry.lastAttempt().errorKind() + ": "
                            + entry.lastAttempt().message().replace('\n', ' '));
        }

        @Override
        public synchronized List<DlqEntry> list(String runId) {
            return List.copyOf(byRun.getOrDefault(runId, Map.of()).values());
        }

        @Override
        public synchronized Optional<DlqEntry> find(String runId, String itemId) {
            return Optional.ofNullable(byRun.getOrDefault(runId, Map.of()).get(itemId));
        }

        @Override
        public synchronized void markResolved(String runId, String itemId) {
            DlqEntry e = byRun.getOrDefault(runId, Map.of()).get(itemId);
            if (e != null) {
                byRun.get(runId).put(itemId, e.toBuilder().resolved(true).build());
                audit("resolved", runId, itemId, "");
            }
        }

        @Override
        public synchronized int purge(String runId) {
            Map<String, DlqEntry> run = byRun.remove(runId);
            audit("purged", runId, "*", "");
            return run == null ? 0 : run.size();
        }

        @Override
        public synchronized int purgeOlderThan(String runId, Instant cutoff) {
            Map<String, DlqEntry> run = byRun.get(runId);
            if (run == null) {
                return 0;
            }
            int before = run.size();
            run.values().removeIf(e -> e.lastFailure().isBefore(cutoff));
            return before - run.size();
        }

        @Override
        public synchronized List<String> runIds() {
            return List.copyOf(byRun.keySet());
        }
    }

    /** A listener feeding the host's metrics: a counter per kind of event. Called from worker threads. */
    public static final class MetricsListener implements RunListener {
        private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();

        @Override
        public void onEvent(RunEvent event) {
            counters.computeIfAbsent(event.getClass().getSimpleName(), k -> new LongAdder())
                    .increment();
        }

        /** @return the counters so far, by event name */
        public Map<String, Long> snapshot() {
            Map<String, Long> out = new TreeMap<>();
            counters.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }
    }

    /**
     * The workflow: every service is checked against {@code allowed.txt}; the ones not listed fail and go to the
     * Dead Letter Queue.
     *
     * @return the workflow
     */
    public static Workflow workflow() {
        return Workflow.mapReduce("deploy-check")
                .map(MapPhase.builder()
                        .input(WorkInput.jsonFile("services.json", "$[*]"))
                        .idField("name")
                        .maxParallel(3)
                        .agentTemplate(Step.shell("grep -qx ${item.name} allowed.txt && echo ${item.name} is allowed")))
                .reduce(Step.shell("echo \"${map.successful} of ${map.total} services allowed\"")
                        .capture("summary"))
                .build();
    }

    /**
     * Runs the workflow with the host's stores, inspects the dead letters, fixes the cause and reprocesses them.
     *
     * @param dir the project directory (created if missing)
     * @param out where the story is printed
     * @return the result after reprocessing
     * @throws IOException if the project cannot be written
     */
    public static RunResult run(Path dir, PrintStream out) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(
                dir.resolve("services.json"),
                "[{\"name\": \"auth\"}, {\"name\": \"billing\"}, {\"name\": \"search\"}, {\"name\": \"uploads\"}]",
                StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("allowed.txt"), "auth\nsearch\n", StandardCharsets.UTF_8);
        AuditedDlqStore dlq = new AuditedDlqStore(dir.resolve("dlq-audit.tsv"));
        MetricsListener metrics = new MetricsListener();
        Workflow workflow = workflow();

        try (Prodigy prodigy = Prodigy.builder()
                .workingDirectory(dir)
                .home(dir.resolve(".prodigy"))
                .isolation(DirectoryIsolation.shared())
                .dlqStore(dlq)
                .listener(metrics)
                .listener(new ProgressPrinter(out))
                .build()) {
            RunResult first = prodigy.run(workflow);
            out.println("First run: " + first.status() + ", " + first.summary().deadLettered() + " dead letters");

            DeadLetters letters = new DeadLetters(dlq);
            for (DlqEntry e : letters.list(first.runId(), false)) {
                out.println("  dead letter " + e.itemId() + " " + e.itemJson() + ": "
                        + e.lastAttempt().errorKind() + " after " + e.attempts().size() + " attempt(s) - "
                        + e.lastAttempt().message());
            }
            for (DeadLetters.PatternStats s : letters.stats(first.runId())) {
                out.println("  pattern: " + s.count() + " x " + s.pattern() + " " + s.sampleItemIds());
            }
            StringWriter csv = new StringWriter();
            letters.export(first.runId(), DeadLetters.Format.CSV, csv);
            out.print("  CSV export:\n" + csv.toString().indent(4));

            // fix the cause, then run only the dead letters again, in the run's workspace
            Files.writeString(dir.resolve("allowed.txt"), "auth\nsearch\nbilling\nuploads\n", StandardCharsets.UTF_8);
            Prodigy.ReprocessResult again = prodigy.reprocessDeadLetters(first.runId(), workflow, ReprocessOptions.ALL);
            out.println("Reprocessed " + new java.util.TreeSet<>(again.itemIds()) + ": "
                    + again.result().status());
            out.println("Unresolved dead letters now: "
                    + letters.list(first.runId(), false).size());
            out.println("Host metrics: " + metrics.snapshot());
            out.println("Audit log " + dir.resolve("dlq-audit.tsv") + ":");
            out.print(Files.readString(dir.resolve("dlq-audit.tsv"), StandardCharsets.UTF_8)
                    .indent(2));
            return again.result();
        }
    }

    /**
     * Runs the example in a new temporary directory, or the one given.
     *
     * @param args optionally the project directory
     * @throws IOException if the project cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("prodigy-host-stores-");
        System.exit(run(dir, System.out).succeeded() ? 0 : 1);
    }
}
