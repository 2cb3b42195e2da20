package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.MapPhase;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.testkit.GitRepository;
import io.prodigy.testkit.GitRepositoryExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The preflight's "commit it" checks apply to runs in git worktrees, not to a directory shared on purpose. */
@ExtendWith(GitRepositoryExtension.class)
class PreflightIsolationTest {
    @Test
    void uncommittedFilesAreErrorsForWorktreesButNotForASharedDirectory(GitRepository git) throws IOException {
        Path repo = git.directory();
        // written after the commit: present in the directory, absent from a worktree of the last commit
        Files.createDirectories(repo.resolve(".claude/commands"));
        Files.writeString(repo.resolve(".claude/commands/fix.md"), "Fix $ARGUMENTS\n");
        Files.writeString(repo.resolve("items.json"), "[{\"path\": \"a\"}, {\"path\": \"b\"}]\n");
        Workflow wf = Workflow.mapReduce("fix-items")
                .map(MapPhase.builder()
                        .input(WorkInput.jsonFile("items.json", "$[*]"))
                        .maxParallel(2)
                        .agentTemplate(Step.agent("/fix ${item.path}")))
                .build();

        List<Preflight.Finding> inWorktrees = Preflight.of(repo, true).staticChecks(wf);
        assertThat(inWorktrees)
                .filteredOn(Preflight.Finding::error)
                .extracting(Preflight.Finding::message)
                .anySatisfy(m -> assertThat(m).contains("/fix").contains("not committed"))
                .anySatisfy(m -> assertThat(m).contains("items.json").contains("not committed"));

        List<Preflight.Finding> shared = Preflight.of(repo, false).staticChecks(wf);
        assertThat(shared).filteredOn(Preflight.Finding::error).isEmpty();

        // a file missing altogether is an error either way
        Files.delete(repo.resolve(".claude/commands/fix.md"));
        assertThat(Preflight.of(repo, false).staticChecks(wf))
                .filteredOn(Preflight.Finding::error)
                .extracting(Preflight.Finding::message)
                .anySatisfy(m -> assertThat(m).contains("does not exist"));
    }
}
