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
    static final List<Path> CLASS_LEVEL = new CopyOnWriteArrayList<>();
    static final List<Boolean> EARLIER_TESTS_REPOSITORY_GONE = new CopyOnWriteArrayList<>();

    /** Run through the launcher below, not by surefire (a nested class). */
    @ExtendWith(GitRepositoryExtension.class)
    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.MethodName.class)
    static class UsesRepositories {
        private GitRepository fromBeforeEach;

        @org.junit.jupiter.api.BeforeAll
        static void setUpClass(GitRepository shared) {
            CLASS_LEVEL.add(shared.directory());
        }

        @BeforeEach
        void setUp(GitRepository repo) {
            fromBeforeEach = repo;
            SEEN.add(repo.directory());
        }

        @Test
        void getsAFreshRepository(GitRepository repo) {
            // runs second (method order): the first test's repositories are gone, the class-level one is not
            EARLIER_TESTS_REPOSITORY_GONE.add(
                    !java.nio.file.Files.exists(SEEN.get(0)) && java.nio.file.Files.isDirectory(CLASS_LEVEL.get(0)));
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
        CLASS_LEVEL.clear();
        EARLIER_TESTS_REPOSITORY_GONE.clear();
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create()
                .execute(
                        LauncherDiscoveryRequestBuilder.request()
                                .selectors(selectClass(UsesRepositories.class))
                                .build(),
                        summary);
        TestExecutionSummary s = summary.getSummary();
        assertThat(s.getTestsSucceededCount()).isEqualTo(1);
        assertThat(s.getTestsFailedCount()).isEqualTo(1);
        assertThat(s.getFailures())
                .singleElement()
                .satisfies(f -> assertThat(f.getException()).hasMessage("deliberate"));
        assertThat(SEEN).hasSize(4).doesNotHaveDuplicates();
        assertThat(SEEN).allSatisfy(dir -> assertThat(dir).doesNotExist());
        assertThat(EARLIER_TESTS_REPOSITORY_GONE).containsExactly(true);
        assertThat(CLASS_LEVEL).singleElement().satisfies(dir -> assertThat(dir).doesNotExist());
    }
}
