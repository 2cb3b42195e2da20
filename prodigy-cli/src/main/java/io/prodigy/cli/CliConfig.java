package io.prodigy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.prodigy.api.Backoff;
import io.prodigy.api.IsolationHints;
import io.prodigy.api.RetryPolicy;
import io.prodigy.core.text.Spelling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line's settings: defaults, then {@code $PRODIGY_HOME/config.yml}, then the project's
 * {@code .prodigy/config.yml}; command-line flags override both. Unknown keys are errors naming the closest valid
 * key.
 *
 * <pre>
 * max_parallel: 4              # map phases' parallelism when neither the workflow's max_parallel nor a flag wins
 * retry:                       # the default retry of steps that set none (when the workflow sets no default)
 *   attempts: 3
 *   backoff: exponential       # fixed | linear | exponential | fibonacci
 *   initial_delay: 1s
 *   max_delay: 30s
 * timeouts:
 *   git: 10m                   # one git command
 *   agent_startup: 2m          # an agent that writes nothing for this long is ended
 *   shutdown_grace: 20s        # how long Ctrl-C waits for runs to save their state
 * claude:
 *   command: claude            # a name on PATH or a path
 *   model: sonnet              # passed as --model; empty for the CLI's default
 *   max_api_retries: 2         # the CLI's own retries of a throttled API call (CLAUDE_CODE_MAX_RETRIES); 0 for
 *                              # none; few, so that throttling reaches the engine's adaptive concurrency quickly
 * worktree:
 *   prefix: prodigy            # branch and directory prefix; only "prodigy" is supported (prodigy-&lt;run-id&gt;)
 *   auto_cleanup: false        # remove failed items' worktrees (their commits stay on their branches)
 *   mode: reuse                # reuse (default) | pooled | on_demand | dedicated (the workflow's worktree: block
 *                              # wins, key by key)
 *   pool_size: 4               # mode: pooled; default: the map phase's max_parallel
 *   warm_directories: [target, node_modules, .venv]  # ignored directories reused worktrees keep between items
 *                              # (replaces the default list; [] keeps none)
 *   cold_directories: [build, tools/target]  # names taken out of the warm list, or paths cleaned anyway
 *   name: experiment-1         # mode: dedicated
 *   on_conflict: dlq           # dlq | agent (the Rust tool's /prodigy-merge-worktree) | merge_steps
 *   conflict_command: "/prodigy-merge-worktree ${merge.source_branch} ${merge.target_branch}"
 *   conflict_timeout: 10m
 * merge:
 *   strategy: merge            # merge (fast-forward or a clean merge commit); rebase is not supported
 * log_level: warn              # error | warn | info | debug | trace
 * executor: local              # where map items run: local | temporal (see docs/temporal.md)
 * temporal:
 *   target: 127.0.0.1:7233     # the Temporal frontend
 *   namespace: default
 *   task_queue: prodigy
 *   remote: URL                # the git remote workers share; default the project's repository itself
 *   heartbeat_timeout: 30s     # a worker silent this long is dead: its items start again elsewhere
 *   tls: false                 # TLS with the JVM's trust store (implied by the keys below)
 *   tls_cert: client.pem       # mTLS client certificate and its PKCS#8 key (relative to this file)
 *   tls_key: client.key
 *   tls_ca: ca.pem             # the CA of a private server certificate
 *   tls_server_name: NAME      # the name the server's certificate is checked against
 *   api_key_env: TEMPORAL_API_KEY  # the variable holding an API key (Temporal Cloud); api_key: works too
 * isolation: git               # git: worktrees in a repository, parallel items refused outside one;
 *                              # directory: share the project directory (on purpose), even in a repository
 * </pre>
 *
 * @param maxParallel the default parallelism, or null for the workflow's own
 * @param retry the default retry policy, or null
 * @param gitTimeout the time limit of one git command
 * @param agentStartupTimeout how long an agent may stay silent at start
 * @param shutdownGrace how long an interrupt waits for runs to save their state
 * @param claudeCommand the claude executable
 * @param claudeModel the model, or null
 * @param claudeMaxApiRetries the Claude CLI's retries of a failed API call, or null for the runner's default
 * @param worktreePrefix the worktree prefix (only "prodigy")
 * @param autoCleanup whether failed items' worktrees are removed
 * @param mergeStrategy the final merge strategy (only "merge")
 * @param logLevel the log level of the engine's messages
 * @param isolation how runs and items are kept apart
 * @param worktree the worktree mode and merge-conflict handling (a workflow's own {@code worktree:} block wins)
 * @param executor where map items run
 */
public record CliConfig(
        Integer maxParallel,
        RetryPolicy retry,
        Duration gitTimeout,
        Duration agentStartupTimeout,
        Duration shutdownGrace,
        String claudeCommand,
        String claudeModel,
        Integer claudeMaxApiRetries,
        String worktreePrefix,
        boolean autoCleanup,
        String mergeStrategy,
        String logLevel,
        Isolation isolation,
        IsolationHints worktree,
        Executor executor) {

    /** The settings without any file. */
    public static final CliConfig DEFAULTS = new CliConfig(
            null,
            null,
            Duration.ofMinutes(10),
            Duration.ofMinutes(2),
            Duration.ofSeconds(20),
            "claude",
            null,
            null,
            "prodigy",
            false,
            "merge",
            "warn",
            Isolation.GIT,
            IsolationHints.NONE,
            Executor.LOCAL);

    /** How runs and items are kept apart ({@code isolation:} in the configuration, {@code --isolation}). */
    public enum Isolation {
        /** Git worktrees in a git repository; outside one, workflows with parallel items are refused. */
        GIT,
        /** Everything works in the project directory, shared by parallel items: chosen explicitly. */
        DIRECTORY;

        /**
         * @param text {@code git} or {@code directory}
         * @param key where it was written, for the message
         * @return the isolation
         * @throws CliException (exit code 2) for anything else
         */
        static Isolation parse(String text, String key) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "git", "worktree" -> GIT;
                case "directory", "dir", "none" -> DIRECTORY;
                default -> throw CliException.usage(key + ": expected git or directory, not '" + text + "'");
            };
        }
    }

    /**
     * Where map items run.
     *
     * @param kind {@code local} or {@code temporal}
     * @param target the Temporal frontend, {@code HOST:PORT}, or null
     * @param namespace the Temporal namespace
     * @param taskQueue the task queue workers poll
     * @param remote the git remote workers share, or null for the project's repository
     * @param heartbeatTimeout after how long without a heartbeat a worker counts as dead
     * @param security TLS and API key settings of the connection to Temporal
     */
    public record Executor(
            String kind,
            String target,
            String namespace,
            String taskQueue,
            String remote,
            Duration heartbeatTimeout,
            TemporalSecurity security) {
        /** Local execution. */
        public static final Executor LOCAL =
                new Executor("local", null, "default", "prodigy", null, Duration.ofSeconds(30), TemporalSecurity.NONE);
    }

    /**
     * How the connection to Temporal is secured ({@code temporal.tls*}, {@code temporal.api_key*} in config.yml).
     *
     * @param tls whether to use TLS
     * @param tlsCert the client certificate (PEM) for mTLS, or null
     * @param tlsKey its private key (PKCS#8 PEM), or null
     * @param tlsCa the CA certificate (PEM) of the server's certificate, or null
     * @param tlsServerName the name the server's certificate is checked against, or null for the target's host
     * @param apiKey an API key, or null (prefer {@code apiKeyEnv}: a config file is easily shared)
     * @param apiKeyEnv the environment variable holding the API key; default {@code TEMPORAL_API_KEY}
     */
    public record TemporalSecurity(
            boolean tls, Path tlsCert, Path tlsKey, Path tlsCa, String tlsServerName, String apiKey, String apiKeyEnv) {
        /** No TLS, the API key from {@code TEMPORAL_API_KEY} if set. */
        public static final TemporalSecurity NONE =
                new TemporalSecurity(false, null, null, null, null, null, "TEMPORAL_API_KEY");

        /** Keeps the API key out of logs and messages. */
        @Override
        public String toString() {
            return "TemporalSecurity[tls=" + tls + ", tlsCert=" + tlsCert + ", tlsKey=" + tlsKey + ", tlsCa=" + tlsCa
                    + ", tlsServerName=" + tlsServerName + ", apiKey=" + (apiKey == null ? "null" : "***")
                    + ", apiKeyEnv=" + apiKeyEnv + "]";
        }
    }

    private static final Map<String, Set<String>> SCHEMA = new LinkedHashMap<>();

    static {
        SCHEMA.put(
                "",
                Set.of(
                        "max_parallel",
                        "retry",
                        "timeouts",
                        "claude",
                        "worktree",
                        "merge",
                        "log_level",
                        "isolation",
                        "executor",
                        "temporal"));
        SCHEMA.put(
                "temporal",
                Set.of(
                        "target",
                        "namespace",
                        "task_queue",
                        "remote",
                        "heartbeat_timeout",
                        "tls",
                        "tls_cert",
                        "tls_key",
                        "tls_ca",
                        "tls_server_name",
                        "api_key",
                        "api_key_env"));
        SCHEMA.put("retry", Set.of("attempts", "backoff", "initial_delay", "max_delay"));
        SCHEMA.put("timeouts", Set.of("git", "agent_startup", "shutdown_grace"));
        SCHEMA.put("claude", Set.of("command", "model", "max_api_retries"));
        SCHEMA.put(
                "worktree",
                Set.of(
                        "prefix",
                        "auto_cleanup",
                        "mode",
                        "pool_size",
                        "name",
                        "on_conflict",
                        "conflict_command",
                        "conflict_timeout",
                        "warm_directories",
                        "cold_directories"));
        SCHEMA.put("merge", Set.of("strategy"));
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    /**
     * @param home {@code PRODIGY_HOME}
     * @param project the project directory
     * @return the merged settings
     * @throws CliException (exit code 2) for a file that does not parse or has an unknown key or a bad value
     */
    public static CliConfig load(Path home, Path project) {
        CliConfig c = DEFAULTS;
        c = c.overlay(home.resolve("config.yml"));
        if (project != null) {
            c = c.overlay(project.resolve(".prodigy").resolve("config.yml"));
        }
        return c;
    }

    /** @return the files that would be read, in order */
    static List<Path> files(Path home, Path project) {
        List<Path> out = new ArrayList<>();
        out.add(home.resolve("config.yml"));
        if (project != null) {
            out.add(project.resolve(".prodigy").resolve("config.yml"));
        }
        return out;
    }

    private CliConfig overlay(Path file) {
        if (!Files.isRegularFile(file)) {
            return this;
        }
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null
                    ? ""
                    : ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr();
            throw CliException.usage(file + where + ": error: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw CliException.usage(file + ": error: cannot read: " + e.getMessage());
        }
        if (root == null || root.isNull() || root.isMissingNode()) {
            return this;
        }
        Values v = new Values(file);
        v.check("", root);
        Integer maxParallel = v.integer(root.get("max_parallel"), "max_parallel", this.maxParallel);
        RetryPolicy retry = this.retry;
        JsonNode r = root.get("retry");
        if (r != null && !r.isNull()) {
            v.check("retry", r);
            RetryPolicy base =
                    retry != null ? retry : RetryPolicy.builder().maxAttempts(3).build();
            RetryPolicy.Builder b = RetryPolicy.builder()
                    .maxAttempts(v.integer(r.get("attempts"), "retry.attempts", base.maxAttempts()))
                    .backoff(v.backoff(r.get("backoff"), base.backoff()))
                    .initialDelay(v.duration(r.get("initial_delay"), "retry.initial_delay", base.initialDelay()))
                    .maxDelay(v.duration(r.get("max_delay"), "retry.max_delay", base.maxDelay()));
            retry = b.build();
        }
        Duration git = gitTimeout;
        Duration startup = agentStartupTimeout;
        Duration grace = shutdownGrace;
        JsonNode t = root.get("timeouts");
        if (t != null && !t.isNull()) {
            v.check("timeouts", t);
            git = v.duration(t.get("git"), "timeouts.git", git);
            startup = v.duration(t.get("agent_startup"), "timeouts.agent_startup", startup);
            grace = v.duration(t.get("shutdown_grace"), "timeouts.shutdown_grace", grace);
        }
        String command = claudeCommand;
        String model = claudeModel;
        Integer apiRetries = claudeMaxApiRetries;
        JsonNode cl = root.get("claude");
        if (cl != null && !cl.isNull()) {
            v.check("claude", cl);
            command = v.text(cl.get("command"), "claude.command", command);
            model = v.text(cl.get("model"), "claude.model", model);
            if (model != null && model.isBlank()) {
                model = null;
            }
            apiRetries = v.count(cl.get("max_api_retries"), "claude.max_api_retries", apiRetries);
        }
        String prefix = worktreePrefix;
        boolean cleanup = autoCleanup;
        IsolationHints hints = worktree;
        JsonNode w = root.get("worktree");
        if (w != null && !w.isNull()) {
            v.check("worktree", w);
            prefix = v.text(w.get("prefix"), "worktree.prefix", prefix);
            if (!"prodigy".equals(prefix)) {
                throw v.error(
                        "worktree.prefix",
                        "'" + prefix + "' is not supported: git worktree isolation names "
                                + "run branches prodigy-<run-id> and item branches prodigy/<run-id>/<item>; leave it "
                                + "'prodigy'");
            }
            cleanup = v.bool(w.get("auto_cleanup"), "worktree.auto_cleanup", cleanup);
            hints = isolationOf(v, w, hints);
        }
        String strategy = mergeStrategy;
        JsonNode m = root.get("merge");
        if (m != null && !m.isNull()) {
            v.check("merge", m);
            strategy = v.text(m.get("strategy"), "merge.strategy", strategy);
            if ("rebase".equals(strategy)) {
                throw v.error(
                        "merge.strategy",
                        "'rebase' is not supported yet: the final merge fast-forwards "
                                + "your branch, or makes a merge commit only when the merge is clean; use 'merge'");
            }
            if (!"merge".equals(strategy)) {
                throw v.error(
                        "merge.strategy", "expected 'merge' (or 'rebase', not supported yet), not '" + strategy + "'");
            }
        }
        String level = v.text(root.get("log_level"), "log_level", logLevel);
        level = level.toLowerCase(Locale.ROOT);
        if (!List.of("error", "warn", "info", "debug", "trace", "off").contains(level)) {
            throw v.error("log_level", "expected error, warn, info, debug, trace or off, not '" + level + "'");
        }
        Isolation iso = root.has("isolation") && !root.get("isolation").isNull()
                ? Isolation.parse(v.text(root.get("isolation"), "isolation", "git"), file + ": error: isolation")
                : isolation;
        String kind = v.text(root.get("executor"), "executor", executor.kind());
        if (!List.of("local", "temporal").contains(kind)) {
            throw v.error("executor", "expected local or temporal, not '" + kind + "'");
        }
        Executor ex = new Executor(
                kind,
                executor.target(),
                executor.namespace(),
                executor.taskQueue(),
                executor.remote(),
                executor.heartbeatTimeout(),
                executor.security());
        JsonNode tc = root.get("temporal");
        if (tc != null && !tc.isNull()) {
            v.check("temporal", tc);
            TemporalSecurity sec = ex.security();
            sec = new TemporalSecurity(
                    v.bool(tc.get("tls"), "temporal.tls", sec.tls()),
                    v.path(tc.get("tls_cert"), "temporal.tls_cert", sec.tlsCert()),
                    v.path(tc.get("tls_key"), "temporal.tls_key", sec.tlsKey()),
                    v.path(tc.get("tls_ca"), "temporal.tls_ca", sec.tlsCa()),
                    v.text(tc.get("tls_server_name"), "temporal.tls_server_name", sec.tlsServerName()),
                    v.text(tc.get("api_key"), "temporal.api_key", sec.apiKey()),
                    v.text(tc.get("api_key_env"), "temporal.api_key_env", sec.apiKeyEnv()));
            if ((sec.tlsCert() == null) != (sec.tlsKey() == null)) {
                throw v.error(
                        "temporal.tls_cert",
                        "tls_cert and tls_key go together (the client certificate and " + "its private key)");
            }
            ex = new Executor(
                    kind,
                    v.text(tc.get("target"), "temporal.target", ex.target()),
                    v.text(tc.get("namespace"), "temporal.namespace", ex.namespace()),
                    v.text(tc.get("task_queue"), "temporal.task_queue", ex.taskQueue()),
                    v.text(tc.get("remote"), "temporal.remote", ex.remote()),
                    v.duration(tc.get("heartbeat_timeout"), "temporal.heartbeat_timeout", ex.heartbeatTimeout()),
                    sec);
        }
        return new CliConfig(
                maxParallel,
                retry,
                git,
                startup,
                grace,
                command,
                model,
                apiRetries,
                prefix,
                cleanup,
                strategy,
                level,
                iso,
                hints,
                ex);
    }

    private static IsolationHints isolationOf(Values v, JsonNode w, IsolationHints base) {
        String mode = v.text(
                w.get("mode"),
                "worktree.mode",
                base.mode() == null ? null : base.mode().name().toLowerCase(Locale.ROOT));
        if (mode != null
                && !List.of("on_demand", "pooled", "reuse", "dedicated").contains(mode)) {
            throw v.error("worktree.mode", "expected on_demand, pooled, reuse or dedicated, not '" + mode + "'");
        }
        String conflict = v.text(
                w.get("on_conflict"),
                "worktree.on_conflict",
                base.onConflict() == null ? null : base.onConflict().name().toLowerCase(Locale.ROOT));
        if (conflict != null && !List.of("dlq", "agent", "merge_steps").contains(conflict)) {
            throw v.error("worktree.on_conflict", "expected dlq, agent or merge_steps, not '" + conflict + "'");
        }
        try {
            return new IsolationHints(
                    mode == null ? null : IsolationHints.Mode.valueOf(mode.toUpperCase(Locale.ROOT)),
                    v.integer(w.get("pool_size"), "worktree.pool_size", base.poolSize()),
                    v.text(w.get("name"), "worktree.name", base.name()),
                    conflict == null ? null : IsolationHints.OnConflict.valueOf(conflict.toUpperCase(Locale.ROOT)),
                    v.text(w.get("conflict_command"), "worktree.conflict_command", base.conflictCommand()),
                    v.duration(w.get("conflict_timeout"), "worktree.conflict_timeout", base.conflictTimeout()),
                    v.directories(
                            w.get("warm_directories"),
                            "worktree.warm_directories",
                            base.warmDirectories(),
                            IsolationHints::checkWarmDirectory),
                    v.directories(
                            w.get("cold_directories"),
                            "worktree.cold_directories",
                            base.coldDirectories(),
                            IsolationHints::checkColdDirectory));
        } catch (io.prodigy.api.WorkflowDefinitionException e) {
            throw v.error("worktree", e.getMessage());
        }
    }

    /** Reads and checks values of one file. */
    private static final class Values {
        private final Path file;

        Values(Path file) {
            this.file = file;
        }

        CliException error(String key, String message) {
            return CliException.usage(file + ": error: " + key + ": " + message);
        }

        void check(String section, JsonNode node) {
            String where = section.isEmpty() ? "the top level" : "'" + section + "'";
            if (!node.isObject()) {
                throw CliException.usage(file + ": error: " + where + " must be a mapping of keys to values");
            }
            Set<String> valid = SCHEMA.get(section);
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!valid.contains(key)) {
                    String full = section.isEmpty() ? key : section + "." + key;
                    String closest = closest(key, valid);
                    throw CliException.usage(file + ": error: unknown key '" + full + "' in " + where
                            + (closest != null ? "; did you mean '" + closest + "'?" : "")
                            + " (valid keys: " + String.join(", ", new java.util.TreeSet<>(valid)) + ")");
                }
            }
        }

        Integer integer(JsonNode n, String key, Integer dflt) {
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 1) {
                throw error(key, "expected a whole number of at least 1, not '" + n.asText() + "'");
            }
            return n.asInt();
        }

        Integer count(JsonNode n, String key, Integer dflt) {
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < 0) {
                throw error(key, "expected a whole number of at least 0, not '" + n.asText() + "'");
            }
            return n.asInt();
        }

        boolean bool(JsonNode n, String key, boolean dflt) {
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isBoolean()) {
                throw error(key, "expected true or false, not '" + n.asText() + "'");
            }
            return n.asBoolean();
        }

        String text(JsonNode n, String key, String dflt) {
            if (n == null || n.isNull()) {
                return dflt;
            }
            if (!n.isValueNode()) {
                throw error(key, "expected a text value");
            }
            return n.asText();
        }

        /**
         * @param n a list of directory names or paths (a single one counts as a list of one)
         * @param key the key, for messages
         * @param dflt the value when absent
         * @param check checks and normalizes one entry
         * @return the entries, checked
         */
        List<String> directories(
                JsonNode n, String key, List<String> dflt, java.util.function.UnaryOperator<String> check) {
            if (n == null || n.isNull()) {
                return dflt;
            }
            List<JsonNode> items = new ArrayList<>();
            if (n.isArray()) {
                n.forEach(items::add);
            } else {
                items.add(n);
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                String where = n.isArray() ? key + "[" + i + "]" : key;
                if (!item.isTextual()) {
                    throw error(where, "expected a directory name such as target, not '" + item + "'");
                }
                try {
                    out.add(check.apply(item.asText()));
                } catch (io.prodigy.api.WorkflowDefinitionException e) {
                    throw error(where, e.getMessage());
                }
            }
            return out;
        }

        /** @return the path, relative ones resolved against the config file's directory */
        Path path(JsonNode n, String key, Path dflt) {
            String t = text(n, key, null);
            if (t == null) {
                return dflt;
            }
            Path p = Path.of(t);
            Path dir = file.toAbsolutePath().getParent();
            return p.isAbsolute() || dir == null ? p : dir.resolve(p).normalize();
        }

        Duration duration(JsonNode n, String key, Duration dflt) {
            if (n == null || n.isNull()) {
                return dflt;
            }
            try {
                return parseDuration(n.asText());
            } catch (IllegalArgumentException e) {
                throw error(key, e.getMessage());
            }
        }

        Backoff backoff(JsonNode n, Backoff dflt) {
            if (n == null || n.isNull()) {
                return dflt;
            }
            switch (n.asText()) {
                case "fixed":
                    return Backoff.fixed();
                case "linear":
                    return Backoff.linear(Duration.ofSeconds(1));
                case "exponential":
                    return Backoff.exponential(2.0);
                case "fibonacci":
                    return Backoff.fibonacci();
                default:
                    throw error(
                            "retry.backoff",
                            "expected fixed, linear, exponential or fibonacci, not '" + n.asText() + "'");
            }
        }
    }

    /**
     * @param text {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, or a number of seconds
     * @return the duration
     * @throws IllegalArgumentException if it does not read as one
     */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "expected a duration such as 500ms, 30s, 10m, 2h or 1d, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        switch (unit) {
            case "ms":
                return Duration.ofMillis(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            case "d":
                return Duration.ofDays(n);
            default:
                return Duration.ofSeconds(n);
        }
    }

    /**
     * @param key a misspelt key
     * @param valid the valid keys
     * @return the closest valid key within a small edit distance, or null
     */
    static String closest(String key, Set<String> valid) {
        return Spelling.closest(key, new TreeSet<>(valid), Math.max(2, key.length() / 3));
    }
}
