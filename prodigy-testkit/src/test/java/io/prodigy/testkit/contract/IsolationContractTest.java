package io.prodigy.testkit.contract;

import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.testkit.GitRepository;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The isolation contract, run against the git worktree isolation and both plain-directory isolations. */
class IsolationContractTest {

    @Nested
    class Worktrees extends IsolationStrategyContract {
        @Override
        protected IsolationStrategy createStrategy(GitRepository project, Path home) {
            WorktreeIsolation.Builder b = WorktreeIsolation.builder().prodigyHome(home);
            project.environment().forEach(b::gitEnvironment);
            return b.build();
        }
    }

    @Nested
    class SharedDirectory extends IsolationStrategyContract {
        @Override
        protected IsolationStrategy createStrategy(GitRepository project, Path home) {
            return DirectoryIsolation.shared();
        }
    }

    @Nested
    class ScratchDirectoryPerItem extends IsolationStrategyContract {
        @Override
        protected IsolationStrategy createStrategy(GitRepository project, Path home) {
            return DirectoryIsolation.scratchPerItem();
        }

        /** Documented: each item gets a fresh, empty directory, and hands results on through its output. */
        @Override
        protected boolean itemsStartFromTheRunWorkspace() {
            return false;
        }
    }
}
