package io.prodigy.claude;

import io.prodigy.api.AgentExecutionException;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.claude.internal.AgentInvocation;
import io.prodigy.claude.internal.ClaudeStreamDecoder;
import io.prodigy.claude.internal.ConfigDirectories;
import io.prodigy.claude.internal.ProcessTimeouts;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Runs agent steps with the Claude Code CLI, headless:
 * {@code claude -p <command> --output-format stream-json --verbose --permission-mode bypassPermissions ...},
 * with the workspace as working directory and an empty stdin. Immutable and thread-safe; build once and share.
 *
 * <pre>{@code
 * AgentRunner claude = ClaudeCodeRunner.builder()
 *     .model("sonnet")
 *     .maxTurns(40)
 *     .allowedTools("Read", "Edit", "Bash(git commit:*)")
 *     .configDirectoryPerWorker(Path.of("/var/tmp/prodigy-claude"))
 *     .build();
 * Prodigy prodigy = Prodigy.builder().agentRunner(claude).build();
 * }</pre>
 *
 * <p>What one invocation does:
 * <ul>
 *   <li>Environment: the JVM's, plus {@code DISABLE_AUTOUPDATER=1} and
 *       {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1} and {@code CLAUDE_CODE_MAX_RETRIES}
 *       ({@link Builder#maxApiRetries}), then the builder's variables, then the request's, then
 *       {@code PRODIGY_AUTOMATION=true}; minus {@code CLAUDECODE} (a child started from inside a Claude Code session
 *       refuses to run) and {@code CLAUDE_CODE_ENTRYPOINT}. With {@link Builder#configDirectoryPerWorker(Path)},
 *       {@code CLAUDE_CONFIG_DIR} names a directory no other running session uses.</li>
 *   <li>The command is one argv element, so a slash command ({@code /fix-item {"id":3}}) is expanded by the CLI;
 *       a session id is pre-assigned with {@code --session-id}, so it is known even if the CLI dies early.</li>
 *   <li>The complete stdout is kept as {@code <state directory>/transcripts/<item>.<step>.<session>.jsonl} (and a
 *       non-empty stderr beside it); failures name the file. Tool calls, messages, the session start, API retries,
 *       usage-limit warnings and the final usage are forwarded live to {@link AgentRequest#activity()}.</li>
 *   <li>The outcome is decided from the stream's {@code result} line, never from the exit code alone; see
 *       {@code docs/claude-runner.md} for the table of classes. {@link AgentResult#retryAfter()} carries the quota
 *       reset time of {@link ErrorKind#QUOTA_EXHAUSTED}; cost, tokens, session id and the result text
 *       ({@code ${claude.output}}) are filled in whenever the stream had them.</li>
 *   <li>Time: the request's timeout terminates the whole process tree (SIGTERM, {@link Builder#killGracePeriod},
 *       SIGKILL), grandchildren holding stdout included; a session still running {@link Builder#resultGrace} after
 *       its result line is ended the same way and its result stands; a process that writes nothing for
 *       {@link Builder#startupTimeout} is ended as a startup hang. An interrupt of the calling thread terminates the
 *       tree and throws {@link InterruptedException}.</li>
 * </ul>
 */
public final class ClaudeCodeRunner implements AgentRunner {
    /** Linux limits one argument to 128 KiB (MAX_ARG_STRLEN, including the terminating NUL). */
    static final int MAX_ARGUMENT_BYTES = 128 * 1024 - 1;

    private static final List<String> REMOVED_ENVIRONMENT = List.of("CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT");
    /** The environment variable that bounds the CLI's own retries of a failed API call (its default is 10). */
    public static final String MAX_RETRIES_VARIABLE = "CLAUDE_CODE_MAX_RETRIES";
    /** How often the CLI retries a failed API call by default under this runner. */
    public static final int DEFAULT_MAX_API_RETRIES = 2;

    private final String executable;
    private final PermissionMode permissionMode;
    private final boolean legacyBypassFlag;
    private final String model;
    private final Integer maxTurns;
    private final List<String> allowedTools;
    private final List<String> disallowedTools;
    private final String appendSystemPrompt;
    private final BigDecimal maxBudgetUsd;
    private final String mcpConfig;
    private final boolean strictMcpConfig;
    private final List<String> extraArgs;
    private final Map<String, String> environment;
    private final boolean preassignSessionId;
    private final Integer maxApiRetries;
    private final ConfigDirectories configDirectories;
    private final ClaudeStreamDecoder.Options decoderOptions;
    private final AgentInvocation.Settings settings;

    private ClaudeCodeRunner(Builder b) {
        this.executable = b.executable;
        this.permissionMode = b.permissionMode;
        this.legacyBypassFlag = b.legacyBypassFlag;
        this.model = b.model;
        this.maxTurns = b.maxTurns;
        this.allowedTools = List.copyOf(b.allowedTools);
        this.disallowedTools = List.copyOf(b.disallowedTools);
        this.appendSystemPrompt = b.appendSystemPrompt;
        this.maxBudgetUsd = b.maxBudgetUsd;
        this.mcpConfig = b.mcpConfig;
        this.strictMcpConfig = b.strictMcpConfig;
        this.extraArgs = List.copyOf(b.extraArgs);
        this.environment = Map.copyOf(b.environment);
        this.preassignSessionId = b.preassignSessionId && !resumes(b.extraArgs);
        // the default gives way to a CLAUDE_CODE_MAX_RETRIES the JVM already has; an explicit setting does not
        this.maxApiRetries = b.maxApiRetriesSet || System.getenv(MAX_RETRIES_VARIABLE) == null ? b.maxApiRetries : null;
        this.configDirectories = b.configBase == null
                ? null
                : b.configSeed == null
                        ? ConfigDirectories.seededFromUser(b.configBase)
                        : new ConfigDirectories(b.configBase, b.configSeed, b.configSeed.resolve(".claude.json"));
        this.decoderOptions =
                new ClaudeStreamDecoder.Options(b.verifySlashCommands, b.failOnPermissionDenials, b.clock);
        this.settings = b.timeouts.settings("Claude Code");
    }

    /** @return a builder with the defaults: {@code claude} on the PATH, bypass permissions, no limits */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a runner with the defaults */
    public static ClaudeCodeRunner create() {
        return builder().build();
    }

    /**
     * Runs {@code claude} for the request and reports the outcome.
     *
     * @param request the command, workspace, environment and limits
     * @return the outcome; a failed, throttled, timed-out or crashed agent is a result, not an exception
     * @throws AgentExecutionException if {@code claude} cannot be started at all (not installed, workspace missing)
     * @throws InterruptedException if the calling thread was interrupted; the process tree was terminated first
     */
    @Override
    public AgentResult run(AgentRequest request) throws InterruptedException {
        Objects.requireNonNull(request, "request");
        String command = request.command() == null ? "" : request.command();
        if (command.isBlank()) {
            return AgentResult.failure(
                    ErrorKind.CONFIGURATION,
                    "the agent command is empty; give the claude step " + "a prompt or a /slash-command");
        }
        if (command.length() > MAX_ARGUMENT_BYTES / 3
                && command.getBytes(StandardCharsets.UTF_8).length > MAX_ARGUMENT_BYTES) {
            return AgentResult.failure(
                    ErrorKind.CONFIGURATION,
                    "the agent command is "
                            + command.getBytes(StandardCharsets.UTF_8).length
                            + " bytes, more than one process argument "
                            + "may hold on Linux (128 KiB); write the payload to a file in the workspace (write_file) and "
                            + "pass its path in the command instead");
        }
        String sessionId = preassignSessionId ? UUID.randomUUID().toString() : null;
        List<String> argv = commandLine(command, sessionId);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
        if (maxApiRetries != null) {
            env.put(MAX_RETRIES_VARIABLE, maxApiRetries.toString());
        }
        env.putAll(environment);
        env.putAll(request.environment());
        env.put("PRODIGY_AUTOMATION", "true");
        ConfigDirectories.Lease lease = null;
        if (configDirectories != null) {
            try {
                lease = configDirectories.acquire();
            } catch (IOException e) {
                throw new AgentExecutionException(
                        "cannot prepare a Claude Code configuration directory under " + configDirectories.base() + ": "
                                + e,
                        true,
                        e);
            }
            env.put("CLAUDE_CONFIG_DIR", lease.directory().toString());
        }
        try {
            return AgentInvocation.run(
                    request,
                    argv,
                    env,
                    REMOVED_ENVIRONMENT,
                    (req, transcript) -> new ClaudeStreamDecoder(req, transcript, sessionId, decoderOptions),
                    settings,
                    sessionId != null ? sessionId : UUID.randomUUID().toString());
        } finally {
            if (lease != null) {
                lease.close();
            }
        }
    }

    /**
     * The command line for one invocation (without a session id), for logs and diagnostics.
     *
     * @param command the prompt or slash command
     * @return the argv, executable first
     */
    public List<String> commandLine(String command) {
        return commandLine(command, null);
    }

    private List<String> commandLine(String command, String sessionId) {
        List<String> argv = new ArrayList<>(24 + extraArgs.size());
        argv.add(executable);
        argv.add("-p");
        boolean dashed = command.startsWith("-");
        if (!dashed) {
            argv.add(command);
        }
        argv.add("--output-format");
        argv.add("stream-json");
        argv.add("--verbose");
        if (legacyBypassFlag) {
            argv.add("--dangerously-skip-permissions");
        } else if (permissionMode != null) {
            argv.add("--permission-mode");
            argv.add(permissionMode.cliValue());
        }
        addOption(argv, "--model", model);
        addOption(argv, "--max-turns", maxTurns == null ? null : maxTurns.toString());
        addOption(argv, "--max-budget-usd", maxBudgetUsd == null ? null : maxBudgetUsd.toPlainString());
        addOption(argv, "--append-system-prompt", appendSystemPrompt);
        addOption(argv, "--allowedTools", allowedTools.isEmpty() ? null : String.join(",", allowedTools));
        addOption(argv, "--disallowedTools", disallowedTools.isEmpty() ? null : String.join(",", disallowedTools));
        addOption(argv, "--mcp-config", mcpConfig);
        if (strictMcpConfig) {
            argv.add("--strict-mcp-config");
        }
        addOption(argv, "--session-id", sessionId);
        argv.addAll(extraArgs);
        if (dashed) {
            argv.add("--"); // a prompt starting with '-' would otherwise read as an option
            argv.add(command);
        }
        return argv;
    }

    private static void addOption(List<String> argv, String name, String value) {
        if (value != null) {
            argv.add(name);
            argv.add(value);
        }
    }

    private static boolean resumes(List<String> args) {
        for (String a : args) {
            if (a.equals("-r")
                    || a.equals("-c")
                    || a.equals("--continue")
                    || a.startsWith("--resume")
                    || a.startsWith("--session-id")) {
                return true;
            }
        }
        return false;
    }

    /** Builds a {@link ClaudeCodeRunner}. Not thread-safe. */
    public static final class Builder {
        private String executable = "claude";
        private PermissionMode permissionMode = PermissionMode.BYPASS_PERMISSIONS;
        private boolean legacyBypassFlag;
        private String model;
        private Integer maxTurns;
        private final List<String> allowedTools = new ArrayList<>();
        private final List<String> disallowedTools = new ArrayList<>();
        private String appendSystemPrompt;
        private BigDecimal maxBudgetUsd;
        private String mcpConfig;
        private boolean strictMcpConfig;
        private final List<String> extraArgs = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private boolean preassignSessionId = true;
        private Integer maxApiRetries = DEFAULT_MAX_API_RETRIES;
        private boolean maxApiRetriesSet;
        private Path configBase;
        private Path configSeed;
        private boolean verifySlashCommands = true;
        private boolean failOnPermissionDenials;
        private Clock clock = Clock.systemDefaultZone();
        private ProcessTimeouts timeouts = ProcessTimeouts.defaults(Duration.ofMinutes(2));

        private Builder() {}

        /**
         * @param path the {@code claude} executable: a name looked up on the child's {@code PATH} (default
         *             {@code claude}) or a path
         * @return this
         */
        public Builder executable(String path) {
            this.executable = requireText(path, "executable");
            return this;
        }

        /** @param path the {@code claude} executable @return this */
        public Builder executable(Path path) {
            return executable(Objects.requireNonNull(path, "executable").toString());
        }

        /**
         * @param mode the permission mode passed with {@code --permission-mode} (default
         *             {@link PermissionMode#BYPASS_PERMISSIONS}); null passes none, leaving it to the settings files
         * @return this
         */
        public Builder permissionMode(PermissionMode mode) {
            this.permissionMode = mode;
            this.legacyBypassFlag = false;
            return this;
        }

        /**
         * Bypasses permissions with the legacy flag {@code --dangerously-skip-permissions}, as the Rust tool does
         * (same effect as {@link PermissionMode#BYPASS_PERMISSIONS}).
         *
         * @return this
         */
        public Builder dangerouslySkipPermissions() {
            this.permissionMode = PermissionMode.BYPASS_PERMISSIONS;
            this.legacyBypassFlag = true;
            return this;
        }

        /** @param name a model alias ({@code sonnet}, {@code opus}) or id; null for the CLI's default @return this */
        public Builder model(String name) {
            this.model = name;
            return this;
        }

        /**
         * @param turns the most agentic turns per invocation ({@code --max-turns}); null for no cap. A run that hits it
         *              fails with {@link ErrorKind#MAX_TURNS}.
         * @return this
         */
        public Builder maxTurns(Integer turns) {
            if (turns != null && turns < 1) {
                throw new IllegalArgumentException("maxTurns must be at least 1, got " + turns);
            }
            this.maxTurns = turns;
            return this;
        }

        /**
         * @param rules tool rules approved without asking ({@code --allowedTools}), e.g. {@code Read},
         *              {@code Bash(git commit:*)}, {@code mcp__server__tool}; added to earlier ones
         * @return this
         */
        public Builder allowedTools(String... rules) {
            for (String rule : rules) {
                allowedTools.add(requireText(rule, "allowed tool rule"));
            }
            return this;
        }

        /** @param rules tool rules always denied ({@code --disallowedTools}); added to earlier ones @return this */
        public Builder disallowedTools(String... rules) {
            for (String rule : rules) {
                disallowedTools.add(requireText(rule, "disallowed tool rule"));
            }
            return this;
        }

        /** @param text instructions appended to the system prompt ({@code --append-system-prompt}) @return this */
        public Builder appendSystemPrompt(String text) {
            this.appendSystemPrompt = text;
            return this;
        }

        /**
         * @param usd the most one invocation may spend ({@code --max-budget-usd}); null for no cap. The run's
         *            overall budget is {@code RunOptions.budgetUsd}.
         * @return this
         */
        public Builder maxBudgetUsd(BigDecimal usd) {
            if (usd != null && usd.signum() <= 0) {
                throw new IllegalArgumentException("maxBudgetUsd must be positive, got " + usd);
            }
            this.maxBudgetUsd = usd;
            return this;
        }

        /** @param usd the most one invocation may spend; see {@link #maxBudgetUsd(BigDecimal)} @return this */
        public Builder maxBudgetUsd(double usd) {
            return maxBudgetUsd(BigDecimal.valueOf(usd));
        }

        /**
         * @param fileOrJson MCP servers ({@code --mcp-config}): a file path or inline JSON; null for none
         * @param strict whether to ignore every other MCP source ({@code --strict-mcp-config})
         * @return this
         */
        public Builder mcpConfig(String fileOrJson, boolean strict) {
            this.mcpConfig = fileOrJson;
            this.strictMcpConfig = strict;
            return this;
        }

        /**
         * @param args more arguments, appended after the runner's own (e.g. {@code --add-dir}, {@code --settings});
         *             a {@code --resume}/{@code --continue} among them turns off the pre-assigned session id
         * @return this
         */
        public Builder extraArgs(String... args) {
            for (String a : args) {
                extraArgs.add(Objects.requireNonNull(a, "argument"));
            }
            return this;
        }

        /**
         * @param name a variable for every invocation's environment (e.g. {@code ANTHROPIC_API_KEY},
         *             {@code IS_SANDBOX}); the request's variables win over it
         * @param value its value
         * @return this
         */
        public Builder environment(String name, String value) {
            environment.put(requireText(name, "environment variable name"), Objects.requireNonNull(value, name));
            return this;
        }

        /** @param variables variables for every invocation's environment @return this */
        public Builder environment(Map<String, String> variables) {
            variables.forEach(this::environment);
            return this;
        }

        /**
         * Gives every concurrently running session its own {@code CLAUDE_CONFIG_DIR} under {@code base}
         * ({@code worker-0}, {@code worker-1}, ..., reused), seeded from the user's configuration, to avoid the
         * {@code ~/.claude.json} corruption race between concurrent sessions. {@code base} must not be shared with
         * another runner.
         *
         * @param base where the directories are made; null turns the option off
         * @return this
         */
        public Builder configDirectoryPerWorker(Path base) {
            this.configBase = base;
            this.configSeed = null;
            return this;
        }

        /**
         * As {@link #configDirectoryPerWorker(Path)}, seeding from a given configuration directory (laid out like
         * {@code CLAUDE_CONFIG_DIR}: {@code .claude.json}, {@code .credentials.json}, {@code settings.json},
         * {@code commands/} inside it).
         *
         * @param base where the directories are made
         * @param seedFrom the configuration to copy
         * @return this
         */
        public Builder configDirectoryPerWorker(Path base, Path seedFrom) {
            this.configBase = Objects.requireNonNull(base, "base");
            this.configSeed = Objects.requireNonNull(seedFrom, "seedFrom");
            return this;
        }

        /**
         * Bounds the CLI's own retries of a failed API call ({@code CLAUDE_CODE_MAX_RETRIES}). The CLI retries a
         * 429 or 529 ten times by default, about three minutes of backoff during which the engine sees nothing; with
         * few retries the throttling reaches the engine's throttle within seconds, and it retries the step while it
         * adapts the concurrency of all agents. The default is {@value #DEFAULT_MAX_API_RETRIES} (about 2 s of
         * backoff, enough for a blip), unless the JVM's environment sets {@code CLAUDE_CODE_MAX_RETRIES}; the
         * builder's and the request's {@code environment} win over this.
         *
         * @param retries the most retries per API call, 0 for none; null leaves the CLI's default (10)
         * @return this
         * @throws IllegalArgumentException if {@code retries} is negative
         */
        public Builder maxApiRetries(Integer retries) {
            if (retries != null && retries < 0) {
                throw new IllegalArgumentException("maxApiRetries cannot be negative, got " + retries);
            }
            this.maxApiRetries = retries;
            this.maxApiRetriesSet = true;
            return this;
        }

        /**
         * @param preassign whether to pass a fresh {@code --session-id} (default true), so the session id is known
         *                  even when the CLI dies before it prints one
         * @return this
         */
        public Builder preassignSessionId(boolean preassign) {
            this.preassignSessionId = preassign;
            return this;
        }

        /**
         * @param verify whether a {@code /command} the session did not list in {@code init.slash_commands} fails the
         *               run with {@link ErrorKind#CONFIGURATION} (default true): the CLI answers an unknown command
         *               with prose and reports success
         * @return this
         */
        public Builder verifySlashCommands(boolean verify) {
            this.verifySlashCommands = verify;
            return this;
        }

        /**
         * @param fail whether a run whose result lists permission denials fails with
         *             {@link ErrorKind#COMMAND_FAILED} (default false: headless denials are silent, and the run may
         *             still have done its work)
         * @return this
         */
        public Builder failOnPermissionDenials(boolean fail) {
            this.failOnPermissionDenials = fail;
            return this;
        }

        /**
         * @param grace how long a session may run on after its result line before its tree is terminated (default
         *              10 s); sessions with background commands may never exit on their own
         * @return this
         */
        public Builder resultGrace(Duration grace) {
            this.timeouts = timeouts.withResultGrace(grace);
            return this;
        }

        /**
         * @param timeout how long the CLI may stay silent on stdout after it starts before it is ended as a startup
         *                hang (default 2 min; reported as {@link ErrorKind#TIMEOUT}); null for no limit
         * @return this
         */
        public Builder startupTimeout(Duration timeout) {
            this.timeouts = timeouts.withStartupTimeout(timeout);
            return this;
        }

        /** @param grace the time between SIGTERM and SIGKILL when a tree is terminated (default 5 s) @return this */
        public Builder killGracePeriod(Duration grace) {
            this.timeouts = timeouts.withKillGracePeriod(grace);
            return this;
        }

        /**
         * @param c the clock (and zone) used to read quota reset times such as {@code resets 3:45pm}; default the
         *          system clock in the default zone
         * @return this
         */
        public Builder clock(Clock c) {
            this.clock = Objects.requireNonNull(c, "clock");
            return this;
        }

        /** @return the runner */
        public ClaudeCodeRunner build() {
            return new ClaudeCodeRunner(this);
        }

        private static String requireText(String value, String what) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return value;
        }
    }
}
