package io.prodigy.spring.boot;

import io.prodigy.api.spi.AgentRunner;
import io.prodigy.api.spi.IsolationStrategy;
import io.prodigy.claude.ClaudeCodeRunner;
import io.prodigy.claude.CommandAgentRunner;
import io.prodigy.core.DirectoryIsolation;
import io.prodigy.git.WorktreeIsolation;
import io.prodigy.git.WorktreeMode;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the agent runner and the isolation strategy {@link ProdigyProperties} describe. */
final class ProdigyComponents {
    private ProdigyComponents() {}

    /**
     * @param agent the agent settings
     * @return the runner, or null for {@link ProdigyProperties.AgentType#NONE}
     * @throws IllegalStateException if the COMMAND type has no template
     */
    static AgentRunner agentRunner(ProdigyProperties.Agent agent) {
        switch (agent.getType()) {
            case NONE:
                return null;
            case COMMAND: {
                ProdigyProperties.Command c = agent.getCommand();
                if (c.getTemplate().isEmpty()) {
                    throw new IllegalStateException("prodigy.agent.type=command needs prodigy.agent.command.template, "
                            + "e.g. [aider, --message, '{prompt}', --yes-always]");
                }
                CommandAgentRunner.Builder b =
                        CommandAgentRunner.builder(c.getTemplate().toArray(String[]::new));
                if (c.getName() != null) {
                    b.name(c.getName());
                }
                c.getEnvironment().forEach(b::environment);
                return b.build();
            }
            default: {
                ProdigyProperties.Claude c = agent.getClaude();
                ClaudeCodeRunner.Builder b = ClaudeCodeRunner.builder()
                        .executable(c.getExecutable())
                        .model(c.getModel())
                        .permissionMode(c.getPermissionMode())
                        .maxTurns(c.getMaxTurns())
                        .allowedTools(c.getAllowedTools().toArray(String[]::new))
                        .disallowedTools(c.getDisallowedTools().toArray(String[]::new))
                        .appendSystemPrompt(c.getAppendSystemPrompt())
                        .extraArgs(c.getExtraArgs().toArray(String[]::new))
                        .environment(c.getEnvironment())
                        .verifySlashCommands(c.isVerifySlashCommands());
                if (c.getMaxBudgetUsd() != null) {
                    b.maxBudgetUsd(BigDecimal.valueOf(c.getMaxBudgetUsd()));
                }
                if (c.getResultGrace() != null) {
                    b.resultGrace(c.getResultGrace());
                }
                return b.build();
            }
        }
    }

    /**
     * @param properties the settings
     * @param workingDirectory the project directory
     * @param home the state directory
     * @return the isolation strategy, or null for {@code auto} outside a git repository (then the engine runs
     *         sequential work in the project directory and refuses parallel items until a mode is chosen)
     */
    static IsolationStrategy isolation(ProdigyProperties properties, Path workingDirectory, Path home) {
        ProdigyProperties.IsolationMode mode = properties.getIsolation().getMode();
        if (mode == ProdigyProperties.IsolationMode.AUTO) {
            if (!inGitRepository(workingDirectory)) {
                // no silent sharing: the engine refuses parallel items without a chosen strategy
                return null;
            }
            mode = ProdigyProperties.IsolationMode.WORKTREE;
        }
        switch (mode) {
            case DIRECTORY:
                return DirectoryIsolation.shared();
            case SCRATCH:
                return DirectoryIsolation.scratchPerItem();
            default: {
                ProdigyProperties.Worktree w = properties.getIsolation().getWorktree();
                WorktreeIsolation.Builder b = WorktreeIsolation.builder()
                        .prodigyHome(home)
                        .mode(worktreeMode(w))
                        .keepFailedWorktrees(w.isKeepFailed())
                        .gitExecutable(w.getGitExecutable());
                if (w.getMaxWorktrees() != null) {
                    b.maxWorktrees(w.getMaxWorktrees());
                }
                if (w.getWarmDirectories() != null) {
                    b.warmDirectories(w.getWarmDirectories());
                }
                if (w.getColdDirectories() != null && !w.getColdDirectories().isEmpty()) {
                    b.coldDirectories(w.getColdDirectories());
                }
                return b.build();
            }
        }
    }

    /** @return whether the isolation in effect uses git */
    static boolean usesGit(ProdigyProperties properties, Path workingDirectory) {
        ProdigyProperties.IsolationMode mode = properties.getIsolation().getMode();
        return mode == ProdigyProperties.IsolationMode.WORKTREE
                || mode == ProdigyProperties.IsolationMode.AUTO && inGitRepository(workingDirectory);
    }

    private static WorktreeMode worktreeMode(ProdigyProperties.Worktree w) {
        switch (w.getMode()) {
            case POOLED:
                return WorktreeMode.pooled(w.getPoolSize());
            case REUSE:
                return WorktreeMode.reuse();
            case DEDICATED:
                return WorktreeMode.dedicated(w.getDedicatedName());
            default:
                return WorktreeMode.onDemand();
        }
    }

    static boolean inGitRepository(Path dir) {
        for (Path p = dir.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.exists(p.resolve(".git"))) {
                return true;
            }
        }
        return false;
    }
}
