package io.prodigy.claude.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.claude.ClaudeCodeRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A test double of the Claude Code CLI for tests in any module: a POSIX {@code sh} script named {@code claude} that
 * speaks the CLI's headless protocol (flags and checks, stream-json events, exit codes, failure modes) and logs
 * every call. Published in prodigy-claude's test-jar:
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>io.prodigy</groupId><artifactId>prodigy-claude</artifactId><version>${project.version}</version>
 *   <type>test-jar</type><scope>test</scope>
 * </dependency>
 * }</pre>
 *
 * <pre>{@code
 * ClaudeDouble claude = ClaudeDouble.install(tempDir);
 * AgentRunner runner = claude.runner().build();          // or put claude.binDirectory() first on a child's PATH
 * runner.run(AgentRequest.of("fix it " + ClaudeDouble.scenario("rate_limit"), workspace, Map.of(), null));
 * assertThat(claude.calls()).hasSize(1);
 * }</pre>
 *
 * <p>The scenario of a call is {@code FAKE_CLAUDE_SCENARIO} when set, else a {@code fake:<name>[:arg]} token in the
 * prompt, else {@code success}: {@code success edit commit fail max_turns rate_limit overloaded quota[:epoch]
 * quota_legacy[:epoch] auth credit api_error_exit0 denied crash hang hang_ignore_term hang_startup hang_after_result
 * noise slow:<ms> config_race big_result flaky:N[:scenario]}. See {@code docs/claude-runner.md} for what each emits.
 */
public final class ClaudeDouble {
    /** Selects the scenario of every call. */
    public static final String SCENARIO_VARIABLE = "FAKE_CLAUDE_SCENARIO";
    /** The call log file. */
    public static final String LOG_VARIABLE = "FAKE_CLAUDE_LOG";
    /** Where {@code flaky:N} keeps its counters. */
    public static final String STATE_VARIABLE = "FAKE_CLAUDE_STATE_DIR";
    /** The file the edit and commit scenarios write, relative to the working directory. */
    public static final String FILE_VARIABLE = "FAKE_CLAUDE_FILE";
    /** {@code 1} makes the double refuse bypass permissions as root without {@code IS_SANDBOX=1}. */
    public static final String ROOT_CHECK_VARIABLE = "FAKE_CLAUDE_ROOT_CHECK";

    /** The cost the success scenario reports, in USD. */
    public static final double SUCCESS_COST = 0.0425;
    /** The cost the edit scenario reports. */
    public static final double EDIT_COST = 0.0551;
    /** The cost the commit scenario reports. */
    public static final double COMMIT_COST = 0.0712;
    /** The cost the fail scenario reports. */
    public static final double FAIL_COST = 0.0113;
    /** The model the double reports without {@code --model}. */
    public static final String DEFAULT_MODEL = "claude-sonnet-4-6";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String RESOURCE = "/io/prodigy/claude/testing/claude";

    private final Path binDirectory;
    private final Path executable;
    private final Path logFile;
    private final Path stateDirectory;

    private ClaudeDouble(Path root) {
        this.binDirectory = root.resolve("bin");
        this.executable = binDirectory.resolve("claude");
        this.logFile = root.resolve("claude-calls.jsonl");
        this.stateDirectory = root.resolve("claude-state");
    }

    /**
     * Copies the double to {@code <dir>/bin/claude} (mode 755), with its log at {@code <dir>/claude-calls.jsonl}
     * and its state under {@code <dir>/claude-state}.
     *
     * @param dir a directory of the test's own, e.g. a {@code @TempDir}
     * @return the installed double
     * @throws IOException if it cannot be written
     */
    public static ClaudeDouble install(Path dir) throws IOException {
        ClaudeDouble d = new ClaudeDouble(dir.toAbsolutePath());
        Files.createDirectories(d.binDirectory);
        Files.createDirectories(d.stateDirectory);
        copyExecutable(RESOURCE, d.executable);
        return d;
    }

