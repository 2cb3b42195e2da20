package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.yaml.LoadResult;
import io.prodigy.yaml.WorkflowLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line in this JVM: help, usage errors, configuration, templates. The real jar is tested by CliIT. */
class CliTest {
    @TempDir
    Path tmp;

    @Test
    void everyCommandHasHelp() {
        CommandLine cl = Main.commandLine();
        List<List<String>> paths = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : cl.getSubcommands().entrySet()) {
            paths.add(List.of(e.getKey()));
            for (String sub : e.getValue().getSubcommands().keySet()) {
                paths.add(List.of(e.getKey(), sub));
            }
        }
        assertThat(paths)
                .extracting(p -> String.join(" ", p))
                .contains(
                        "run",
                        "resume",
                        "resume-job",
                        "runs",
                        "sessions",
                        "validate",
                        "dlq list",
                        "dlq inspect",
                        "dlq stats",
                        "dlq export",
                        "dlq purge",
                        "dlq retry",
                        "dlq reprocess",
                        "events",
                        "status",
                        "logs",
                        "worktree ls",
                        "worktree clean",
                        "clean",
                        "init",
                        "exec",
                        "batch",
                        "completion");
        for (List<String> p : paths) {
            if (p.get(0).equals("help")) {
                continue;
            }
            List<String> args = new ArrayList<>(p);
            args.add("--help");
            InProcessCli.Out o = InProcessCli.exec(args.toArray(String[]::new));
            assertThat(o.exit()).as("%s --help: %s", p, o.err()).isZero();
            assertThat(o.out()).as("%s", p).contains("Usage: prodigy ");
        }
        assertThat(InProcessCli.exec("run", "--help").out())
                .contains("Exit codes: 0 success")
                .contains("130 interrupted");
        assertThat(InProcessCli.exec().exit()).isEqualTo(2);
    }

    @Test
    void usageErrorsExitWith2AndVerboseShowsTheStackTrace() throws Exception {
        Path broken = tmp.resolve("broken.yml");
        Files.writeString(broken, "name: broken\ncommands:\n  - shell: \"echo\"\n    output: out.txt\n");
        // a key neither tool acts on is a warning, an error with --strict
        assertThat(InProcessCli.exec("validate", broken.toString()).exit()).isZero();
        Path unknown = tmp.resolve("unknown.yml");
        Files.writeString(unknown, "name: unknown\ncommands:\n  - shell: \"echo\"\n    colour: red\n");
        InProcessCli.Out typo = InProcessCli.exec("validate", unknown.toString());
        assertThat(typo.exit()).isEqualTo(2);
        assertThat(typo.err()).contains("unknown.yml:4:5: error:").contains("unknown key 'colour'");
        InProcessCli.Out strict = InProcessCli.exec("validate", "--strict", broken.toString());
        assertThat(strict.exit()).isEqualTo(2);
        assertThat(strict.err()).contains("broken.yml:4:5: error:");

        InProcessCli.Out quiet = InProcessCli.exec("run", "-p", tmp.toString(), "--strict", broken.toString());
        assertThat(quiet.exit()).isEqualTo(2);
        assertThat(quiet.err()).contains("broken.yml:4:5").doesNotContain("\tat ");
        InProcessCli.Out verbose = InProcessCli.exec("run", "-v", "-p", tmp.toString(), "--strict", broken.toString());
        assertThat(verbose.exit()).isEqualTo(2);
        assertThat(verbose.err()).contains("\tat io.prodigy");

        assertThat(InProcessCli.exec("run", tmp.resolve("missing.yml").toString())
                        .err())
                .contains("workflow file not found");
        assertThat(InProcessCli.exec("run", "--no-such-flag", "x.yml").exit()).isEqualTo(2);
        assertThat(InProcessCli.exec("dlq", "nope").exit()).isEqualTo(2);
        assertThat(InProcessCli.exec(
                                "run",
                                "-n",
                                "0",
                                "-p",
                                tmp.toString(),
                                tmp.resolve("x").toString())
                        .exit())
                .isEqualTo(2);
    }

    @Test
    void configurationErrorsNameTheClosestKey() throws Exception {
        Path project = Files.createDirectories(tmp.resolve("p"));
        Path wf = project.resolve("wf.yml");
        Files.writeString(wf, "name: wf\ncommands:\n  - shell: \"echo hi\"\n");
        Path config = Files.createDirectories(project.resolve(".prodigy")).resolve("config.yml");

        Files.writeString(config, "max_paralel: 3\n");
        InProcessCli.Out o = InProcessCli.exec("run", "-p", project.toString(), "--dry-run", wf.toString());
        assertThat(o.exit()).isEqualTo(2);
        assertThat(o.err()).contains("unknown key 'max_paralel'").contains("did you mean 'max_parallel'?");

        Files.writeString(config, "retry:\n  atempts: 2\n");
        assertThat(InProcessCli.exec("run", "-p", project.toString(), "--dry-run", wf.toString())
                        .err())
                .contains("unknown key 'retry.atempts'")
                .contains("did you mean 'attempts'?");

        Files.writeString(config, "merge:\n  strategy: rebase\n");
        assertThat(InProcessCli.exec("run", "-p", project.toString(), "--dry-run", wf.toString())
                        .err())
                .contains("'rebase' is not supported yet");

        Files.writeString(
                config,
                "max_parallel: 3\nretry: {attempts: 2, backoff: fibonacci, initial_delay: 500ms}\n"
                        + "timeouts: {git: 5m}\nclaude: {command: claude, model: sonnet, max_api_retries: 0}\nworktree: {auto_cleanup: true}\n"
                        + "merge: {strategy: merge}\nlog_level: info\n");
        CliConfig c = CliConfig.load(tmp.resolve("no-home"), project);
        assertThat(c.maxParallel()).isEqualTo(3);
        assertThat(c.retry().maxAttempts()).isEqualTo(2);
        assertThat(c.claudeModel()).isEqualTo("sonnet");
        assertThat(c.claudeMaxApiRetries()).isZero();
        assertThat(c.autoCleanup()).isTrue();
        assertThat(c.logLevel()).isEqualTo("info");
        InProcessCli.Out dry = InProcessCli.exec("run", "-p", project.toString(), "--dry-run", wf.toString());
        assertThat(dry.exit()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("shell: echo hi").contains("Dry run");
        Files.writeString(wf, "name: wf\ncommands:\n  - shell: npm ci\n    once_per_worktree: true\n");
        assertThat(InProcessCli.exec("run", "-p", project.toString(), "--dry-run", wf.toString())
                        .out())
                .contains("shell: npm ci [once per worktree]");
    }

    @Test
    void parallelItemsOutsideGitAreRefusedWithWhatToDo() throws Exception {
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        Files.writeString(plain.resolve("items.json"), "[1, 2, 3]");
        Path wf = plain.resolve("par.yml");
        Files.writeString(
                wf,
                "name: par\nmode: mapreduce\nmap:\n  input: items.json\n  max_parallel: 2\n"
                        + "  agent_template:\n    - shell: \"echo ${item} >> seen.txt\"\n");
        InProcessCli.Out o = InProcessCli.exec("run", "-p", plain.toString(), wf.toString());
        assertThat(o.exit()).as(o.err()).isEqualTo(2);
        assertThat(o.err())
                .contains(plain + " is not in a git repository")
                .contains("the map phase of 'par' runs up to 2 items at once")
                .contains("git init")
                .contains("--isolation directory")
                .contains("isolation: directory");
        assertThat(plain.resolve("seen.txt")).doesNotExist();
        InProcessCli.Out contradicting = InProcessCli.exec(
                "run", "-p", plain.toString(), "-n", "1", wf.toString(), "--no-git", "--isolation", "git");
        assertThat(contradicting.exit()).isEqualTo(2);
        assertThat(contradicting.err()).contains("contradict");
        assertThat(InProcessCli.exec("run", "-p", plain.toString(), "--isolation", "shared", wf.toString())
                        .err())
                .contains("expected git or directory");
    }

    @Test
    void everyTemplateValidatesStrictly() throws Exception {
        for (String t : InitCommand.TEMPLATES.keySet()) {
            InProcessCli.Out o = InProcessCli.exec("init", "-p", tmp.toString(), "--template", t);
            assertThat(o.exit()).as(o.err()).isZero();
            LoadResult r = WorkflowLoader.builder().strict(true).build().load(tmp.resolve(t + ".yml"));
            assertThat(r.problems()).as(t).isEmpty();
            for (String file : InitCommand.TEMPLATES.get(t).files().keySet()) {
                assertThat(tmp.resolve(file)).as(t).isRegularFile();
            }
        }
        assertThat(InProcessCli.exec("init", "-p", tmp.toString(), "--template", "goal-seak")
                        .err())
                .contains("did you mean 'goal-seek'?");
        assertThat(InProcessCli.exec("init", "-p", tmp.toString()).out()).contains("kept    shell-quickstart.yml");
        assertThat(tmp.resolve(".prodigy/validate-goal.sh")).isExecutable();
        assertThat(CliConfig.load(tmp.resolve("home"), tmp).maxParallel())
                .isNull(); // the written config is all comments
    }

    @Test
    void dlqMessagesKeepTheirUsefulPart() {
        String long1 = "step 2 'shell: make test ${item}' in map (item item_7) exited with code 2: " + "x".repeat(300)
                + " error: cannot find symbol Foo";
        String shown = DlqCommand.usefulPart(long1, 120);
        assertThat(shown)
                .startsWith("step 2 exited with code 2: ")
                .endsWith("error: cannot find symbol Foo")
                .hasSize(120)
                .contains(" … ");
        assertThat(DlqCommand.usefulPart("step 1 'claude: /x' in setup failed: no\nnewline", 100))
                .isEqualTo("step 1 failed: no newline");
    }

    @Test
    void completionScript() {
        InProcessCli.Out o = InProcessCli.exec("completion");
        assertThat(o.exit()).isZero();
        assertThat(o.out()).contains("complete -F").contains("resume").contains("dlq");
    }

    @Test
    void durations() {
        assertThat(CliConfig.parseDuration("500ms")).hasMillis(500);
        assertThat(CliConfig.parseDuration("10m")).hasMinutes(10);
        assertThat(CliConfig.parseDuration("30")).hasSeconds(30);
        assertThat(ProgressDisplay.duration(java.time.Duration.ofMillis(12_300)))
                .isEqualTo("12.3s");
        assertThat(ProgressDisplay.duration(java.time.Duration.ofSeconds(245))).isEqualTo("4m05s");
    }
}
