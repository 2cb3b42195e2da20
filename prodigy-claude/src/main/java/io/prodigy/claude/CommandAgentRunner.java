package io.prodigy.claude;

import io.prodigy.api.AgentExecutionException;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import io.prodigy.claude.internal.AgentInvocation;
import io.prodigy.claude.internal.ProcessTimeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Runs agent steps with any agent CLI that has a headless mode: an argument template gives the command line, an
 * {@link AgentOutputParser} turns the output into a result. Processes run like {@link ClaudeCodeRunner}'s: the
 * workspace as working directory, an empty stdin, the whole tree terminated on timeout or interrupt, a raw
 * transcript under the state directory, a grace period after the terminal event. Immutable and thread-safe.
 *
 * <pre>{@code
 * AgentRunner codex = CommandAgentRunner.codex().addArguments("-m", "gpt-5.5").build();
 * AgentRunner aider = CommandAgentRunner.builder("aider", "--message", "{prompt}", "--yes-always", "--no-auto-commits")
 *     .name("Aider").build(); // plain text output: success is exit code 0
 * }</pre>
 *
 * <p>Template placeholders, replaced inside each argument (which stays one argument, never split by a shell):
 * {@code {prompt}} (the command; required), {@code {workspace}}, {@code {run_id}}, {@code {item_id}} (empty outside
 * the map phase) and {@code {step}}. Other braces are left alone.
 */
public final class CommandAgentRunner implements AgentRunner {
    private static final String[] PLACEHOLDERS = {"{prompt}", "{workspace}", "{run_id}", "{item_id}", "{step}"};

    private final List<String> template;
    private final AgentOutputParser parser;
    private final Map<String, String> environment;
    private final Set<String> removedEnvironment;
    private final AgentInvocation.Settings settings;

    private CommandAgentRunner(Builder b) {
        this.template = List.copyOf(b.template);
        this.parser = b.parser;
        this.environment = Map.copyOf(b.environment);
        this.removedEnvironment = Set.copyOf(b.removedEnvironment);
        this.settings = b.timeouts.settings(b.name);
    }

    /**
     * @param template the command line, executable first, with placeholders such as {@code {prompt}}
     * @return a builder with the {@link AgentOutputParser#plainText()} parser
     */
    public static Builder builder(String... template) {
        return new Builder(List.of(template));
    }

    /**
     * A working configuration for OpenAI Codex:
     * {@code codex exec --json --skip-git-repo-check --sandbox workspace-write {prompt}} with the
     * {@link AgentOutputParser#codexJson()} parser. Authentication comes from the environment ({@code CODEX_API_KEY}
     * or a {@code codex login} under {@code CODEX_HOME}).
     *
     * @return a builder to adjust further (e.g. {@code addArguments("-m", "gpt-5.5")})
     */
    public static Builder codex() {
        return builder("codex", "exec", "--json", "--skip-git-repo-check", "--sandbox", "workspace-write", "{prompt}")
                .name("Codex")
                .parser(AgentOutputParser.codexJson());
    }

    /**
     * Runs the CLI for the request and reports the outcome.
     *
     * @param request the command, workspace, environment and limits
     * @return the outcome; a failure of the agent is a result
     * @throws AgentExecutionException if the CLI cannot be started at all
     * @throws InterruptedException if the calling thread was interrupted; the process tree was terminated first
     */
    @Override
    public AgentResult run(AgentRequest request) throws InterruptedException {
        Objects.requireNonNull(request, "request");
        if (request.command() == null || request.command().isBlank()) {
            return AgentResult.failure(ErrorKind.CONFIGURATION, "the agent command is empty");
        }
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(request.environment());
        env.put("PRODIGY_AUTOMATION", "true");
        return AgentInvocation.run(
                request,
                commandLine(request),
                env,
                removedEnvironment,
                parser,
                settings,
                UUID.randomUUID().toString());
    }

