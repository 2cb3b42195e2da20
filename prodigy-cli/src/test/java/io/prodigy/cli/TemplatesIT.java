package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code prodigy init} template, end to end through the real jar in a scratch git repository: {@code init}
 * writes every file the workflow calls, {@code validate} passes, and the run succeeds (with the Claude test double
 * where the template has agent steps).
 */
class TemplatesIT {
    @TempDir
    Path tmp;

    private JarCli initAndCommit(String template) throws Exception {
        JarCli cli = new JarCli(tmp);
        JarCli.Result init = cli.ok("init", "--template", template);
        assertThat(init.out()).contains("wrote   " + template + ".yml").contains("git add -A && git commit");
        for (String file : InitCommand.TEMPLATES.get(template).files().keySet()) {
            assertThat(cli.repo.resolve(file))
                    .as("%s writes %s", template, file)
                    .isRegularFile();
        }
        cli.commitAll("prodigy " + template);
        JarCli.Result valid = cli.ok("validate", "--strict", template + ".yml");
        assertThat(valid.out()).contains(template + ".yml: valid").doesNotContain("note:");
        return cli;
    }

    @Test
    void shellQuickstartSucceedsWithoutClaude() throws Exception {
        JarCli cli = initAndCommit("shell-quickstart");
        cli.write("docs/guide.md", "a guide\n");
        cli.commitAll("docs");
        cli.env.put("PATH", "/usr/bin:/bin"); // no claude anywhere
        JarCli.Result run = cli.ok("run", "shell-quickstart.yml", "-y");
        assertThat(run.out())
                .contains("SUCCEEDED")
                .containsPattern("item_\\d\\s+README.md\\s+SUCCEEDED")
                .containsPattern("docs/guide.md\\s+SUCCEEDED")
                .contains("Output of reduce:")
                .contains("2 of 2 files reviewed, 0 failed");
        assertThat(Files.readString(cli.repo.resolve("docs/guide.md"))).contains("reviewed by prodigy");
        assertThat(cli.git("log", "--format=%s", "main")
                        .lines()
                        .filter(l -> l.startsWith("Merge item"))
                        .count())
                .isEqualTo(2);
    }

    @Test
    void mapReduceFilesRunsWithTheDouble() throws Exception {
        JarCli cli = initAndCommit("mapreduce-files");
        cli.write("docs/guide.md", "guide\n");
        cli.commitAll("docs");
        cli.env.put("FAKE_CLAUDE_SCENARIO", "commit");
        JarCli.Result run = cli.ok("run", "mapreduce-files.yml", "-y");
        assertThat(run.out())
                .contains("SUCCEEDED")
                .contains("docs/guide.md")
                .contains("2 of 2 files improved, 0 failed");
        assertThat(cli.git("log", "--format=%s", "main")
                        .lines()
                        .filter(l -> l.startsWith("Merge item"))
                        .count())
                .isEqualTo(2);
    }

    @Test
    void mapReduceJsonFindsTheTodosAndFixesThemWithTheDouble() throws Exception {
        JarCli cli = initAndCommit("mapreduce-json");
        cli.write("src/app.sh", "echo one # TODO: say \"two\"\necho three\n# FIXME: broken\n");
        cli.commitAll("code");
        cli.env.put("FAKE_CLAUDE_SCENARIO", "commit");
        JarCli.Result run = cli.ok("run", "mapreduce-json.yml", "-y");
        assertThat(run.out())
                .contains("SUCCEEDED")
                .containsPattern("src/app.sh\\s+SUCCEEDED")
                .contains("2 of 2 findings fixed");
        // the agents got the findings' places and texts, filled in
        assertThat(cli.ok("events", "--type", "StepStarted").out())
                .contains("/prodigy-fix-finding src/app.sh:3")
                .contains("FIXME: broken")
                .contains("TODO: say");
        assertThat(run.err()).doesNotContain("uncommitted changes"); // the report is ignored by git
    }

    @Test
    void testAndFixRunsTheTestsThroughItsScriptAndFixesThemWithTheDouble() throws Exception {
        JarCli cli = initAndCommit("test-and-fix");
        cli.write("Makefile", "test:\n\ttest -f fixed.txt || (echo 'expected fixed.txt' && exit 1)\n");
        cli.commitAll("tests");
        cli.env.put("FAKE_CLAUDE_SCENARIO", "commit");
        cli.env.put("FAKE_CLAUDE_FILE", "fixed.txt");
        JarCli.Result run = cli.ok("run", "test-and-fix.yml", "-y");
        assertThat(run.out()).contains("SUCCEEDED");
        assertThat(run.err()).contains("expected fixed.txt"); // the failing tests' output is shown
        assertThat(cli.repo.resolve("fixed.txt")).exists();
    }

    @Test
    void goalSeekScoresGoalMdWithItsScriptAndReachesTheGoalWithTheDouble() throws Exception {
        JarCli cli = initAndCommit("goal-seek");
        cli.write("GOAL.md", "# Goal\n\n- [ ] the agent wrote done.txt `test -f done.txt`\n- [x] already done\n");
        cli.commitAll("goal");
        cli.env.put("FAKE_CLAUDE_SCENARIO", "commit");
        cli.env.put("FAKE_CLAUDE_FILE", "done.txt");
        JarCli.Result run = cli.ok("run", "goal-seek.yml", "-y");
        assertThat(run.out()).contains("SUCCEEDED");
        assertThat(cli.repo.resolve("done.txt")).exists();
        assertThat(run.err()).doesNotContain("uncommitted changes"); // the validation result is ignored by git
    }

    @Test
    void goalSeekWithoutItsScriptSaysNoSuchFile() throws Exception {
        JarCli cli = initAndCommit("goal-seek");
        cli.git("rm", "-q", ".prodigy/validate-goal.sh");
        cli.commitAll("lose the script");
        assertThat(cli.ok("validate", "goal-seek.yml").out())
                .contains("runs .prodigy/validate-goal.sh, which does " + "not exist");
        cli.env.put("FAKE_CLAUDE_SCENARIO", "commit");
        JarCli.Result run = cli.run("run", "goal-seek.yml", "-y");
        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.out()).contains("the validation command failed").contains("No such file");
        assertThat(run.err()).contains("No such file");
    }
}
