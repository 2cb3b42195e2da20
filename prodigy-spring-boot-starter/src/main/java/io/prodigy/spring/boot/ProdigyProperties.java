package io.prodigy.spring.boot;

import io.prodigy.claude.PermissionMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code prodigy.*} settings of the auto-configured {@link io.prodigy.core.Prodigy}. Every setting is optional.
 */
@ConfigurationProperties("prodigy")
public class ProdigyProperties {
    /** The state directory (runs, journals, DLQ); default $PRODIGY_HOME, else ~/.prodigy. */
    private Path home;
    /** The project directory workflows run in; default the application's working directory. */
    private Path workingDirectory;
    /** Agents at once in map phases, overriding each workflow's max_parallel (applied by the RunOptions bean). */
    private Integer maxParallel;
    /** A USD budget per run: the run pauses when its agents' cost reaches it (applied by the RunOptions bean). */
    private Double budgetUsd;
    /** Whether every run's events are written to PRODIGY_HOME/runs/ID/events.jsonl. */
    private boolean eventLog = true;
    /** Whether a JVM shutdown stops running runs cleanly and records them resumable. */
    private boolean handleSignals = true;
    /** How long the shutdown waits for runs to record their state. */
    private Duration shutdownGrace = Duration.ofSeconds(20);
    /** The first wait after an agent backend throttles without saying when to come back. */
    private Duration throttleDelay = Duration.ofSeconds(1);
    /** The agent runner, unless the application defines an AgentRunner bean. */
    private final Agent agent = new Agent();
    /** How runs and items get their workspaces, unless the application defines an IsolationStrategy bean. */
    private final Isolation isolation = new Isolation();
    /** Micrometer metrics (when prodigy-micrometer and a MeterRegistry are present). */
    private final Metrics metrics = new Metrics();
    /** OpenTelemetry traces (when prodigy-opentelemetry and an OpenTelemetry bean are present). */
    private final Tracing tracing = new Tracing();

    /** @return the state directory, or null for the default */
    public Path getHome() {
        return home;
    }

    /** @param home the state directory */
    public void setHome(Path home) {
        this.home = home;
    }

    /** @return the project directory, or null for the current directory */
    public Path getWorkingDirectory() {
        return workingDirectory;
    }

    /** @param workingDirectory the project directory */
    public void setWorkingDirectory(Path workingDirectory) {
        this.workingDirectory = workingDirectory;
    }

    /** @return agents at once, or null for each workflow's own */
    public Integer getMaxParallel() {
        return maxParallel;
    }

    /** @param maxParallel agents at once (at least 1) */
    public void setMaxParallel(Integer maxParallel) {
        if (maxParallel != null && maxParallel < 1) {
            throw new IllegalArgumentException("prodigy.max-parallel must be at least 1, got " + maxParallel);
        }
        this.maxParallel = maxParallel;
    }

    /** @return the USD budget per run, or null for none */
    public Double getBudgetUsd() {
        return budgetUsd;
    }

    /** @param budgetUsd the USD budget per run (positive) */
    public void setBudgetUsd(Double budgetUsd) {
        if (budgetUsd != null && !(budgetUsd > 0)) {
            throw new IllegalArgumentException("prodigy.budget-usd must be positive, got " + budgetUsd);
        }
        this.budgetUsd = budgetUsd;
    }

    /** @return whether event logs are written */
    public boolean isEventLog() {
        return eventLog;
    }

    /** @param eventLog whether event logs are written */
    public void setEventLog(boolean eventLog) {
        this.eventLog = eventLog;
    }

    /** @return whether a JVM shutdown stops runs cleanly */
    public boolean isHandleSignals() {
        return handleSignals;
    }

    /** @param handleSignals whether a JVM shutdown stops runs cleanly */
    public void setHandleSignals(boolean handleSignals) {
        this.handleSignals = handleSignals;
    }

    /** @return the shutdown grace */
    public Duration getShutdownGrace() {
        return shutdownGrace;
    }

