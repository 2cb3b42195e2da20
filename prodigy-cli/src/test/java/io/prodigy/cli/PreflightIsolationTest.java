package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.MapPhase;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The preflight's "commit it" checks apply to runs in git worktrees, not to a directory shared on purpose. */
class PreflightIsolationTest {
    @TempDir
    Path tmp;

    @Test
    void uncommittedFilesAreErrorsForWorktreesButNotForASharedDirectory() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        git(repo, "init", "-q", "-b", "main");
        git(repo, "config", "user.email", "t@example.com");
        git(repo, "config", "user.name", "t");
        Files.writeString(repo.resolve("README.md"), "x\n");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "initial");
        // written after the commit: present in the directory, absent from a worktree of the last commit
        Files.createDirectories(repo.resolve(".claude/commands"));
        Files.writeString(repo.resolve(".claude/commands/fix.md"), "Fix $ARGUMENTS\n");
        Files.writeString(repo.resolve("items.json"), "[{\"path\": \"a\"}, {\"path\": \"b\"}]\n");
        Workflow wf = Workflow.mapReduce("fix-items")
                .map(MapPhase.builder().input(WorkInput.jsonFile("items.json", "$[*]")).maxParallel(2)
                        .agentTemplate(Step.agent("/fix ${item.path}")))
                .build();

        List<Preflight.Finding> inWorktrees = Preflight.of(repo, true).staticChecks(wf);
        assertThat(inWorktrees).filteredOn(Preflight.Finding::error).extracting(Preflight.Finding::message)
                .anySatisfy(m -> assertThat(m).contains("/fix").contains("not committed"))
                .anySatisfy(m -> assertThat(m).contains("items.json").contains("not committed"));

        List<Preflight.Finding> shared = Preflight.of(repo, false).staticChecks(wf);
        assertThat(shared).filteredOn(Preflight.Finding::error).isEmpty();

        // a file missing altogether is an error either way
        Files.delete(repo.resolve(".claude/commands/fix.md"));
        assertThat(Preflight.of(repo, false).staticChecks(wf)).filteredOn(Preflight.Finding::error)
                .extracting(Preflight.Finding::message).anySatisfy(m -> assertThat(m).contains("does not exist"));
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git %s: %s", String.join(" ", args), out).isZero();
    }
}
