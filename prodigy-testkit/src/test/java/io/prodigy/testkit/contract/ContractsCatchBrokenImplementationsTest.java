package io.prodigy.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.prodigy.api.RunStatus;
import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.api.spi.JournalEntry;
import io.prodigy.api.spi.RunContext;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.api.spi.Workspace;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.core.InMemoryCheckpointStore;
import io.prodigy.core.InMemoryDlqStore;
import io.prodigy.testkit.GitRepository;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/** The contract tests fail on implementations that break the contract (they are run through the launcher). */
class ContractsCatchBrokenImplementationsTest {

    private static List<String> failedTests(Class<?> contractTest) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectClass(contractTest))
                                .build(),
                        summary);
        return summary.getSummary().getFailures().stream()
                .map(f -> f.getTestIdentifier().getDisplayName())
                .toList();
    }

    @Test
    void aDlqStoreThatReplacesInsteadOfMergingFails() {
        assertThat(failedTests(ReplacingDlq.class))
                .containsExactlyInAnyOrder(
                        "addingAnEntryForAnItemThatHasOneMergesTheAttempts()", "concurrentAddsKeepEveryAttempt()");
    }

    @Test
    void aCheckpointStoreListingRunsOldestFirstAndAcceptingDuplicatesFails() {
        assertThat(failedTests(SloppyCheckpoints.class))
                .containsExactlyInAnyOrder(
                        "runsListsEveryRunNewestFirst()", "creatingARunTwiceFailsWithStoreException()");
    }

    @Test
    void anIsolationWhoseIntegrateIsNotIdempotentFails() {
        assertThat(failedTests(AlwaysIntegrating.class)).contains("integrateIsIdempotent()");
    }

    /** Replaces an item's entry instead of merging attempts. */
    static class ReplacingDlq extends DlqStoreContract {
        @Override
        protected DlqStore createStore(Path directory) {
            InMemoryDlqStore real = new InMemoryDlqStore();
            return new DlqStore() {
                @Override
                public void add(DlqEntry entry) {
                    if (real.find(entry.runId(), entry.itemId()).isPresent()) {
                        List<DlqEntry> keep = new ArrayList<>(real.list(entry.runId()));
                        real.purge(entry.runId());
                        keep.replaceAll(e -> e.itemId().equals(entry.itemId()) ? entry : e);
                        keep.forEach(real::add);
                    } else {
                        real.add(entry);
                    }
                }

                @Override
                public List<DlqEntry> list(String runId) {
                    return real.list(runId);
                }

                @Override
                public Optional<DlqEntry> find(String runId, String itemId) {
                    return real.find(runId, itemId);
                }

                @Override
                public void markResolved(String runId, String itemId) {
                    real.markResolved(runId, itemId);
                }

                @Override
                public int purge(String runId) {
                    return real.purge(runId);
                }

                @Override
                public int purgeOlderThan(String runId, Instant cutoff) {
                    return real.purgeOlderThan(runId, cutoff);
                }

                @Override
                public synchronized List<String> runIds() {
                    return real.runIds();
                }
            };
        }
    }

    /** Lists runs oldest first and lets a second createRun replace the first. */
    static class SloppyCheckpoints extends CheckpointStoreContract {
        @Override
        protected CheckpointStore createStore(Path directory) {
            InMemoryCheckpointStore real = new InMemoryCheckpointStore();
            return new CheckpointStore() {
                @Override
                public void createRun(RunRecord record) {
                    if (real.findRun(record.runId()).isPresent()) {
                        real.updateRun(record);
                    } else {
                        real.createRun(record);
                    }
                }

                @Override
                public void append(String runId, JournalEntry entry) {
                    real.append(runId, entry);
                }

                @Override
                public void updateStatus(String runId, RunStatus status, Instant at) {
                    real.updateStatus(runId, status, at);
                }

                @Override
                public Optional<RunRecord> findRun(String runId) {
                    return real.findRun(runId);
                }

                @Override
                public List<JournalEntry> journal(String runId) {
                    return real.journal(runId);
                }

                @Override
                public List<RunRecord> runs() {
                    List<RunRecord> all = new ArrayList<>(real.runs());
                    java.util.Collections.reverse(all);
                    return all;
                }

                @Override
                public void updateRun(RunRecord record) {
                    real.updateRun(record);
                }
            };
        }
    }

    /** Claims to integrate every time. */
    static class AlwaysIntegrating extends IsolationStrategyContract {
        @Override
        protected IsolationStrategy createStrategy(GitRepository project, Path home) {
            DirectoryIsolation real = DirectoryIsolation.shared();
            return new IsolationStrategy() {
                @Override
                public Workspace openRun(RunContext run) {
                    return real.openRun(run);
                }

                @Override
                public Workspace acquire(Workspace run, String itemId) {
                    return real.acquire(run, itemId);
                }

                @Override
                public IntegrationResult integrate(Workspace run, Workspace item) {
                    return new IntegrationResult.Integrated(List.of("0000000"));
                }

                @Override
                public void release(Workspace item, boolean keep) {
                    real.release(item, keep);
                }
            };
        }
    }
}
