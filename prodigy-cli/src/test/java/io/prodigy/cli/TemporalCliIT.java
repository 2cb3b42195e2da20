package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar on one machine: {@code prodigy temporal dev-server}, two {@code prodigy worker}s and
 * {@code prodigy run --executor temporal}; one worker is killed with {@code kill -9} mid-run.
 */
@Tag("slow")
class TemporalCliIT {
    private static final List<String> ITEMS = List.of("one", "two", "three", "four", "five");

    @TempDir
    Path tmp;

    @Test
    void aRunSpreadOverTwoWorkersSurvivesAWorkerKillAndMergesEveryItemOnce() throws Exception {
        JarCli cli = new JarCli(tmp);
        Path markers = Files.createDirectories(tmp.resolve("markers"));
        cli.env.put("MARKERS", markers.toString());
        Files.createDirectories(cli.home);
        Files.writeString(cli.home.resolve("config.yml"), "temporal:\n  heartbeat_timeout: 2s\n");
        cli.write(
                "items.json",
                "{\"items\": ["
                        + String.join(
                                ", ",
                                ITEMS.stream()
                                        .map(i -> "{\"id\": \"" + i + "\"}")
                                        .toList()) + "]}\n");
        cli.write("spread.yml", """
                name: spread
                mode: mapreduce
                map:
                  input: items.json
                  json_path: "$.items[*]"
                  id_field: id
                  max_parallel: 4
                  agent_template:
                    - shell: 'echo "$$ $(pwd)" >> "$MARKERS/started-${item.id}"; while [ ! -e "$MARKERS/release" ]; do sleep 0.05; done'
                    - claude: "Work on ${item.id} fake:commit"
                      commit_required: true
                """);
        cli.commitAll("workflow");
        List<JarCli.Started> started = new ArrayList<>();
        try {
            JarCli.Started server = cli.start("temporal", "dev-server", "--port", "0");
            started.add(server);
            JarCli.await(
                    "the dev server's address",
                    Duration.ofSeconds(60),
                    () -> read(server.out()).contains("listening on "));
            String out = read(server.out());
            String target = out.substring(out.indexOf("listening on ") + "listening on ".length())
                    .lines()
                    .findFirst()
                    .orElseThrow()
                    .strip();
            assertThat(target).startsWith("127.0.0.1:");
            JarCli.Started w1 = cli.start(
                    "worker",
                    "--target",
                    target,
                    "--max-agents",
                    "2",
                    "--cache-dir",
                    tmp.resolve("cache-w1").toString());
            JarCli.Started w2 = cli.start(
                    "worker",
                    "--target",
                    target,
                    "--max-agents",
                    "2",
                    "--cache-dir",
                    tmp.resolve("cache-w2").toString(),
                    "--max-cached-runs",
                    "2");
            started.add(w1);
            started.add(w2);
            JarCli.await(
                    "both workers poll",
                    Duration.ofSeconds(60),
                    () -> read(w1.out()).contains("polling") && read(w2.out()).contains("polling"));

            JarCli.Started run = cli.start("run", "spread.yml", "-y", "--executor", "temporal", "--target", target);
            started.add(run);
            JarCli.await(
                    "an agent on worker 1 and four in all",
                    Duration.ofSeconds(120),
                    () -> agents("cache-w1", markers).size() >= 1
                            && agents(null, markers).size() >= 4);
            List<Long> orphans = agents("cache-w1", markers);
            w1.process().destroyForcibly();
            assertThat(w1.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            for (long pid : orphans) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            Files.writeString(markers.resolve("release"), "go");

            JarCli.Result result = run.await(Duration.ofSeconds(240));
            assertThat(result.exit()).as(result.toString()).isZero();
            List<String> subjects =
                    Arrays.asList(cli.git("log", "--format=%s", "main").split("\n"));
            for (String item : ITEMS) {
                assertThat(cli.repo.resolve("fake-" + item + ".txt")).exists();
                assertThat(subjects.stream()
                                .filter(s -> s.equals("Merge item " + item))
                                .count())
                        .as("merges of item %s in %s", item, subjects)
                        .isEqualTo(1);
            }
        } finally {
            for (JarCli.Started s : started) {
                s.process().descendants().forEach(ProcessHandle::destroyForcibly);
                s.process().destroyForcibly();
            }
            for (JarCli.Started s : started) {
                assertThat(s.process().waitFor(30, TimeUnit.SECONDS))
                        .as("pid %d reaped", s.process().pid())
                        .isTrue();
            }
        }
    }

    /** @return pids of the agents that started (on the worker whose cache path contains {@code worker}) */
    private static List<Long> agents(String worker, Path markers) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> files = Files.list(markers)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("started-"))
                    .toList()) {
                for (String line : Files.readAllLines(f)) {
                    String[] parts = line.split(" ", 2);
                    if (parts.length == 2 && (worker == null || parts[1].contains("/" + worker + "/"))) {
                        pids.add(Long.parseLong(parts[0]));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return pids;
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
