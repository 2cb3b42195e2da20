package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
        assertThat(run.err())
                .contains("the agent CLI 'claude-not-installed-here' is not on the PATH")
                .contains("claude: /improve-doc ${item}")
                .contains("shell-quickstart")
                .contains("nothing ran");
        assertThat(cli.home.resolve("runs")).doesNotExist();
    }

    @Test
    void aMissingOrUncommittedSlashCommandIsReportedByValidateAndRun() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("docs.yml", FILES_WORKFLOW.replace("/improve-doc", "/docs:improve"));
        cli.commitAll("workflow");
        JarCli.Result validate = cli.run("validate", "docs.yml");
        assertThat(validate.exit()).as("%s", validate).isEqualTo(2);
        assertThat(validate.err())
                .contains("the workflow calls the slash command /docs:improve, but "
                        + ".claude/commands/docs/improve.md does not exist");
        JarCli.Result run = cli.run("run", "docs.yml", "-y");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(".claude/commands/docs/improve.md does not exist");
        assertThat(cli.claude.calls()).isEmpty();

        cli.write(".claude/commands/docs/improve.md", "Improve $ARGUMENTS\n");
        JarCli.Result uncommitted = cli.run("run", "docs.yml", "-y");
        assertThat(uncommitted.exit()).isEqualTo(2);
        assertThat(uncommitted.err())
                .contains("the slash command /docs:improve (.claude/commands/docs/improve.md) " + "is not committed");
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
        assertThat(run.err())
                .contains("the map input file items.json exists but is not committed")
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
        cli.write("scratch.txt", "not committed\n");
        JarCli.Result run = cli.ok("run", "-p", cli.repo.resolve("docs").toString(), "docs/wf.yml", "-y");
        assertThat(run.err())
                .contains("note: running in docs/ of the repository")
                // the engine's warnings are lines for people, not the logger's format
                .containsPattern("(?m)^warning: .*has uncommitted changes")
                .doesNotContain("WARN io.prodigy");
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
        assertThat(failed.out())
                .containsPattern("item_0\\s+alpha\\s+FAILED")
                .contains("Failed: alpha (item_0)")
                .contains("| working on alpha")
                .contains("| stderr: cannot open alpha.txt")
                .contains("prodigy logs ");
        // live lines name the item and show the filled-in command
        assertThat(failed.err())
                .contains("item alpha (item_0) attempt 1 failed")
                .contains("step failed: beta (item_1): shell: echo working on beta; echo cannot open beta.txt");
        String runId = cli.ok("runs", "--json").json().get(0).get("id").asText();
        assertThat(cli.ok("logs", runId, "item_1").out())
                .contains("map step 1: shell: echo working on beta")
                .contains("FAILED (exit 3)")
                .contains("working on beta")
                .contains("stderr: cannot open beta.txt");
        assertThat(cli.ok("logs", runId, "alpha").out())
                .contains("(alpha is item item_0)")
                .contains("working on alpha");
        JarCli.Result dlq = cli.ok("dlq", "list", runId);
        assertThat(dlq.out())
                .containsPattern("item_0\\s+alpha\\s+1\\s+COMMAND_FAILED\\s+step 1 exited with code 3: "
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
        assertThat(quiet.out())
                .contains("Output of reduce:")
                .contains("summary: 2 of 2 done")
                .contains("Output of setup:")
                .contains("preparing the list");
        JarCli.Result verbose = cli.ok("run", "wf.yml", "-y", "-v");
        assertThat(verbose.err())
                .contains("[src/one.txt (item_0)] handled src/one.txt")
                .contains("item src/two.txt (item_1): shell: echo handled src/two.txt")
                .contains("[reduce] summary: 2 of 2 done");
    }
}
