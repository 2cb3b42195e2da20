package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real {@code prodigy.jar} in scratch git repositories, with the Claude test double on PATH. */
class CliIT {
    @TempDir
    Path tmp;

    private static final String MIXED = """
            name: mixed
            mode: mapreduce
            map:
              input: items.json
              json_path: "$.items[*]"
              id_field: id
              max_parallel: 3
              agent_template:
                - claude: "Work on ${item.id} fake:${item.scenario}"
                  commit_required: true
            reduce:
              - shell: "echo reduced ${map.successful} of ${map.total}"
            """;

    @Test
    void mapReduceRunMergesCommitsListsTheFailedItemAndEveryReadingCommandWorks() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write(
                "items.json",
                "{\"items\": [{\"id\": \"a\", \"scenario\": \"commit\"}, "
                        + "{\"id\": \"b\", \"scenario\": \"success\"}, {\"id\": \"c\", \"scenario\": \"commit\"}]}");
        cli.write("mixed.yml", MIXED);
        cli.commitAll("workflow");

        JarCli.Result dry = cli.ok("run", "mixed.yml", "--dry-run");
        assertThat(dry.out())
                .contains("items: 3 (of 3 in the input)")
                .contains("[commit required]")
                .contains("Dry run: nothing was run.");
        assertThat(cli.home.resolve("runs")).doesNotExist();

        JarCli.Result run = cli.ok("run", "mixed.yml", "-y");
        // plain (non-terminal) progress: timestamped lines
        assertThat(run.err())
                .containsPattern("\\[\\d\\d:\\d\\d:\\d\\d] 3 item\\(s\\) to process, up to 3 at once")
                .doesNotContain("\033[");
        assertThat(run.out())
                .contains("COMPLETED_WITH_FAILURES")
                .contains("parallel efficiency")
                .containsPattern("a\\s+SUCCEEDED")
                .containsPattern("b\\s+FAILED")
                .contains("prodigy dlq list");
        // the committing agents' files reached the user's branch, each item through one merge
        assertThat(cli.repo.resolve("fake-a.txt")).exists();
        assertThat(cli.repo.resolve("fake-c.txt")).exists();
        assertThat(cli.repo.resolve("fake-b.txt")).doesNotExist();
        assertThat(cli.git("log", "--format=%s", "main"))
                .contains("Merge item a")
                .contains("Merge item c")
                .doesNotContain("Merge item b");

        JsonNode dlq = cli.ok("dlq", "list", "--json").json();
        assertThat(dlq).hasSize(1);
        assertThat(dlq.get(0).get("item_id").asText()).isEqualTo("b");
        assertThat(dlq.get(0).get("error_kind").asText()).isEqualTo("COMMIT_REQUIRED");
        String runId = dlq.get(0).get("run_id").asText();

        JsonNode runs = cli.ok("runs", "--json").json();
        assertThat(runs).hasSize(1);
        JsonNode r = runs.get(0);
        assertThat(r.get("id").asText()).isEqualTo(runId);
        assertThat(r.get("workflow").asText()).isEqualTo("mixed");
        assertThat(r.get("status").asText()).isEqualTo("COMPLETED_WITH_FAILURES");
        assertThat(r.get("items").get("done").asInt()).isEqualTo(2);
        assertThat(r.get("items").get("failed").asInt()).isEqualTo(1);
        assertThat(r.get("items").get("total").asInt()).isEqualTo(3);
        assertThat(r.get("cost_usd").asDouble()).isGreaterThan(0.1);
        // tokens beside the cost: the double reports 12 in, 345 out, 1000 cache read, 200 cache write per call
        assertThat(r.get("tokens").get("input").asLong()).isEqualTo(36);
        assertThat(r.get("tokens").get("output").asLong()).isEqualTo(1035);
        assertThat(r.get("tokens").get("cache_read").asLong()).isEqualTo(3000);
        assertThat(r.get("tokens").get("cache_creation").asLong()).isEqualTo(600);
        assertThat(r.get("tokens").get("total").asLong()).isEqualTo(4671);
        JsonNode status = cli.ok("status", runId, "--json").json();
        assertThat(status.get("cost_usd").asDouble())
                .isEqualTo(r.get("cost_usd").asDouble());
        assertThat(status.get("tokens")).isEqualTo(r.get("tokens"));
        assertThat(r.get("ended_at").isNull()).isFalse();
        assertThat(cli.ok("runs").out()).contains(runId).contains("2/1/3");