    /**
     * @param request an invocation
     * @return the command line the template gives for it, executable first
     */
    public List<String> commandLine(AgentRequest request) {
        String[] values = {
            request.command(),
            request.workspace() == null ? "" : request.workspace().toString(),
            nullToEmpty(request.runId()),
            nullToEmpty(request.itemId()),
            nullToEmpty(request.stepLabel())
        };
        List<String> argv = new ArrayList<>(template.size());
        for (String part : template) {
            argv.add(part.indexOf('{') < 0 ? part : expand(part, values));
        }
        return argv;
    }

    private static String expand(String part, String[] values) {
        StringBuilder out = new StringBuilder(part.length() + 64);
        int i = 0;
        outer:
        while (i < part.length()) {
            if (part.charAt(i) == '{') {
                for (int p = 0; p < PLACEHOLDERS.length; p++) {
                    if (part.startsWith(PLACEHOLDERS[p], i)) {
                        out.append(values[p]);
                        i += PLACEHOLDERS[p].length();
                        continue outer;
                    }
                }
            }
            out.append(part.charAt(i++));
        }
        return out.toString();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Builds a {@link CommandAgentRunner}. Not thread-safe. */
    public static final class Builder {
        private final List<String> template = new ArrayList<>();
        private AgentOutputParser parser = AgentOutputParser.plainText();
        private String name = "the agent";
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final Set<String> removedEnvironment = new LinkedHashSet<>();
        private ProcessTimeouts timeouts = ProcessTimeouts.defaults(null);

        private Builder(List<String> template) {
            if (template.isEmpty() || template.get(0).isBlank()) {
                throw new IllegalArgumentException("the command template must start with the executable");
            }
            this.template.addAll(template);
        }

        /** @param args arguments appended to the template (placeholders allowed) @return this */
        public Builder addArguments(String... args) {
            for (String a : args) {
                template.add(Objects.requireNonNull(a, "argument"));
            }
            return this;
        }

        /** @param path the executable, replacing the template's first element @return this */
        public Builder executable(String path) {
            if (path == null || path.isBlank()) {
                throw new IllegalArgumentException("executable must not be blank");
            }
            template.set(0, path);
            return this;
        }

        /** @param p turns the CLI's output into results (default {@link AgentOutputParser#plainText()}) @return this */
        public Builder parser(AgentOutputParser p) {
            this.parser = Objects.requireNonNull(p, "parser");
            return this;
        }

        /** @param agentName the agent's name in messages, e.g. {@code Codex} @return this */
        public Builder name(String agentName) {
            this.name = Objects.requireNonNull(agentName, "name");
            return this;
        }

        /** @param variable a name @param value its value, for every invocation's environment @return this */
        public Builder environment(String variable, String value) {
            environment.put(Objects.requireNonNull(variable, "variable"), Objects.requireNonNull(value, variable));
            return this;
        }

        /** @param variables names removed from every invocation's environment @return this */
        public Builder removeEnvironment(String... variables) {
            removedEnvironment.addAll(List.of(variables));
            return this;
        }

        /** @param grace how long the CLI may run on after its terminal event (default 10 s) @return this */
        public Builder resultGrace(Duration grace) {
            this.timeouts = timeouts.withResultGrace(grace);
            return this;
        }

        /**
         * @param timeout how long the CLI may stay silent on stdout after it starts (default: no limit; plain-text
         *                CLIs may print nothing until they finish)
         * @return this
         */
        public Builder startupTimeout(Duration timeout) {
            this.timeouts = timeouts.withStartupTimeout(timeout);
            return this;
        }

        /** @param grace the time between SIGTERM and SIGKILL (default 5 s) @return this */
        public Builder killGracePeriod(Duration grace) {
            this.timeouts = timeouts.withKillGracePeriod(grace);
            return this;
        }

        /**
         * @return the runner
         * @throws IllegalArgumentException if no argument holds {@code {prompt}}
         */
        public CommandAgentRunner build() {
            if (template.stream().noneMatch(a -> a.contains("{prompt}"))) {
                throw new IllegalArgumentException("the command template " + template + " has no {prompt} "
                        + "placeholder, so the agent would never see the command");
            }
            return new CommandAgentRunner(this);
        }
    }
}