    /**
     * Copies an executable script from the test class path.
     *
     * @param resource the class-path resource, e.g. {@code /io/prodigy/claude/testing/claude}
     * @param target the file to write (mode 755)
     * @throws IOException if it cannot be read or written
     */
    public static void copyExecutable(String resource, Path target) throws IOException {
        try (InputStream in = ClaudeDouble.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the class path; depend on prodigy-claude's test-jar");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * @param name a scenario, with its arguments, e.g. {@code flaky:2} or {@code quota:1800000000}
     * @return the token that selects it when put in a prompt: {@code fake:<name>}
     */
    public static String scenario(String name) {
        return "fake:" + name;
    }

    /** @return the {@code claude} executable */
    public Path executable() {
        return executable;
    }

    /** @return the directory holding {@code claude}, to put first on a {@code PATH} */
    public Path binDirectory() {
        return binDirectory;
    }

    /** @return the call log (JSON lines) */
    public Path logFile() {
        return logFile;
    }

    /**
     * @return the variables a child needs to find and drive the double: {@code FAKE_CLAUDE_LOG},
     *         {@code FAKE_CLAUDE_STATE_DIR} and {@code PATH} with {@link #binDirectory()} first
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(LOG_VARIABLE, logFile.toString());
        env.put(STATE_VARIABLE, stateDirectory.toString());
        String path = System.getenv("PATH");
        env.put("PATH", binDirectory + (path == null || path.isEmpty() ? "" : ":" + path));
        return env;
    }

    /**
     * @return a runner builder that runs the double with {@link #environment()}, a 300 ms grace after the result and
     *         a 1 s kill grace (tests stay fast); adjust it further as needed
     */
    public ClaudeCodeRunner.Builder runner() {
        return ClaudeCodeRunner.builder()
                .executable(executable)
                .environment(environment())
                .resultGrace(Duration.ofMillis(300))
                .killGracePeriod(Duration.ofSeconds(1));
    }

    /** @return every call logged so far, in start order */
    public List<Call> calls() {
        List<JsonNode> records = records();
        Map<Long, Call.Builder> byPid = new LinkedHashMap<>();
        for (JsonNode r : records) {
            long pid = r.path("pid").asLong();
            String event = r.path("event").asText();
            if (event.equals("start")) {
                byPid.put(pid, new Call.Builder(r));
            } else if (byPid.containsKey(pid)) {
                Call.Builder b = byPid.get(pid);
                if (event.equals("end")) {
                    b.endMs = r.path("end_ms").asLong();
                    b.exitCode = r.path("exit").asInt();
                } else if (event.equals("spawned")) {
                    b.children.add(r.path("child").asLong());
                }
            }
        }
        List<Call> calls = new ArrayList<>();
        byPid.values().forEach(b -> calls.add(b.build()));
        return calls;
    }

    /** @return the pids of every double process and every helper process it spawned */
    public Set<Long> pids() {
        Set<Long> pids = new LinkedHashSet<>();
        for (Call c : calls()) {
            pids.add(c.pid());
            pids.addAll(c.children());
        }
        return pids;
    }

    /**
     * Waits until none of the double's processes (and the helpers they spawned) is alive.
     *
     * @param limit how long to wait
     * @return the pids still alive at the deadline (empty when all are gone)
     * @throws InterruptedException if interrupted while waiting
     */
    public Set<Long> awaitNoLiveProcesses(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Set<Long> alive = alive(pids());
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20); // polling the OS: there is nothing to wait on for a process we did not start
            alive = alive(alive);
        }
        return alive;
    }

    private static Set<Long> alive(Set<Long> pids) {
        Set<Long> alive = new LinkedHashSet<>();
        for (long pid : pids) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid)) {
                alive.add(pid);
            }
        }
        return alive;
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private List<JsonNode> records() {
        if (!Files.exists(logFile)) {
            return List.of();
        }
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(MAPPER.readTree(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile, e);
        }
    }

    /**
     * One call of the double, as it logged it.
     *
     * @param pid the double's process id
     * @param argv its arguments (without the executable)
     * @param cwd its working directory
     * @param stdinBytes how many bytes it read from stdin
     * @param scenario the scenario requested ({@code flaky:2})
     * @param effective the scenario played ({@code rate_limit})
     * @param attempt the attempt number for {@code flaky:N}, else 1
     * @param sessionId the session id it used
     * @param env the environment variables it saw that matter: {@code CLAUDECODE}, {@code DISABLE_AUTOUPDATER},
     *            {@code CLAUDE_CONFIG_DIR}, {@code PRODIGY_*} ... (absent = unset); {@code ANTHROPIC_API_KEY} only as
     *            {@code true}/{@code false}
     * @param startMs when it started, epoch milliseconds
     * @param endMs when it exited normally, or null (killed, or still running)
     * @param exitCode its exit code when it exited normally, or null
     * @param children helper processes it spawned (the hang scenarios)
     */
    public record Call(
            long pid,
            List<String> argv,
            String cwd,
            int stdinBytes,
            String scenario,
            String effective,
            int attempt,
            String sessionId,
            Map<String, String> env,
            long startMs,
            Long endMs,
            Integer exitCode,
            List<Long> children) {

        /** Copies. */
        public Call {
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
            children = List.copyOf(children);
        }

        /**
         * @param option an option such as {@code --model}
         * @return the value after its first occurrence (or of {@code --option=value}), or null
         */
        public String option(String option) {
            for (int i = 0; i < argv.size(); i++) {
                String a = argv.get(i);
                if (a.equals(option) && i + 1 < argv.size()) {
                    return argv.get(i + 1);
                }
                if (a.startsWith(option + "=")) {
                    return a.substring(option.length() + 1);
                }
            }
            return null;
        }

        /** @param other another call @return whether the two ran at the same time (both ended normally) */
        public boolean overlaps(Call other) {
            return endMs != null && other.endMs != null && startMs < other.endMs && other.startMs < endMs;
        }

        private static final class Builder {
            private final JsonNode start;
            private Long endMs;
            private Integer exitCode;
            private final List<Long> children = new ArrayList<>();

            Builder(JsonNode start) {
                this.start = start;
            }

            Call build() {
                List<String> argv = new ArrayList<>();
                start.path("argv").forEach(a -> argv.add(a.asText()));
                Map<String, String> env = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : start.path("env").properties()) {
                    if (!e.getValue().isNull()) {
                        env.put(e.getKey(), e.getValue().asText());
                    }
                }
                return new Call(
                        start.path("pid").asLong(),
                        argv,
                        start.path("cwd").asText(),
                        start.path("stdin_bytes").asInt(),
                        start.path("scenario").asText(),
                        start.path("effective").asText(),
                        start.path("attempt").asInt(1),
                        start.path("session_id").asText(null),
                        env,
                        start.path("start_ms").asLong(),
                        endMs,
                        exitCode,
                        children);
            }
        }
    }

    @Override
    public String toString() {
        return "ClaudeDouble[" + Objects.toString(executable) + "]";
    }
}
