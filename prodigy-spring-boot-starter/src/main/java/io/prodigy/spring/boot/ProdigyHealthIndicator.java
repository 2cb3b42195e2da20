package io.prodigy.spring.boot;

import io.prodigy.core.Prodigy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports whether Prodigy can run: the state directory is writable and its run store readable, git is found (when
 * runs use git worktrees) and the agent CLI is found (when the Claude or command runner comes from the properties).
 * DOWN names what is missing; the details carry the state directory, the git version and the agent executable.
 */
public class ProdigyHealthIndicator implements HealthIndicator {
    private final Prodigy prodigy;
    private final ProdigyProperties properties;

    /**
     * @param prodigy the engine
     * @param properties the settings
     */
    public ProdigyHealthIndicator(Prodigy prodigy, ProdigyProperties properties) {
        this.prodigy = prodigy;
        this.properties = properties;
    }

    @Override
    public Health health() {
        Health.Builder up = Health.up();
        StringBuilder problems = new StringBuilder();
        Path home = prodigy.home();
        up.withDetail("home", home.toString());
        try {
            Files.createDirectories(home);
            Path probe = Files.createTempFile(home, ".health-", ".tmp");
            Files.delete(probe);
            up.withDetail("runs", prodigy.checkpoints().runs().size());
        } catch (IOException | RuntimeException e) {
            problems.append("the state directory ")
                    .append(home)
                    .append(" is not writable or its runs cannot be read: ")
                    .append(e.getMessage())
                    .append("; ");
        }
        if (ProdigyComponents.usesGit(properties, prodigy.workingDirectory())) {
            String git = properties.getIsolation().getWorktree().getGitExecutable();
            Optional<String> version = version(git);
            if (version.isPresent()) {
                up.withDetail("git", version.get());
            } else {
                problems.append("git (").append(git).append(") was not found or does not run; ");
            }
        }
        Optional<String> agent = agentExecutable();
        if (agent.isPresent()) {
            Optional<Path> found = Executables.find(agent.get());
            if (found.isPresent()) {
                up.withDetail("agent", found.get().toString());
            } else {
                problems.append("the agent CLI '").append(agent.get()).append("' was not found on PATH; ");
            }
        }
        if (problems.length() > 0) {
            return Health.down()
                    .withDetail("home", home.toString())
                    .withDetail("problem", problems.substring(0, problems.length() - 2))
                    .build();
        }
        return up.build();
    }

    /** @return the executable of the runner the properties build, unless the application defines its own runner */
    private Optional<String> agentExecutable() {
        ProdigyProperties.Agent agent = properties.getAgent();
        switch (agent.getType()) {
            case CLAUDE:
                return Optional.of(agent.getClaude().getExecutable());
            case COMMAND:
                return agent.getCommand().getTemplate().stream().findFirst();
            default:
                return Optional.empty();
        }
    }

    private static Optional<String> version(String git) {
        try {
            Process p = new ProcessBuilder(git, "--version")
                    .redirectErrorStream(true)
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
