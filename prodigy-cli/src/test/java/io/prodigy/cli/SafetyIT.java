package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No silent surprises through the real jar: one live run per workflow and repository, a declined merge that waits
 * for {@code prodigy merge}, a {@code clean} that keeps unmerged work, lists and asks, and progress and event
 * following that know about resumes.
 */
class SafetyIT {
    @TempDir
    Path tmp;

    @Test
    void aSecondRunOfTheSameWorkflowIsRefusedWhileTheFirstIsLive() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("items.json", "[1, 2, 3, 4]");
        cli.write("slow.yml", """
                name: slow
                mode: mapreduce
                map:
                  input: items.json
                  max_parallel: 1
                  agent_template:
                    - shell: "sleep 3"
                """);
        cli.commitAll("workflow");
        JarCli.Started first = cli.start("run", "slow.yml", "-y");
        JarCli.await(
                "the first run's items",
                java.time.Duration.ofSeconds(60),
                () -> cli.allEvents().contains("\"step_started\""));
        String firstId = cli.ok("runs", "--json").json().get(0).get("id").asText();
        JarCli.Result second = cli.run("run", "slow.yml", "-y");
        assertThat(second.exit()).as("%s", second).isEqualTo(2);
        assertThat(second.err())
                .contains("run " + firstId + " of workflow 'slow' is already running")
                .contains("--force");
        assertThat(cli.ok("runs", "--json").json()).hasSize(1);
        new ProcessBuilder("kill", "-INT", String.valueOf(first.process().pid()))
                .start()
                .waitFor();
        assertThat(first.await(java.time.Duration.ofSeconds(60)).exit()).isEqualTo(130);
    }

    @Test
    void aDeclinedMergeWaitsForProdigyMergeAndCleanKeepsItAndAsksFirst() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("wf.yml", """
                name: change
                commands:
                  - shell: "echo changed > changed.txt && git add changed.txt && git commit -q -m change"
                    commit_required: true
                """);
        cli.commitAll("workflow");
        JarCli.Result run = cli.ok("run", "wf.yml"); // no -y and no terminal: not merged
        assertThat(run.err()).contains("no terminal to ask on").contains("prodigy merge run-");
        assertThat(cli.repo.resolve("changed.txt")).doesNotExist();
        String runId = cli.ok("runs", "--json").json().get(0).get("id").asText();
        assertThat(cli.ok("status", runId).out())
                .contains("Not merged: 1 commit(s)")
                .contains("prodigy merge " + runId);
        assertThat(cli.ok("clean", "-y").out()).contains("keeping " + runId + ": its work is not merged");
        assertThat(cli.ok("runs", "--json").json()).hasSize(1);
        assertThat(cli.run("merge", runId).exit()).as("no terminal, no -y").isEqualTo(2);
        assertThat(cli.ok("merge", runId, "-y").out()).contains("Merged 1 commit(s) of run " + runId);
        assertThat(cli.repo.resolve("changed.txt")).exists();
        assertThat(cli.ok("status", runId).out()).doesNotContain("Not merged");

        // clean lists, asks (no terminal: refuses without -y), and acts on this project only
        Path other = Files.createDirectories(tmp.resolve("other"));
        cli.git("init", "-q", other.toString());
        cli.write("../other/README.md", "other\n");
        runIn(cli, other, "git", "add", "-A");
        runIn(cli, other, "git", "commit", "-q", "-m", "init");
        cli.write("../other/wf.yml", "name: other\ncommands:\n  - shell: \"echo other\"\n");
        JarCli.Result otherRun =
                cli.ok("run", "-p", other.toString(), other.resolve("wf.yml").toString(), "-y");
        assertThat(otherRun.out()).contains("SUCCEEDED");
        JarCli.Result refused = cli.run("clean");
        assertThat(refused.exit()).isEqualTo(2);
        assertThat(refused.out()).contains("Will delete 1 run(s) of").contains(runId);
        assertThat(refused.err()).contains("pass -y");
        assertThat(cli.ok("clean", "-y").out()).contains("deleted " + runId);
        assertThat(cli.ok("runs", "--json", "--all-projects").json()).hasSize(1); // the other project's run
        assertThat(cli.ok("clean", "-y", "--all-projects").out()).contains("Deleted 1 run(s)");
    }

    @Test
    void aResumedRunCountsTheItemsDoneBeforeAndEventsFollowItToItsRealEnd() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("items.json", "[1, 2, 3, 4, 5, 6]");
        cli.write("slow.yml", """
                name: slow
                mode: mapreduce
                map:
                  input: items.json
                  max_parallel: 1
                  agent_template:
                    - shell: "sleep 0.5"
                """);
        cli.commitAll("workflow");
        JarCli.Started first = cli.start("run", "slow.yml", "-y");
        JarCli.await(
                "two items finished",
                java.time.Duration.ofSeconds(60),
                () -> cli.allEvents().split("\"item_finished\"", -1).length > 2);
        new ProcessBuilder("kill", "-INT", String.valueOf(first.process().pid()))
                .start()
                .waitFor();
        assertThat(first.await(java.time.Duration.ofSeconds(60)).exit()).isEqualTo(130);
        String runId = cli.ok("runs", "--json").json().get(0).get("id").asText();

        JarCli.Result resumed = cli.ok("resume", "-y");
        assertThat(resumed.err())
                .containsPattern("6 item\\(s\\): [2-5] settled before the resume \\([2-5] ok, 0 failed"
                        + "\\), [1-4] to process")
                .containsPattern("\\[6/6]");
        assertThat(resumed.out()).contains("SUCCEEDED");
        // both attempts' finishes: following does not stop at the interrupted attempt's
        assertThat(cli.ok("events", runId, "--follow", "--type", "RunFinished")
                        .out()
                        .lines())
                .hasSize(2)
                .last()
                .asString()
                .contains("SUCCEEDED");
        assertThat(cli.ok("events", runId, "--follow", "--json", "--type", "run_finished")
                        .out()
                        .lines())
                .hasSize(2);
    }

    @Test
    void worktreeCleanActsOnThisProjectAndAsksBeforeRemovingWork() throws Exception {
        JarCli cli = new JarCli(tmp);
        String failing = """
                name: fails
                mode: mapreduce
                map:
                  input: items.json
                  agent_template:
                    - shell: "echo half-done > wip.txt && exit 1"
                """;
        cli.write("items.json", "[1]");
        cli.write("fails.yml", failing);
        cli.commitAll("workflow");
        Path other = Files.createDirectories(tmp.resolve("other"));
        cli.git("init", "-q", other.toString());
        cli.write("../other/items.json", "[1]");
        cli.write("../other/fails.yml", failing);
        runIn(cli, other, "git", "add", "-A");
        runIn(cli, other, "git", "commit", "-q", "-m", "init");
        assertThat(cli.run("run", "fails.yml", "-y").exit()).isNotZero();
        assertThat(cli.run(
                                "run",
                                "-p",
                                other.toString(),
                                other.resolve("fails.yml").toString(),
                                "-y")
                        .exit())
                .isNotZero();
        int kept = cli.ok("worktree", "ls", "--json", "--all-projects").json().size();
        assertThat(kept).as("each failed item's worktree is kept").isGreaterThanOrEqualTo(2);

        // the failed item's uncommitted file is work: no terminal to ask on, so --force without -y removes nothing
        JarCli.Result refused = cli.run("worktree", "clean", "--force");
        assertThat(refused.exit()).as("%s", refused).isEqualTo(2);
        assertThat(refused.err()).contains("pass -y");
        assertThat(cli.ok("worktree", "ls", "--json", "--all-projects").json()).hasSize(kept);

        // with -y: this project's only; the other repository's kept worktree stays until --all-projects
        cli.ok("worktree", "clean", "--force", "-y");
        assertThat(cli.ok("worktree", "ls", "--json").json()).isEmpty();
        assertThat(cli.ok("worktree", "ls", "--json", "--all-projects").json().toString())
                .contains(other.getFileName().toString())
                .contains("\"kept\":true");
        cli.ok("worktree", "clean", "--force", "-y", "--all-projects");
        assertThat(cli.ok("worktree", "ls", "--json", "--all-projects").json()).isEmpty();
    }

    private static void runIn(JarCli cli, Path dir, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(cli.env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
    }
}
