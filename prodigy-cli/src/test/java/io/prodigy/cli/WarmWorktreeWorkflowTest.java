package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Workflow;
import io.prodigy.core.Prodigy;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.yaml.WorkflowLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, as {@code prodigy run} builds it: a YAML workflow whose {@code worktree:} block names the warm
 * directories, over a {@code config.yml} choosing the pool and opting a directory out (the workflow wins key by key),
 * with an install step {@code once_per_worktree}, on a real git repository.
 */
class WarmWorktreeWorkflowTest {
    @TempDir
    Path tmp;

    private Map<String, String> gitEnv;

    private void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git", "-C", dir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("GIT_"));
        pb.environment().putAll(gitEnv);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", args, out).isZero();
    }

    @Test
    void aYamlWorkflowInstallsOncePerWorktreeAndKeepsOnlyTheWarmDirectoriesItAndTheConfigurationName()
            throws Exception {
        Path gitHome = Files.createDirectories(tmp.resolve("git-home"));
        Path gitConfig = gitHome.resolve("gitconfig");
        Files.writeString(
                gitConfig,
                "[user]\n\tname = Prodigy Test\n\temail = test@prodigy.invalid\n[init]\n\tdefaultBranch = main\n"
                        + "[commit]\n\tgpgsign = false\n");
        gitEnv = Map.of(
                "HOME", gitHome.toString(),
                "GIT_CONFIG_GLOBAL", gitConfig.toString(),
                "GIT_CONFIG_NOSYSTEM", "1");
        Path repo = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(repo.resolve(".gitignore"), "node_modules/\ntarget/\n.cache/\n");
        Files.writeString(repo.resolve("README"), "project\n");
        git(repo, "init", "-q");
        git(repo, "add", "-A");
        git(repo, "commit", "-q", "-m", "initial");
        Path counts = Files.createDirectories(tmp.resolve("counts"));

        Path home = Files.createDirectories(tmp.resolve("prodigy-home"));
        Files.writeString(
                home.resolve("config.yml"),
                "worktree:\n  mode: pooled\n  pool_size: 1\n  warm_directories: [node_modules, .cache]\n"
                        + "  cold_directories: [target]\n");
        String yaml = """
                name: warm-slots
                mode: mapreduce
                env:
                  HOME: "%s"
                  GIT_CONFIG_GLOBAL: "%s"
                  GIT_CONFIG_NOSYSTEM: "1"
                  COUNTS: "%s"
                worktree:
                  warm_directories: [node_modules, target]
                map:
                  input: [a, b, c]
                  max_parallel: 3
                  agent_template:
                    - shell: mkdir -p node_modules && echo ok > node_modules/.installed && echo x >> "$COUNTS/installs"
                      once_per_worktree: true
                    - shell: |
                        {
                          [ -e node_modules/.installed ] && echo node_modules-warm || echo node_modules-cold
                          [ -e target/cache ] && echo target-warm || echo target-cold
                          [ -e .cache/cache ] && echo cache-warm || echo cache-cold
                          [ -e scratch.txt ] && echo scratch-leaked || echo no-scratch
                        } > seen-${item}.txt
                        mkdir -p target .cache && touch target/cache .cache/cache scratch.txt
                        git add seen-${item}.txt && git commit -q -m "item ${item}"
                """.formatted(gitHome, gitConfig, counts);
        Workflow wf = WorkflowLoader.create().load(yaml, "warm.yml").orThrow();

        CliConfig config = CliConfig.load(home, repo);
        WorktreeIsolation.Builder isolation = WorktreeIsolation.builder().prodigyHome(home);
        gitEnv.forEach(isolation::gitEnvironment);
        IsolationSettings.apply(isolation, config.worktree(), wf);
        RunResult r;
        try (Prodigy prodigy = Prodigy.builder()
                .workingDirectory(repo)
                .home(home)
                .isolation(isolation.build())
                .build()) {
            r = prodigy.run(wf);
        }

        assertThat(r.status()).as(r.toString()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(Files.readAllLines(counts.resolve("installs")))
                .as("pool_size 1 from config.yml: one worktree, one install")
                .hasSize(1);
        List<String> seen = new ArrayList<>();
        for (String item : List.of("a", "b", "c")) {
            seen.add(Files.readString(repo.resolve("seen-" + item + ".txt")));
        }
        // the workflow's warm list replaces the configuration's (.cache is not warm); the configuration's cold
        // target still applies, key by key; untracked files never survive
        assertThat(seen).containsOnly("node_modules-warm\ntarget-cold\ncache-cold\nno-scratch\n");
    }
}
