package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer meets through the real jar: checks before dispatch (exit 2, nothing run), no silent successes (every
 * item failed or no item selected exits 1), the steps' output (live with -v, in the summary, in {@code logs}), and
 * items called by name.
 */
class NewcomerIT {
    @TempDir
    Path tmp;

    private static final String FILES_WORKFLOW = """
            name: docs
            mode: mapreduce
            map:
              input: "git ls-files -- '*.md' ':!.*'"
              agent_template:
                - claude: "/improve-doc ${item}"
                  commit_required: true
            """;

    @Test
    void aMissingAgentCliStopsTheRunBeforeAnythingRuns() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write(".claude/commands/improve-doc.md", "Improve $ARGUMENTS\n");
        cli.write(".prodigy/config.yml", "claude:\n  command: claude-not-installed-here\n");
        cli.write("docs.yml", FILES_WORKFLOW);
        cli.commitAll("workflow");
        JarCli.Result run = cli.run("run", "docs.yml", "-y");
        assertThat(run.exit()).as("%s", run).isEqualTo(2);
        assertThat(run.err()).contains("the agent CLI 'claude-not-installed-here' is not on the PATH")
                .contains("claude: /improve-doc ${item}").contains("shell-quickstart").contains("nothing ran");
        assertThat(cli.home.resolve("runs")).doesNotExist();
    }

    @Test
    void aMissingOrUncommittedSlashCommandIsReportedByValidateAndRun() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("docs.yml", FILES_WORKFLOW.replace("/improve-doc", "/docs:improve"));
        cli.commitAll("workflow");
        JarCli.Result validate = cli.run("validate", "docs.yml");
        assertThat(validate.exit()).as("%s", validate).isEqualTo(2);
        assertThat(validate.err()).contains("the workflow calls the slash command /docs:improve, but "
                + ".claude/commands/docs/improve.md does not exist");
        JarCli.Result run = cli.run("run", "docs.yml", "-y");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(".claude/commands/docs/improve.md does not exist");
        assertThat(cli.claude.calls()).isEmpty();

        cli.write(".claude/commands/docs/improve.md", "Improve $ARGUMENTS\n");
        JarCli.Result uncommitted = cli.run("run", "docs.yml", "-y");
        assertThat(uncommitted.exit()).isEqualTo(2);
        assertThat(uncommitted.err()).contains("the slash command /docs:improve (.claude/commands/docs/improve.md) "
                + "is not committed");
        cli.commitAll("command");
        cli.env.put("FAKE_CLAUDE_SCENARIO", "commit");
        assertThat(cli.ok("validate", "docs.yml").out()).contains("valid");
        assertThat(cli.ok("run", "docs.yml", "-y").out()).contains("SUCCEEDED");
    }

    @Test
    void anUncommittedInputFileIsNamedAsSuch() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("wf.yml", """
                name: json
                mode: mapreduce
                map:
                  input: items.json
                  agent_template:
                    - shell: "echo ${item}"
                """);
        cli.commitAll("workflow");
        JarCli.Result missing = cli.run("run", "wf.yml", "-y");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("the map input file items.json does not exist");
        cli.write("items.json", "[1, 2]");
        JarCli.Result run = cli.run("run", "wf.yml", "-y");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("the map input file items.json exists but is not committed")
                .contains("git add items.json");
        assertThat(cli.home.resolve("runs")).doesNotExist();
    }

    @Test
    void aRunFromASubdirectorySaysWhereItWorks() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("docs/a.md", "a\n");
        cli.write("docs/wf.yml", """
                name: sub
                mode: mapreduce
                map:
                  input: "git ls-files -- '*.md'"
                  agent_template:
                    - shell: "cat ${item}"
                """);
        cli.commitAll("docs");
        JarCli.Result run = cli.ok("run", "-p", cli.repo.resolve("docs").toString(), "docs/wf.yml", "-y");
        assertThat(run.err()).contains("note: running in docs/ of the repository");
        assertThat(run.out()).containsPattern("a.md\\s+SUCCEEDED");
    }

    @Test
    void everyItemFailedOrNoItemSelectedExits1AndAllowEmptyMakesNoItemsFine() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("items.json", "[{\"name\": \"alpha\"}, {\"name\": \"beta\"}]");
        cli.write("fail.yml", """
                name: fail
                mode: mapreduce
                map:
                  input: items.json
                  agent_template:
                    - shell: "echo working on ${item.name}; echo cannot open ${item.name}.txt >&2; exit 3"
                """);
        cli.write("none.yml", """
                name: none
                mode: mapreduce
                map:
                  input: items.json
                  filter: "name == 'gamma'"
                  agent_template:
                    - shell: "echo ${item.name}"
                """);
        cli.write("fine.yml", """
                name: fine
                mode: mapreduce
                map:
                  input: items.json
                  filter: "name == 'gamma'"
                  allow_empty: true
                  agent_template:
                    - shell: "echo ${item.name}"
                """);
        cli.commitAll("workflows");
        JarCli.Result failed = cli.run("run", "fail.yml", "-y");
        assertThat(failed.exit()).as("%s", failed).isEqualTo(1);
        assertThat(failed.err()).contains("Every item failed (2 of 2)");
        // the summary names the items and shows the end of each failed item's output
        assertThat(failed.out()).containsPattern("item_0\\s+alpha\\s+FAILED").contains("Failed: alpha (item_0)")
                .contains("| working on alpha").contains("| stderr: cannot open alpha.txt")
                .contains("prodigy logs ");
        // live lines name the item and show the filled-in command
        assertThat(failed.err()).contains("item alpha (item_0) attempt 1 failed")
                .contains("step failed: beta (item_1): shell: echo working on beta; echo cannot open beta.txt");
        String runId = cli.ok("runs", "--json").json().get(0).get("id").asText();
        assertThat(cli.ok("logs", runId, "item_1").out()).contains("map step 1: shell: echo working on beta")
                .contains("FAILED (exit 3)").contains("working on beta").contains("stderr: cannot open beta.txt");
        assertThat(cli.ok("logs", runId, "alpha").out()).contains("(alpha is item item_0)")
                .contains("working on alpha");
        JarCli.Result dlq = cli.ok("dlq", "list", runId);
        assertThat(dlq.out()).containsPattern("item_0\\s+alpha\\s+1\\s+COMMAND_FAILED\\s+step 1 exited with code 3: "
                + "cannot open alpha.txt");
        JsonNode entries = cli.ok("dlq", "list", runId, "--json").json();
        assertThat(entries.get(0).get("label").asText()).isIn("alpha", "beta");

        JarCli.Result none = cli.run("run", "none.yml", "-y");
        assertThat(none.exit()).as("%s", none).isEqualTo(1);
        assertThat(none.err()).contains("selected 0 items").contains("allow_empty: true");
        cli.ok("run", "fine.yml", "-y");
    }

    @Test
    void verboseShowsEveryStepsOutputLiveAndTheReduceOutputAtTheEnd() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("wf.yml", """
                name: loud
                mode: mapreduce
                setup:
                  - shell: "echo preparing the list"
                map:
                  input: "printf 'src/one.txt\\\\nsrc/two.txt\\\\n'"
                  agent_template:
                    - shell: "echo handled ${item}"
                reduce:
                  - shell: "echo summary: ${map.successful} of ${map.total} done"
                """);
        cli.commitAll("workflow");
        JarCli.Result quiet = cli.ok("run", "wf.yml", "-y");
        assertThat(quiet.err()).doesNotContain("handled src/one.txt");
        assertThat(quiet.out()).contains("Output of reduce:").contains("summary: 2 of 2 done")
                .contains("Output of setup:").contains("preparing the list");
        JarCli.Result verbose = cli.ok("run", "wf.yml", "-y", "-v");
        assertThat(verbose.err()).contains("[src/one.txt (item_0)] handled src/one.txt")
                .contains("item src/two.txt (item_1): shell: echo handled src/two.txt")
                .contains("[reduce] summary: 2 of 2 done");
    }

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
        JarCli.await("the first run's items", java.time.Duration.ofSeconds(60),
                () -> cli.allEvents().contains("\"step_started\""));
        String firstId = cli.ok("runs", "--json").json().get(0).get("id").asText();
        JarCli.Result second = cli.run("run", "slow.yml", "-y");
        assertThat(second.exit()).as("%s", second).isEqualTo(2);
        assertThat(second.err()).contains("run " + firstId + " of workflow 'slow' is already running")
                .contains("--force");
        assertThat(cli.ok("runs", "--json").json()).hasSize(1);
        new ProcessBuilder("kill", "-INT", String.valueOf(first.process().pid())).start().waitFor();
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
        assertThat(cli.ok("status", runId).out()).contains("Not merged: 1 commit(s)")
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
        JarCli.Result otherRun = cli.ok("run", "-p", other.toString(), other.resolve("wf.yml").toString(), "-y");
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
        JarCli.await("two items finished", java.time.Duration.ofSeconds(60),
                () -> cli.allEvents().split("\"item_finished\"", -1).length > 2);
        new ProcessBuilder("kill", "-INT", String.valueOf(first.process().pid())).start().waitFor();
        assertThat(first.await(java.time.Duration.ofSeconds(60)).exit()).isEqualTo(130);
        String runId = cli.ok("runs", "--json").json().get(0).get("id").asText();

        JarCli.Result resumed = cli.ok("resume", "-y");
        assertThat(resumed.err()).containsPattern("6 item\\(s\\): [2-5] settled before the resume \\([2-5] ok, 0 failed"
                + "\\), [1-4] to process").containsPattern("\\[6/6]");
        assertThat(resumed.out()).contains("SUCCEEDED");
        // both attempts' finishes: following does not stop at the interrupted attempt's
        assertThat(cli.ok("events", runId, "--follow", "--type", "RunFinished").out().lines())
                .hasSize(2).last().asString().contains("SUCCEEDED");
        assertThat(cli.ok("events", runId, "--follow", "--json", "--type", "run_finished").out().lines())
                .hasSize(2);
    }

    private static void runIn(JarCli cli, Path dir, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(cli.env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", cmd), out).isZero();
    }
}
