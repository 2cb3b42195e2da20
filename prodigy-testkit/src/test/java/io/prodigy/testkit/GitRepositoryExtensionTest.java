package io.prodigy.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

class GitRepositoryExtensionTest {
    static final List<Path> SEEN = new CopyOnWriteArrayList<>();

    /** Run through the launcher below, not by surefire (a nested class). */
    @ExtendWith(GitRepositoryExtension.class)
    static class UsesRepositories {
        private GitRepository fromBeforeEach;

        @BeforeEach
        void setUp(GitRepository repo) {
            fromBeforeEach = repo;
            SEEN.add(repo.directory());
        }

        @Test
        void getsAFreshRepository(GitRepository repo) {
            SEEN.add(repo.directory());
            assertThat(repo.directory().resolve(".git")).isDirectory();
            assertThat(repo.countCommits("main")).isEqualTo(1);
            assertThat(repo.directory()).isNotEqualTo(fromBeforeEach.directory());
        }

        @Test
        void failsButStillCleansUp(GitRepository repo) {
            SEEN.add(repo.directory());
            throw new AssertionError("deliberate");
        }
    }

    @Test
    void resolvesRepositoriesAndDeletesThemAfterEachTestPassedOrFailed() {
        SEEN.clear();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(UsesRepositories.class)).build(), summary);
        TestExecutionSummary s = summary.getSummary();
        assertThat(s.getTestsSucceededCount()).isEqualTo(1);
        assertThat(s.getTestsFailedCount()).isEqualTo(1);
        assertThat(s.getFailures()).singleElement()
                .satisfies(f -> assertThat(f.getException()).hasMessage("deliberate"));
        assertThat(SEEN).hasSize(4).doesNotHaveDuplicates();
        assertThat(SEEN).allSatisfy(dir -> assertThat(dir).doesNotExist());
    }
}