        assertThat(cli.ok("status", runId).out())
                .contains("COMPLETED_WITH_FAILURES")
                .contains("DLQ:       1")
                .contains("Tokens:    36 in, 1035 out, 3000 cache read, 600 cache write");
        assertThat(cli.ok("dlq", "inspect", "b").out())
                .contains("COMMIT_REQUIRED")
                .contains("attempt 1");
        assertThat(cli.ok("dlq", "stats", runId, "--json")
                        .json()
                        .get(0)
                        .get("count")
                        .asInt())
                .isEqualTo(1);
        assertThat(cli.ok("dlq", "reprocess", "--dry-run", "--json")
                        .json()
                        .get(0)
                        .asText())
                .isEqualTo("b");
        String events = cli.ok("events", "--json").out();
        assertThat(events.lines()).allMatch(l -> l.startsWith("{")).anyMatch(l -> l.contains("\"run_finished\""));
        assertThat(cli.ok("events", runId, "--follow", "--type", "ItemFinished")
                        .out()
                        .lines())
                .hasSize(3);
        assertThat(cli.ok("logs").out()).contains("transcripts").contains("b.claude");
        assertThat(cli.ok("logs", runId, "b", "--transcripts").out()).contains("\"type\":\"result\"");
        JarCli.Result report =
                cli.ok("report", runId, "--html", tmp.resolve("report.html").toString());
        assertThat(report.out()).contains("Wrote the report of run " + runId);
        assertThat(Files.readString(tmp.resolve("report.html")))
                .contains("<svg")
                .contains(runId)
                .doesNotContainPattern("(src|href|url)\\s*[=(]\\s*[\"']?https?:");
        assertThat(cli.run(
                                "report",
                                "no-such-run",
                                "--html",
                                tmp.resolve("x.html").toString())
                        .exit())
                .isEqualTo(2);
        // the failed item's worktree is kept for debugging, then cleaned with --force (it holds no commits)
        JsonNode worktrees = cli.ok("worktree", "ls", "--json").json();
        assertThat(worktrees.toString()).contains("\"kept\":true");
        cli.ok("worktree", "clean", "--force", "-y");
        assertThat(cli.ok("worktree", "ls", "--json").json()).isEmpty();
        // the run has a DLQ entry, so clean keeps it unless forced
        assertThat(cli.ok("clean", "--dry-run").out()).contains("Would delete 0 run(s)");
        // deleting needs a confirmation: without a terminal to ask on, -y
        JarCli.Result refused = cli.run("dlq", "purge", runId);
        assertThat(refused.exit()).as("%s", refused).isEqualTo(2);
        assertThat(refused.err()).contains("pass -y");
        assertThat(cli.ok("dlq", "list", runId, "--json").json()).hasSize(1);
        cli.ok("dlq", "purge", runId, "-y");
        assertThat(cli.ok("dlq", "list", runId, "--json").json()).isEmpty();
        assertThat(cli.ok("clean", "-y").out()).contains("deleted " + runId);
        assertThat(cli.ok("runs", "--json").json()).isEmpty();
    }

    @Test
    void dlqRetryMergesTheFixedItemRunsReduceAgainAndTheRunEndsSucceeded() throws Exception {
        JarCli cli = new JarCli(tmp);
        Path flag = tmp.resolve("b-is-fixed");
        cli.write("items.json", "[{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}]");
        cli.write("retry.yml", """
                name: retry
                mode: mapreduce
                map:
                  input: items.json
                  id_field: id
                  max_parallel: 2
                  agent_template:
                    - shell: "if [ ${item.id} = b ] && [ ! -e %s ]; then exit 3; fi; echo ${item.id} > out-${item.id}.txt && git add -A && git commit -q -m item-${item.id}"
                reduce:
                  - shell: "echo ${map.successful}/${map.total} > summary.txt && git add -A && git commit -q -m reduce-${map.successful}-of-${map.total}"
                """.formatted(flag));
        cli.commitAll("workflow");
        JarCli.Result run = cli.ok("run", "retry.yml", "-y");
        assertThat(run.out()).contains("COMPLETED_WITH_FAILURES");
        assertThat(Files.readString(cli.repo.resolve("summary.txt"))).isEqualTo("2/3\n");

        Files.writeString(flag, "fixed\n");
        JarCli.Result retry = cli.ok("dlq", "retry", "-y");
        assertThat(retry.out()).contains("SUCCEEDED");
        // the fixed item and the new reduce are on the user's branch, each once
        assertThat(Files.readString(cli.repo.resolve("out-b.txt"))).isEqualTo("b\n");
        assertThat(Files.readString(cli.repo.resolve("summary.txt"))).isEqualTo("3/3\n");
        String log = cli.git("log", "--format=%s", "main");
        assertThat(log.lines().filter(l -> l.equals("Merge item b")).count()).isEqualTo(1);
        assertThat(log.lines().filter(l -> l.equals("reduce-3-of-3")).count()).isEqualTo(1);
        // the run record, the events and the report agree
        JsonNode r = cli.ok("runs", "--json").json().get(0);
        assertThat(r.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(r.get("items").get("done").asInt()).isEqualTo(3);
        assertThat(r.get("items").get("failed").asInt()).isZero();
        String events = cli.ok("events", r.get("id").asText(), "--json").out();
        assertThat(events.lines()
                        .filter(l -> l.contains("\"run_finished\""))
                        .reduce((x, y) -> y)
                        .orElseThrow())
                .contains("SUCCEEDED");
        assertThat(cli.ok("dlq", "list", "--json").json()).isEmpty();
        cli.ok(
                "report",
                r.get("id").asText(),
                "--html",
                tmp.resolve("report.html").toString());
        assertThat(Files.readString(tmp.resolve("report.html"))).contains("SUCCEEDED");
    }

    @Test
    void outsideGitParallelItemsNeedAnExplicitChoice() throws Exception {
        JarCli cli = new JarCli(tmp);
        Path plain = Files.createDirectories(tmp.resolve("plain"));
        Files.writeString(plain.resolve("items.json"), "[1, 2, 3]");
        Files.writeString(plain.resolve("par.yml"), """
                name: par
                mode: mapreduce
                map:
                  input: items.json
                  max_parallel: 3
                  agent_template:
                    - shell: "echo ${item} >> seen.txt"
                """);
        Files.writeString(plain.resolve("flaky.yml"), """
                name: flaky
                mode: mapreduce
                map:
                  input: items.json
                  max_parallel: 2
                  agent_template:
                    - shell: "if [ ${item} = 2 ] && [ ! -e fixed ]; then exit 3; fi; echo ${item} >> flaky.txt"
                """);
        Files.writeString(plain.resolve("seq.yml"), "name: seq\ncommands:\n  - shell: \"echo one > one.txt\"\n");

        JarCli.Result refused =
                cli.run("run", "-p", plain.toString(), plain.resolve("par.yml").toString());
        assertThat(refused.exit()).as("%s", refused).isEqualTo(2);
        assertThat(refused.err())
                .contains("is not in a git repository")
                .contains("git init")
                .contains("--isolation directory")
                .doesNotContain("\tat ");
        assertThat(plain.resolve("seen.txt")).doesNotExist();
        assertThat(cli.home.resolve("runs")).doesNotExist();

        // a sequential workflow needs no choice
        cli.ok("run", "-p", plain.toString(), plain.resolve("seq.yml").toString());
        assertThat(plain.resolve("one.txt")).exists();

        // the flag shares the directory on purpose
        JarCli.Result shared = cli.ok(
                "run",
                "-p",
                plain.toString(),
                "--isolation",
                "directory",
                plain.resolve("par.yml").toString());
        assertThat(shared.out()).contains("SUCCEEDED");
        assertThat(Files.readAllLines(plain.resolve("seen.txt"))).hasSize(3);
        // so does the configuration key
        Files.createDirectories(plain.resolve(".prodigy"));
        Files.writeString(plain.resolve(".prodigy/config.yml"), "isolation: directory\n");
        cli.ok("run", "-p", plain.toString(), plain.resolve("par.yml").toString());
        assertThat(Files.readAllLines(plain.resolve("seen.txt"))).hasSize(6);
        // a run that shared the directory is retried (and resumed) the same way, without the flag again
        Files.delete(plain.resolve(".prodigy/config.yml"));
        JarCli.Result flaky = cli.ok(
                "run",
                "-p",
                plain.toString(),
                "--no-git",
                plain.resolve("flaky.yml").toString());
        assertThat(flaky.out()).contains("COMPLETED_WITH_FAILURES");
        Files.writeString(plain.resolve("fixed"), "");
        JarCli.Result retried = cli.ok("dlq", "retry", "-p", plain.toString(), "-y");
        assertThat(retried.out()).contains("SUCCEEDED");
        assertThat(Files.readAllLines(plain.resolve("flaky.txt"))).containsExactlyInAnyOrder("1", "3", "2");
        Files.writeString(plain.resolve(".prodigy/config.yml"), "isolation: shared\n");
        JarCli.Result bad =
                cli.run("run", "-p", plain.toString(), plain.resolve("par.yml").toString());
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("isolation").contains("expected git or directory");
    }

    @Test
    void validateAndRunReportBrokenFilesWithLocationAndExitCode2() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("good.yml", "name: good\ncommands:\n  - shell: \"echo hi\"\n");
        cli.write("broken.yml", "name: broken\ncommands:\n  - shel: \"echo hi\"\n");

        JarCli.Result good = cli.run("validate", "good.yml");
        assertThat(good.exit()).as("%s", good).isZero();
        assertThat(good.out()).contains("good.yml: valid");

        JarCli.Result broken = cli.run("validate", "good.yml", "broken.yml");
        assertThat(broken.exit()).as("%s", broken).isEqualTo(2);
        assertThat(broken.err())
                .contains("broken.yml:3:5: error:")
                .contains("did you mean 'shell'?")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");

        JarCli.Result run = cli.run("run", "broken.yml");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("broken.yml:3:5: error:").doesNotContain("\tat ");
    }

    @Test
    void aKilledRunIsFinishedByResume() throws Exception {
        JarCli cli = new JarCli(tmp);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add("{\"id\": \"i" + i + "\"}");
        }
        cli.write("items.json", "[" + String.join(",", items) + "]");
        cli.write("slow.yml", """
                name: slow
                mode: mapreduce
                map:
                  input: items.json
                  id_field: id
                  max_parallel: 1
                  agent_template:
                    - claude: "Work on ${item.id} fake:commit"
                      commit_required: true
                    - shell: "sleep 0.5"
                """);
        cli.commitAll("workflow");
        JarCli.Started started = cli.start("run", "slow.yml", "-y");
        JarCli.await(
                "two items merged",
                Duration.ofSeconds(60),
                () -> cli.allEvents().split("\"item_integrated\"", -1).length > 2);
        started.process().destroyForcibly(); // SIGKILL: no shutdown hook, the run record stays RUNNING
        started.process().waitFor();
        JsonNode killed = cli.ok("runs", "--json").json().get(0);
        assertThat(killed.get("status").asText()).isEqualTo("RUNNING");
        assertThat(cli.repo.resolve("fake-i0.txt")).doesNotExist(); // not merged into main yet

        JarCli.Result resumed = cli.ok("resume", "-y");
        assertThat(resumed.err()).contains("Resuming run " + killed.get("id").asText());
        assertThat(resumed.out()).contains("SUCCEEDED");
        for (int i = 0; i < 5; i++) {
            assertThat(cli.repo.resolve("fake-i" + i + ".txt")).exists();
        }
        String log = cli.git("log", "--format=%s", "main");
        for (int i = 0; i < 5; i++) {
            assertThat(log.split("Merge item i" + i + "\n", -1).length + (log.endsWith("Merge item i" + i) ? 1 : 0))
                    .as("merges of i%d in\n%s", i, log)
                    .isLessThanOrEqualTo(2);
        }
        assertThat(log.lines().filter(l -> l.startsWith("Merge item ")).count()).isEqualTo(5);
        assertThat(cli.ok("runs", "--json").json().get(0).get("status").asText())
                .isEqualTo("SUCCEEDED");
        assertThat(cli.run("resume").exit()).as("nothing left to resume").isEqualTo(2);
    }

    @Test
    void ctrlCStopsTheRunWithExit130AndTheResumeCommand() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("items.json", "[1, 2, 3, 4, 5, 6]");
        cli.write("slow.yml", """
                name: slow
                mode: mapreduce
                map:
                  input: items.json
                  max_parallel: 2
                  agent_template:
                    - shell: "sleep 5"
                """);
        cli.commitAll("workflow");
        JarCli.Started started = cli.start("run", "slow.yml", "-y");
        JarCli.await(
                "items running", Duration.ofSeconds(60), () -> cli.allEvents().contains("\"step_started\""));
        Process kill = new ProcessBuilder(
                        "kill", "-INT", String.valueOf(started.process().pid()))
                .start();
        assertThat(kill.waitFor()).isZero();
        JarCli.Result r = started.await(Duration.ofSeconds(60));
        assertThat(r.exit()).as("%s", r).isEqualTo(130);
        assertThat(r.err()).containsPattern("prodigy resume run-\\d{8}-\\d{6}-[0-9a-f]{6}");
        assertThat(cli.ok("runs", "--json").json().get(0).get("status").asText())
                .isEqualTo("CANCELLED");
    }

    @Test
    void execBatchAndCompletion() throws Exception {
        JarCli cli = new JarCli(tmp);
        cli.write("src/a.txt", "a\n");
        cli.write("src/b.txt", "b\n");
        cli.commitAll("files");
        JarCli.Result exec =
                cli.ok("exec", "shell: echo made > made.txt && git add made.txt && git commit -qm made", "-y");
        assertThat(exec.out()).contains("SUCCEEDED");
        assertThat(cli.repo.resolve("made.txt")).exists();
        JarCli.Result agent = cli.ok("exec", "claude: hello fake:success", "--retry", "2");
        assertThat(agent.out()).contains("SUCCEEDED");

        JarCli.Result batch = cli.ok(
                "batch", "src/*.txt", "--command", "claude: Improve ${item} fake:commit", "--parallel", "2", "-y");
        assertThat(batch.out()).contains("SUCCEEDED").containsPattern("Items: 2 total");
        assertThat(cli.git("log", "--format=%s", "main"))
                .contains("Merge item item_0")
                .contains("Merge item item_1");

        JarCli.Result completion = cli.ok("completion");
        assertThat(completion.out()).contains("complete -F").contains("prodigy");
    }

    @Test
    void aTerminalGetsTheLiveDisplay() throws Exception {
        JarCli cli = new JarCli(tmp);
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script makes the pseudo-terminal");
        cli.write("items.json", "[1, 2, 3]");
        cli.write("wf.yml", """
                name: live
                mode: mapreduce
                map:
                  input: items.json
                  max_parallel: 2
                  agent_template:
                    - shell: "sleep 1"
                """);
        cli.commitAll("workflow");
        cli.env.put("TERM", "xterm-256color");
        cli.env.put("COLUMNS", "100");
        StringBuilder cmd = new StringBuilder();
        for (String a : cli.command("run", "wf.yml", "-y")) {
            cmd.append('\'').append(a.replace("'", "'\\''")).append("' ");
        }
        Path typescript = tmp.resolve("typescript");
        ProcessBuilder pb = new ProcessBuilder("script", "-qfec", cmd.toString(), typescript.toString())
                .directory(cli.repo.toFile())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("pty.out").toFile());
        pb.environment().putAll(cli.env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        String screen = Files.readString(typescript);
        assertThat(screen)
                .contains("\033[32m")
                .contains("running")
                .contains("ETA")
                .contains("\033[J")
                .containsPattern("\033\\[\\d+A")
                .contains("parallel efficiency");
        pb.environment().put("NO_COLOR", "1");
        Process q = pb.start();
        q.getOutputStream().close();
        assertThat(q.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(typescript)).doesNotContain("\033[32m").contains("running");
    }
}
