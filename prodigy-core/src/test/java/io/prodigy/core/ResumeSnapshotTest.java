package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.core.store.FileCheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A resume that reads the journal's snapshot (plus the journal after it) does exactly what a resume that replays
 * the whole journal does: the same items run again, the same results, the same outputs.
 */
class ResumeSnapshotTest {
    private static final int ITEMS = 14;

    @TempDir
    Path dir;

    private Path home() {
        return dir.resolve(".prodigy-home");
    }

    private static Workflow workflow() {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            items.add(Map.of("n", i));
        }
        return Workflow.mapReduce("snapshot-resume")
                .setup(Step.shell("echo setup >> setup.log"))
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .maxParallel(2)
                        .agentTemplate(Step.shell("[ ${item.n} -lt 6 ] || [ -f go ] || sleep 60; "
                                + "[ $((${item.n} % 4)) -ne 3 ] || exit 1; echo ${item.n} >> done.log")))
                .reduce(Step.shell("echo ${map.successful}/${map.total} > reduce.txt"))
                .build();
    }

    /** What a resume did: its status, each item's status, the lines the agents wrote, how many items it started. */
    private record Outcome(
            RunStatus status, Map<String, ItemStatus> items, List<String> done, String reduce, int started) {}

    @Test
    void resumeFromTheSnapshotEqualsResumeFromTheWholeJournal() throws Exception {
        Path olderSnapshot = dir.resolve("older.snapshot");
        CountDownLatch sixSettled = new CountDownLatch(6);
        AtomicInteger finished = new AtomicInteger();
        String runId;
        try (FileCheckpointStore store =
                        FileCheckpointStore.builder(home()).snapshotInterval(4).build();
                Prodigy p = Engines.on(dir)
                        .checkpointStore(store)
                        .listener(e -> {
                            if (e instanceof RunEvent.ItemFinished) {
                                if (finished.incrementAndGet() == 4) {
                                    copyIfPresent(home(), olderSnapshot); // a snapshot from the middle of the map phase
                                }
                                sixSettled.countDown();
                            }
                        })
                        .build()) {
            RunHandle h = p.start(workflow());
            assertThat(sixSettled.await(60, TimeUnit.SECONDS)).isTrue();
            h.cancel();
            RunResult cancelled = h.result().get(60, TimeUnit.SECONDS);
            assertThat(cancelled.status()).isEqualTo(RunStatus.CANCELLED);
            runId = cancelled.runId();
        }
        Path runDir = home().resolve("runs").resolve(runId);
        assertThat(runDir.resolve("journal.snapshot"))
                .as("the snapshot written when the run stopped")
                .exists();
        Path saved = dir.resolve("saved");
        copyTree(dir, saved);
        Files.createFile(dir.resolve("go"));

        Outcome fromSnapshot = resume(runId);
        restore(saved);
        Files.delete(runDir.resolve("journal.snapshot"));
        Outcome fromJournal = resume(runId);
        assertThat(fromSnapshot).isEqualTo(fromJournal);
        assertThat(fromJournal.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        assertThat(fromJournal.items()).hasSize(ITEMS);
        assertThat(fromJournal.started()).isBetween(1, ITEMS - 6 + 2); // those settled before are not run again

        if (Files.exists(olderSnapshot)) {
            restore(saved);
            Files.copy(olderSnapshot, runDir.resolve("journal.snapshot"), StandardCopyOption.REPLACE_EXISTING);
            assertThat(resume(runId))
                    .as("an older snapshot and a longer tail of the journal")
                    .isEqualTo(fromJournal);
        }
    }

    private Outcome resume(String runId) throws IOException {
        AtomicInteger started = new AtomicInteger();
        try (Prodigy p = Engines.on(dir)
                .listener(e -> {
                    if (e instanceof RunEvent.ItemStarted) {
                        started.incrementAndGet();
                    }
                })
                .build()) {
            RunResult r = p.resume(runId, workflow(), ResumeOptions.DEFAULT);
            Map<String, ItemStatus> items = new TreeMap<>();
            r.items().forEach(i -> items.put(i.itemId(), i.status()));
            List<String> done = new ArrayList<>(Files.readAllLines(dir.resolve("done.log")));
            done.sort(Comparator.naturalOrder());
            return new Outcome(
                    r.status(),
                    items,
                    done,
                    Files.readString(dir.resolve("reduce.txt")).strip(),
                    started.get());
        }
    }

    private static void copyIfPresent(Path home, Path to) {
        try (Stream<Path> runs = Files.list(home.resolve("runs"))) {
            for (Path run : runs.toList()) {
                Path s = run.resolve("journal.snapshot");
                if (Files.exists(s)) {
                    Files.copy(s, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            // renamed over meanwhile: no older snapshot for this run of the test
        }
    }

    /** Puts the saved working directory and state back as they were when the run stopped. */
    private void restore(Path saved) throws IOException {
        try (Stream<Path> top = Files.list(dir)) {
            for (Path p : top.toList()) {
                if (!p.equals(saved)
                        && !p.getFileName().toString().equals("older.snapshot")
                        && !p.getFileName().toString().equals("go")) {
                    deleteTree(p);
                }
            }
        }
        copyTree(saved, dir);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path rel = from.relativize(p);
                if (rel.toString().startsWith("saved")) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