    /** @param shutdownGrace the shutdown grace */
    public void setShutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
    }

    /** @return the first throttle wait */
    public Duration getThrottleDelay() {
        return throttleDelay;
    }

    /** @param throttleDelay the first throttle wait */
    public void setThrottleDelay(Duration throttleDelay) {
        this.throttleDelay = throttleDelay;
    }

    /** @return the agent settings */
    public Agent getAgent() {
        return agent;
    }

    /** @return the isolation settings */
    public Isolation getIsolation() {
        return isolation;
    }

    /** @return the metrics settings */
    public Metrics getMetrics() {
        return metrics;
    }

    /** @return the tracing settings */
    public Tracing getTracing() {
        return tracing;
    }

    /** Which agent runner to build. */
    public enum AgentType {
        /** Claude Code ({@code claude -p}), configured by {@code prodigy.agent.claude.*}. */
        CLAUDE,
        /** Any headless agent CLI, configured by {@code prodigy.agent.command.*}. */
        COMMAND,
        /** No agent runner: agent steps fail with a configuration error. */
        NONE
    }

    /** The agent runner's settings. */
    public static class Agent {
        /** The agent runner to build. */
        private AgentType type = AgentType.CLAUDE;
        /** Claude Code's settings. */
        private final Claude claude = new Claude();
        /** A generic agent CLI's settings. */
        private final Command command = new Command();

        /** @return the runner type */
        public AgentType getType() {
            return type;
        }

        /** @param type the runner type */
        public void setType(AgentType type) {
            this.type = type;
        }

        /** @return Claude Code's settings */
        public Claude getClaude() {
            return claude;
        }

        /** @return the generic CLI's settings */
        public Command getCommand() {
            return command;
        }
    }

    /** Claude Code's settings (see docs/claude-runner.md). */
    public static class Claude {
        /** The claude executable: a name looked up on PATH, or a path. */
        private String executable = "claude";
        /** A model alias (sonnet, opus) or id; the CLI's default when unset. */
        private String model;
        /** The permission mode passed with --permission-mode. */
        private PermissionMode permissionMode = PermissionMode.BYPASS_PERMISSIONS;
        /** The most agentic turns per invocation. */
        private Integer maxTurns;
        /** Tool rules allowed without asking, e.g. Bash(git:*). */
        private List<String> allowedTools = new ArrayList<>();
        /** Tool rules refused. */
        private List<String> disallowedTools = new ArrayList<>();
        /** Text appended to the system prompt. */
        private String appendSystemPrompt;
        /** The CLI's own USD limit per invocation. */
        private Double maxBudgetUsd;
        /** Extra command-line arguments. */
        private List<String> extraArgs = new ArrayList<>();
        /** Extra environment variables for the claude process. */
        private Map<String, String> environment = new LinkedHashMap<>();
        /** Whether a /command the Claude session does not list fails the step (the CLI answers it with prose). */
        private boolean verifySlashCommands = true;
        /** How long the process may run on after its final result before it is stopped. */
        private Duration resultGrace;

        /** @return the executable */
        public String getExecutable() {
            return executable;
        }

        /** @param executable the executable */
        public void setExecutable(String executable) {
            this.executable = executable;
        }

        /** @return the model, or null */
        public String getModel() {
            return model;
        }

        /** @param model the model */
        public void setModel(String model) {
            this.model = model;
        }

        /** @return the permission mode */
        public PermissionMode getPermissionMode() {
            return permissionMode;
        }

        /** @param permissionMode the permission mode */
        public void setPermissionMode(PermissionMode permissionMode) {
            this.permissionMode = permissionMode;
        }

        /** @return the most turns, or null */
        public Integer getMaxTurns() {
            return maxTurns;
        }

        /** @param maxTurns the most turns */
        public void setMaxTurns(Integer maxTurns) {
            this.maxTurns = maxTurns;
        }

        /** @return allowed tool rules */
        public List<String> getAllowedTools() {
            return allowedTools;
        }

        /** @param allowedTools allowed tool rules */
        public void setAllowedTools(List<String> allowedTools) {
            this.allowedTools = allowedTools;
        }

        /** @return refused tool rules */
        public List<String> getDisallowedTools() {
            return disallowedTools;
        }

        /** @param disallowedTools refused tool rules */
        public void setDisallowedTools(List<String> disallowedTools) {
            this.disallowedTools = disallowedTools;
        }

        /** @return the appended system prompt, or null */
        public String getAppendSystemPrompt() {
            return appendSystemPrompt;
        }

        /** @param appendSystemPrompt the appended system prompt */
        public void setAppendSystemPrompt(String appendSystemPrompt) {
            this.appendSystemPrompt = appendSystemPrompt;
        }

        /** @return the per-invocation USD limit, or null */
        public Double getMaxBudgetUsd() {
            return maxBudgetUsd;
        }

        /** @param maxBudgetUsd the per-invocation USD limit */
        public void setMaxBudgetUsd(Double maxBudgetUsd) {
            this.maxBudgetUsd = maxBudgetUsd;
        }

        /** @return extra arguments */
        public List<String> getExtraArgs() {
            return extraArgs;
        }

        /** @param extraArgs extra arguments */
        public void setExtraArgs(List<String> extraArgs) {
            this.extraArgs = extraArgs;
        }

        /** @return extra environment variables */
        public Map<String, String> getEnvironment() {
            return environment;
        }

        /** @param environment extra environment variables */
        public void setEnvironment(Map<String, String> environment) {
            this.environment = environment;
        }

        /** @return whether unknown slash commands fail the step */
        public boolean isVerifySlashCommands() {
            return verifySlashCommands;
        }

        /** @param verifySlashCommands whether unknown slash commands fail the step */
        public void setVerifySlashCommands(boolean verifySlashCommands) {
            this.verifySlashCommands = verifySlashCommands;
        }

        /** @return the post-result grace, or null for the runner's default */
        public Duration getResultGrace() {
            return resultGrace;
        }

        /** @param resultGrace the post-result grace */
        public void setResultGrace(Duration resultGrace) {
            this.resultGrace = resultGrace;
        }
    }

    /** A generic agent CLI (see CommandAgentRunner). */
    public static class Command {
        /** The command line, executable first, with placeholders {prompt}, {workspace}, {run_id}, {item_id}, {step}. */
        private List<String> template = new ArrayList<>();
        /** The agent's name in messages. */
        private String name;
        /** Extra environment variables for the agent process. */
        private Map<String, String> environment = new LinkedHashMap<>();

        /** @return the command line template */
        public List<String> getTemplate() {
            return template;
        }

        /** @param template the command line template */
        public void setTemplate(List<String> template) {
            this.template = template;
        }

        /** @return the agent's name, or null */
        public String getName() {
            return name;
        }

        /** @param name the agent's name */
        public void setName(String name) {
            this.name = name;
        }

        /** @return extra environment variables */
        public Map<String, String> getEnvironment() {
            return environment;
        }

        /** @param environment extra environment variables */
        public void setEnvironment(Map<String, String> environment) {
            this.environment = environment;
        }
    }

    /** How workspaces are made. */
    public enum IsolationMode {
        /**
         * Git worktrees when the working directory is in a git repository; elsewhere no strategy, so sequential work
         * runs in the working directory and the engine refuses items in parallel until another mode is chosen.
         */
        AUTO,
        /** A git worktree and branch per run and per item, merged back (prodigy-git). */
        WORKTREE,
        /** Every step runs in the working directory itself. */
        DIRECTORY,
        /** Each item gets an empty scratch directory of its own. */
        SCRATCH
    }

    /** How git worktrees are allocated to items. */
    public enum WorktreeAllocation {
        /** A new worktree per item, removed after it. */
        ON_DEMAND,
        /** A fixed pool of worktrees reused by items ({@code pool-size}). */
        POOLED,
        /**
         * One reusable worktree per agent slot (worker thread), reset to the run's head between items; ignored build
         * and dependency directories stay warm. The default, as in {@code WorktreeIsolation}.
         */
        REUSE,
        /** One named worktree for everything ({@code dedicated-name}). */
        DEDICATED
    }

    /** Workspace isolation settings. */
    public static class Isolation {
        /** How workspaces are made. */
        private IsolationMode mode = IsolationMode.AUTO;
        /** Git worktree settings. */
        private final Worktree worktree = new Worktree();

        /** @return the mode */
        public IsolationMode getMode() {
            return mode;
        }

        /** @param mode the mode */
        public void setMode(IsolationMode mode) {
            this.mode = mode;
        }

        /** @return the worktree settings */
        public Worktree getWorktree() {
            return worktree;
        }
    }

    /** Git worktree settings. */
    public static class Worktree {
        /** How worktrees are allocated to items. */
        private WorktreeAllocation mode = WorktreeAllocation.REUSE;
        /** The pool's size in POOLED mode. */
        private int poolSize = 4;
        /** The worktree's name in DEDICATED mode. */
        private String dedicatedName = "prodigy";
        /** The most worktrees at once; unset for no limit. */
        private Integer maxWorktrees;
        /** Whether failed items' worktrees are kept for inspection. */
        private boolean keepFailed = true;
        /** The git executable. */
        private String gitExecutable = "git";
        /**
         * The ignored build and dependency directories a reused worktree keeps between items (names, at any depth);
         * unset for the library's list (target, build, node_modules, .venv, ...), empty to keep none.
         */
        private List<String> warmDirectories;
        /** Directory names or repository-relative paths taken out of the warm list: cleaned between items. */
        private List<String> coldDirectories = new ArrayList<>();

        /** @return the allocation */
        public WorktreeAllocation getMode() {
            return mode;
        }

        /** @param mode the allocation */
        public void setMode(WorktreeAllocation mode) {
            this.mode = mode;
        }

        /** @return the pool size */
        public int getPoolSize() {
            return poolSize;
        }

        /** @param poolSize the pool size */
        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }

        /** @return the dedicated worktree's name */
        public String getDedicatedName() {
            return dedicatedName;
        }

        /** @param dedicatedName the dedicated worktree's name */
        public void setDedicatedName(String dedicatedName) {
            this.dedicatedName = dedicatedName;
        }

        /** @return the most worktrees, or null */
        public Integer getMaxWorktrees() {
            return maxWorktrees;
        }

        /** @param maxWorktrees the most worktrees */
        public void setMaxWorktrees(Integer maxWorktrees) {
            this.maxWorktrees = maxWorktrees;
        }

        /** @return whether failed worktrees are kept */
        public boolean isKeepFailed() {
            return keepFailed;
        }

        /** @param keepFailed whether failed worktrees are kept */
        public void setKeepFailed(boolean keepFailed) {
            this.keepFailed = keepFailed;
        }

        /** @return the git executable */
        public String getGitExecutable() {
            return gitExecutable;
        }

        /** @param gitExecutable the git executable */
        public void setGitExecutable(String gitExecutable) {
            this.gitExecutable = gitExecutable;
        }

        /** @return the warm directories, or null for the library's list */
        public List<String> getWarmDirectories() {
            return warmDirectories;
        }

        /** @param warmDirectories the warm directories (empty keeps none) */
        public void setWarmDirectories(List<String> warmDirectories) {
            this.warmDirectories = warmDirectories;
        }

        /** @return the directories taken out of the warm list */
        public List<String> getColdDirectories() {
            return coldDirectories;
        }

        /** @param coldDirectories the directories taken out of the warm list */
        public void setColdDirectories(List<String> coldDirectories) {
            this.coldDirectories = coldDirectories;
        }
    }

    /** Metrics settings. */
    public static class Metrics {
        /** Whether runs are recorded in the application's MeterRegistry. */
        private boolean enabled = true;
        /** Client-side percentiles published by every Prodigy timer, e.g. 0.5,0.95. */
        private List<Double> percentiles = new ArrayList<>();
        /** Whether timers publish histogram buckets. */
        private boolean percentileHistogram;

        /** @return whether metrics are on */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether metrics are on */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return the percentiles */
        public List<Double> getPercentiles() {
            return percentiles;
        }

        /** @param percentiles the percentiles */
        public void setPercentiles(List<Double> percentiles) {
            this.percentiles = percentiles;
        }

        /** @return whether histograms are published */
        public boolean isPercentileHistogram() {
            return percentileHistogram;
        }

        /** @param percentileHistogram whether histograms are published */
        public void setPercentileHistogram(boolean percentileHistogram) {
            this.percentileHistogram = percentileHistogram;
        }
    }

    /** Tracing settings. */
    public static class Tracing {
        /** Whether runs are traced with the application's OpenTelemetry. */
        private boolean enabled = true;
        /** Whether agent processes get TRACEPARENT, BAGGAGE, OTEL_RESOURCE_ATTRIBUTES and the agent environment. */
        private boolean propagateToAgents;
        /** Variables for agent processes when propagating, e.g. CLAUDE_CODE_ENABLE_TELEMETRY=1. */
        private Map<String, String> agentEnvironment = new LinkedHashMap<>();

        /** @return whether tracing is on */
        public boolean isEnabled() {
            return enabled;
        }

        /** @param enabled whether tracing is on */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** @return whether trace context goes to agents */
        public boolean isPropagateToAgents() {
            return propagateToAgents;
        }

        /** @param propagateToAgents whether trace context goes to agents */
        public void setPropagateToAgents(boolean propagateToAgents) {
            this.propagateToAgents = propagateToAgents;
        }

        /** @return the agent telemetry variables */
        public Map<String, String> getAgentEnvironment() {
            return agentEnvironment;
        }

        /** @param agentEnvironment the agent telemetry variables */
        public void setAgentEnvironment(Map<String, String> agentEnvironment) {
            this.agentEnvironment = agentEnvironment;
        }
    }
}
