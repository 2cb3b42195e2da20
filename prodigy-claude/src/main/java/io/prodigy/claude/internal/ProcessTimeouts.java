package io.prodigy.claude.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * The time limits of an agent CLI process, as the runner builders ({@code ClaudeCodeRunner.Builder},
 * {@code CommandAgentRunner.Builder}) collect them. Immutable; each {@code with} method checks its value and
 * returns a copy.
 *
 * @param resultGrace how long the process may run on after its terminal event; positive
 * @param startupTimeout how long the process may stay silent on stdout after it starts; positive, or null for no
 *        limit
 * @param killGracePeriod the time between SIGTERM and SIGKILL when a process tree is terminated; not negative
 */
public record ProcessTimeouts(Duration resultGrace, Duration startupTimeout, Duration killGracePeriod) {
    /** The default {@link #resultGrace()}: 10 s. */
    public static final Duration DEFAULT_RESULT_GRACE = Duration.ofSeconds(10);
    /** The default {@link #killGracePeriod()}: 5 s. */
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofSeconds(5);

    /**
     * Checks the values.
     *
     * @throws NullPointerException if {@code resultGrace} or {@code killGracePeriod} is null
     * @throws IllegalArgumentException if a value is out of its range
     */
    public ProcessTimeouts {
        Objects.requireNonNull(resultGrace, "resultGrace");
        if (resultGrace.isZero() || resultGrace.isNegative()) {
            throw new IllegalArgumentException("resultGrace must be positive, got " + resultGrace);
        }
        if (startupTimeout != null && (startupTimeout.isZero() || startupTimeout.isNegative())) {
            throw new IllegalArgumentException("startupTimeout must be positive, got " + startupTimeout);
        }
        Objects.requireNonNull(killGracePeriod, "killGracePeriod");
        if (killGracePeriod.isNegative()) {
            throw new IllegalArgumentException("killGracePeriod cannot be negative, got " + killGracePeriod);
        }
    }

    /**
     * @param startupTimeout the startup limit, or null for none
     * @return the default grace periods with this startup limit
     */
    public static ProcessTimeouts defaults(Duration startupTimeout) {
        return new ProcessTimeouts(DEFAULT_RESULT_GRACE, startupTimeout, DEFAULT_KILL_GRACE);
    }

    /** @param grace the new result grace; positive @return a copy with it */
    public ProcessTimeouts withResultGrace(Duration grace) {
        return new ProcessTimeouts(grace, startupTimeout, killGracePeriod);
    }

    /** @param timeout the new startup limit; positive, or null for none @return a copy with it */
    public ProcessTimeouts withStartupTimeout(Duration timeout) {
        return new ProcessTimeouts(resultGrace, timeout, killGracePeriod);
    }

    /** @param grace the new time between SIGTERM and SIGKILL; not negative @return a copy with it */
    public ProcessTimeouts withKillGracePeriod(Duration grace) {
        return new ProcessTimeouts(resultGrace, startupTimeout, grace);
    }

    /** @param agentName the agent's name in messages @return the settings of an invocation with these limits */
    public AgentInvocation.Settings settings(String agentName) {
        return new AgentInvocation.Settings(agentName, resultGrace, startupTimeout, killGracePeriod);
    }
}
