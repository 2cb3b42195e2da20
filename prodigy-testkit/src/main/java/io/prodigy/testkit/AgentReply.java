package io.prodigy.testkit;

import io.prodigy.api.AgentExecutionException;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a {@link ScriptedAgentRunner} does for one request: first its effects in order (write or commit files in the
 * request's workspace), then waits (a {@link #taking duration}, a {@link #blockingOn gate}), then answers. Immutable:
 * each modifier returns a new reply.
 *
 * <pre>{@code
 * AgentReply.succeed("fixed").committing("fix.txt", "done\n", "fix the bug").taking(Duration.ofMillis(50))
 * AgentReply.fail(ErrorKind.COMMAND_FAILED, "tests still fail")
 * AgentReply.throttle()
 * }</pre>
 */
public final class AgentReply {
    private final Function<AgentRequest, AgentResult> answer;
    private final List<FileEffect> effects;
    private final Duration duration;
    private final Gate gate;
    private final Double costUsd;

    private AgentReply(
            Function<AgentRequest, AgentResult> answer,
            List<FileEffect> effects,
            Duration duration,
            Gate gate,
            Double costUsd) {
        this.answer = answer;
        this.effects = List.copyOf(effects);
        this.duration = duration;
        this.gate = gate;
        this.costUsd = costUsd;
    }

    /**
     * @param output the agent's final text
     * @return a reply that succeeds with it
     */
    public static AgentReply succeed(String output) {
        AgentResult result = AgentResult.success(Objects.requireNonNull(output, "output"));
        return answer(r -> result);
    }

    /**
     * @param kind the class of failure
     * @param message what went wrong
     * @return a reply that reports a failed agent (a result, not an exception)
     */
    public static AgentReply fail(ErrorKind kind, String message) {
        AgentResult result =
                AgentResult.failure(Objects.requireNonNull(kind, "kind"), Objects.requireNonNull(message, "message"));
        return answer(r -> result);
    }

    /** @return a reply that reports the backend rate-limiting the agent, without saying when to come back */
    public static AgentReply throttle() {
        return fail(ErrorKind.RATE_LIMITED, "rate limited (scripted)");
    }

    /**
     * @param retryAfter when the quota resets
     * @return a reply that reports an exhausted quota that resets at the given time
     */
    public static AgentReply quotaExhausted(Instant retryAfter) {
        Objects.requireNonNull(retryAfter, "retryAfter");
        AgentResult result = AgentResult.builder()
                .success(false)
                .errorKind(ErrorKind.QUOTA_EXHAUSTED)
                .errorMessage("quota exhausted (scripted)")
                .retryAfter(retryAfter)
                .build();
        return answer(r -> result);
    }

    /**
     * @param message why
     * @return a reply that throws {@link AgentExecutionException}: the agent could not be run at all
     */
    public static AgentReply cannotRun(String message) {
        Objects.requireNonNull(message, "message");
        return answer(r -> {
            throw new AgentExecutionException(message, false, null);
        });
    }

    /**
     * @param answer computes the result from the request (it may also throw)
     * @return a reply with a computed answer
     */
    public static AgentReply answer(Function<AgentRequest, AgentResult> answer) {
        return new AgentReply(Objects.requireNonNull(answer, "answer"), List.of(), Duration.ZERO, null, null);
    }

    /**
     * @param path a file relative to the request's workspace
     * @param content its new content
     * @return this reply, first writing the file (uncommitted)
     */
    public AgentReply writing(String path, String content) {
        return withEffect(
                new FileEffect(Objects.requireNonNull(path, "path"), Objects.requireNonNull(content, "content"), null));
    }

    /**
     * @param path a file relative to the request's workspace, which must be a git work tree
     * @param content its new content
     * @param message the commit message
     * @return this reply, first writing the file and committing every change of the workspace
     */
    public AgentReply committing(String path, String content, String message) {
        return withEffect(new FileEffect(
                Objects.requireNonNull(path, "path"),
                Objects.requireNonNull(content, "content"),
                Objects.requireNonNull(message, "message")));
    }

    /**
     * @param time how long the agent works before answering (cut short by the request's timeout, which then
     *             answers {@link ErrorKind#TIMEOUT}, and by interruption)
     * @return this reply, taking that long
     */
    public AgentReply taking(Duration time) {
        Objects.requireNonNull(time, "time");
        if (time.isNegative()) {
            throw new IllegalArgumentException("time must not be negative, was " + time);
        }
        return new AgentReply(answer, effects, time, gate, costUsd);
    }

    /**
     * @param gate a gate the agent waits at until the test opens it (cut short by the request's timeout and by
     *             interruption)
     * @return this reply, blocking on the gate
     */
    public AgentReply blockingOn(Gate gate) {
        return new AgentReply(answer, effects, duration, Objects.requireNonNull(gate, "gate"), costUsd);
    }

    /**
     * @param usd what the attempt cost
     * @return this reply, reporting that cost
     */
    public AgentReply costing(double usd) {
        return new AgentReply(answer, effects, duration, gate, usd);
    }

    private AgentReply withEffect(FileEffect effect) {
        List<FileEffect> more = new ArrayList<>(effects);
        more.add(effect);
        return new AgentReply(answer, more, duration, gate, costUsd);
    }

    List<FileEffect> effects() {
        return effects;
    }

    Duration duration() {
        return duration;
    }

    Gate gate() {
        return gate;
    }

    AgentResult result(AgentRequest request) {
        AgentResult r = answer.apply(request);
        if (costUsd == null) {
            return r;
        }
        return AgentResult.builder()
                .success(r.success())
                .output(r.output())
                .exitCode(r.exitCode())
                .errorKind(r.success() ? null : r.errorKind())
                .errorMessage(r.errorMessage())
                .costUsd(costUsd)
                .tokens(r.tokens())
                .duration(r.duration())
                .retryAfter(r.retryAfter())
                .transcript(r.transcript())
                .sessionId(r.sessionId())
                .build();
    }

    /**
     * A file the agent writes, and commits when a message is given.
     *
     * @param path relative to the workspace
     * @param content the content
     * @param commitMessage the commit message, or null to leave it uncommitted
     */
    record FileEffect(String path, String content, String commitMessage) {}
}
