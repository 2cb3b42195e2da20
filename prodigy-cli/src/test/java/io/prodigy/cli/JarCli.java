package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.claude.testing.ClaudeDouble;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs the real {@code prodigy.jar} (its path comes from the {@code prodigy.jar} system property, set by the
 * jar-tests surefire execution after {@code package}) in a scratch git repository, with the Claude test double first
 * on PATH and a private PRODIGY_HOME, git configuration and HOME.
 */
final class JarCli {
    static final ObjectMapper JSON = new ObjectMapper();

    final Path root;
    final Path repo;
    final Path home;
    final ClaudeDouble claude;
    final Map<String, String> env = new LinkedHashMap<>();
    private final Path jar;
    private int calls;

    /** The outcome of one invocation. */
    record Result(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    JarCli(Path root) throws IOException, InterruptedException {
        String jarPath = System.getProperty("prodigy.jar");
        assumeTrue(
                jarPath != null && Files.isRegularFile(Path.of(jarPath)),
                "the jar tests run after package (mvn verify), with -Dprodigy.jar set");
        this.jar = Path.of(jarPath);
        this.root = root;
        this.repo = Files.createDirectories(root.resolve("repo"));
        this.home = root.resolve("prodigy-home");
        this.claude = ClaudeDouble.install(root.resolve("double"));
        Path userHome = Files.createDirectories(root.resolve("user-home"));
        Path gitConfig = userHome.resolve("gitconfig");
        Files.writeString(
                gitConfig,
                "[user]\n\tname = Prodigy Test\n\temail = test@prodigy.invalid\n"
                        + "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n");
        env.putAll(claude.environment());
        env.put("PRODIGY_HOME", home.toString());
        env.put("HOME", userHome.toString());
        env.put("XDG_CONFIG_HOME", userHome.resolve(".config").toString());
        env.put("XDG_DATA_HOME", userHome.resolve(".local/share").toString());
        env.put("GIT_CONFIG_GLOBAL", gitConfig.toString());
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("TERM", "dumb");
        git("init", "-q");
        Files.writeString(repo.resolve("README.md"), "project\n");
        commitAll("initial");
    }

    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                "-jar",
                jar.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts the jar; its output goes to files under root. */
    Started start(String... args) throws IOException {
        int n = ++calls;
        Path out = root.resolve("call-" + n + ".out");
        Path err = root.resolve("call-" + n + ".err");
        ProcessBuilder pb = new ProcessBuilder(command(args))
                .directory(repo.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        return new Started(p, out, err);
    }

    /** A running invocation. */
    record Started(Process process, Path out, Path err) {
        Result await(Duration limit) throws IOException, InterruptedException {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("prodigy did not finish within " + limit + "\n" + Files.readString(err));
            }
            return new Result(
                    process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        }

        String errSoFar() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }
    }

    Result run(String... args) throws IOException, InterruptedException {
        return start(args).await(Duration.ofSeconds(90));
    }

    Result ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        assertThat(r.exit()).as("prodigy %s\n%s", String.join(" ", args), r).isZero();
        return r;
    }

    String git(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out.strip();
    }

    void commitAll(String message) throws IOException, InterruptedException {
        git("add", "-A");
        git("commit", "-q", "-m", message);
    }

    void write(String name, String text) throws IOException {
        Path f = repo.resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    /** Waits for a condition, polling every 50 ms. */
    static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    /** @return the text of every events.jsonl under PRODIGY_HOME/runs */
    String allEvents() {
        StringBuilder sb = new StringBuilder();
        Path runs = home.resolve("runs");
        if (!Files.isDirectory(runs)) {
            return "";
        }
        try (var dirs = Files.list(runs)) {
            for (Path d : dirs.toList()) {
                Path f = d.resolve("events.jsonl");
                if (Files.isRegularFile(f)) {
                    sb.append(Files.readString(f));
                }
            }
        } catch (IOException e) {
            return sb.toString();
        }
        return sb.toString();
    }
}
