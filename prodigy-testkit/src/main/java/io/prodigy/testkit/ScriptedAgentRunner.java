package io.prodigy.testkit;

import io.prodigy.api.AgentExecutionException;
import io.prodigy.api.ErrorKind;
import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * An {@link AgentRunner} that follows a script instead of running an agent: for each request, the first rule that
 * matches it (by item id, by a piece of the prompt, or by any predicate) gives its {@link AgentReply}. A rule with
 * several replies gives them in turn to the successive requests of each item (the first attempt of an item gets the
 * first reply, its retry the second ...), the last one repeating; requests no rule matches get the fallback, which
 * succeeds with {@code ok} unless set.
 *
 * <p>It records every request in arrival order, and the largest number of requests it was serving at once, and lets a
 * test wait for requests to arrive - without sleeping. Thread-safe, as the {@link AgentRunner} contract requires.
 *
 * <pre>{@code
 * Gate gate = Gate.closed();
 * ScriptedAgentRunner agent = ScriptedAgentRunner.builder()
 *         .forItem("b", AgentReply.fail(ErrorKind.COMMAND_FAILED, "boom"), AgentReply.succeed("fixed"))
 *         .forPrompt("/slow", AgentReply.succeed("done").blockingOn(gate))
 *         .otherwise(AgentReply.succeed("ok").committing("out.txt", "done\n", "agent work"))
 *         .build();
 * }</pre>
 */
public final class ScriptedAgentRunner implements AgentRunner {
    private static final String AGENT_NAME = "Scripted Agent";
    private static final String AGENT_EMAIL = "agent@prodigy.invalid";

    private final List<Rule> rules;
    private final AgentReply fallback;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final List<AgentRequest> requests = new ArrayList<>();
    private final Map<String, Integer> turns = new HashMap<>();
    private int inFlight;
    private int maxConcurrency;

    private ScriptedAgentRunner(Builder b) {
        this.rules = List.copyOf(b.rules);
        this.fallback = b.fallback;
    }

    /** @return a builder with no rules and a fallback that succeeds with {@code ok} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @param reply what every request gets
     * @return a runner answering every request with the same reply
     */
    public static ScriptedAgentRunner always(AgentReply reply) {
        return builder().otherwise(reply).build();
    }

    /**
     * Follows the script for this request: records it, applies the reply's file effects in the request's workspace,
     * waits as the reply says, and answers.
     *
     * @throws InterruptedException if interrupted while the reply waits
     * @throws AgentExecutionException if a scripted file effect cannot be applied, or the reply says the agent
     *     cannot run
     */
    @Override
    public AgentResult run(AgentRequest request) throws InterruptedException {
        Objects.requireNonNull(request, "request");
        AgentReply reply;
        lock.lock();
        try {
            requests.add(request);
            inFlight++;
            maxConcurrency = Math.max(maxConcurrency, inFlight);
            reply = replyFor(request);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            return perform(reply, request);
        } finally {
            lock.lock();
            try {
                inFlight--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private AgentReply replyFor(AgentRequest request) {
        for (int i = 0; i < rules.size(); i++) {
            Rule rule = rules.get(i);
            if (rule.matches().test(request)) {
                String key = i + "\u0000" + (request.itemId() == null ? "" : request.itemId());
                int turn = turns.merge(key, 1, Integer::sum) - 1;
                return rule.replies().get(Math.min(turn, rule.replies().size() - 1));
            }
        }
        return fallback;
    }

    private static AgentResult perform(AgentReply reply, AgentRequest request) throws InterruptedException {
        long start = System.nanoTime();
        for (AgentReply.FileEffect effect : reply.effects()) {
            apply(effect, request);
        }
        Duration limit = request.timeout();
        if (!reply.duration().isZero() && !waitFor(reply.duration(), limit, start)) {
            return timedOut(limit);
        }
        if (reply.gate() != null && !reply.gate().await(remaining(limit, start))) {
            return timedOut(limit);
        }
        return reply.result(request);
    }

    /** Works for {@code time}; false if the limit ran out first. */
    private static boolean waitFor(Duration time, Duration limit, long start) throws InterruptedException {
        Duration left = remaining(limit, start);
        boolean cut = left != null && left.compareTo(time) < 0;
        Duration wait = cut ? left : time;
        Gate never = Gate.closed();
        never.await(wait);
        return !cut;
    }

    private static Duration remaining(Duration limit, long start) {
        if (limit == null) {
            return null;
        }
        Duration left = limit.minusNanos(System.nanoTime() - start);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static AgentResult timedOut(Duration limit) {
        return AgentResult.failure(ErrorKind.TIMEOUT, "the scripted agent timed out after " + limit);
    }

    private static void apply(AgentReply.FileEffect effect, AgentRequest request) {
        Path file = request.workspace().resolve(effect.path());
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, effect.content(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AgentExecutionException(
                    "the scripted agent cannot write " + file + ": " + e.getMessage(), false, e);
        }
        if (effect.commitMessage() != null) {
            git(request, "add", "-A");
            git(
                    request,
                    "-c",
                    "user.name=" + AGENT_NAME,
                    "-c",
                    "user.email=" + AGENT_EMAIL,
                    "-c",
                    "commit.gpgsign=false",
                    "commit",
                    "-q",
                    "-m",
                    effect.commitMessage());
        }
    }

    private static void git(AgentRequest request, String... args) {
        List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb =
                new ProcessBuilder(cmd).directory(request.workspace().toFile()).redirectErrorStream(true);
        pb.environment().putAll(request.environment());
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (exit != 0) {
                throw new AgentExecutionException(
                        "the scripted agent's git " + String.join(" ", args) + " in " + request.workspace()
                                + " exited with " + exit + ": " + out.strip(),
                        false,
                        null);
            }
        } catch (IOException e) {
            throw new AgentExecutionException("the scripted agent cannot run git: " + e.getMessage(), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentExecutionException("interrupted while the scripted agent ran git", false, e);
        }
    }

    /** @return every request so far, in arrival order */
    public List<AgentRequest> requests() {
        lock.lock();
        try {
            return List.copyOf(requests);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param itemId a MapReduce item's id
     * @return the requests for that item so far, in arrival order
     */
    public List<AgentRequest> requestsFor(String itemId) {
        Objects.requireNonNull(itemId, "itemId");
        return requests().stream().filter(r -> itemId.equals(r.itemId())).toList();
    }

    /** @return the commands (prompts) of every request so far, in arrival order */
    public List<String> commands() {
        return requests().stream().map(AgentRequest::command).toList();
    }

    /** @return how many requests it is serving now */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** @return the largest number of requests it served at once so far */
    public int maxConcurrency() {
        lock.lock();
        try {
            return maxConcurrency;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until at least {@code count} requests have arrived.
     *
     * @param count how many
     * @param timeout how long to wait at most
     * @throws AssertionError if they have not arrived in time (the message lists those that did)
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitRequests(int count, Duration timeout) throws InterruptedException {
        awaitState(() -> requests.size() >= count, timeout, count + " agent request(s)");
    }

    /**
     * Waits until at least {@code count} requests are being served at once (for example, blocked on a {@link Gate}).
     *
     * @param count how many
     * @param timeout how long to wait at most
     * @throws AssertionError if that did not happen in time
     * @throws InterruptedException if interrupted while waiting
     */
    public void awaitInFlight(int count, Duration timeout) throws InterruptedException {
        awaitState(() -> inFlight >= count, timeout, count + " agent request(s) in flight");
    }

    private void awaitState(java.util.function.BooleanSupplier done, Duration timeout, String what)
            throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!done.getAsBoolean()) {
                if (left <= 0) {
                    throw new AssertionError("waited " + timeout + " for " + what + "; " + inFlight
                            + " in flight, requests so far: "
                            + requests.stream()
                                    .map(ScriptedAgentRunner::describe)
                                    .toList());
                }
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    private static String describe(AgentRequest r) {
        return (r.itemId() == null ? "" : r.itemId() + ": ") + r.command();
    }

    /** One rule of the script. */
    private record Rule(Predicate<AgentRequest> matches, List<AgentReply> replies) {}

    /** Builds a {@link ScriptedAgentRunner}; rules are tried in the order they were added. */
    public static final class Builder {
        private final List<Rule> rules = new ArrayList<>();
        private AgentReply fallback = AgentReply.succeed("ok");

        private Builder() {}

        /**
         * @param itemId a MapReduce item's id
         * @param replies the replies to the item's successive requests (the last repeats)
         * @return this
         */
        public Builder forItem(String itemId, AgentReply... replies) {
            Objects.requireNonNull(itemId, "itemId");
            return when(r -> itemId.equals(r.itemId()), replies);
        }

        /**
         * @param fragment a piece of the command, e.g. {@code /fix}
         * @param replies the replies to each item's successive matching requests (the last repeats)
         * @return this
         */
        public Builder forPrompt(String fragment, AgentReply... replies) {
            Objects.requireNonNull(fragment, "fragment");
            return when(r -> r.command().contains(fragment), replies);
        }

        /**
         * @param matches which requests the rule applies to
         * @param replies the replies to each item's successive matching requests (the last repeats)
         * @return this
         */
        public Builder when(Predicate<AgentRequest> matches, AgentReply... replies) {
            Objects.requireNonNull(matches, "matches");
            Objects.requireNonNull(replies, "replies");
            if (replies.length == 0) {
                throw new IllegalArgumentException("a rule needs at least one reply");
            }
            for (int i = 0; i < replies.length; i++) {
                Objects.requireNonNull(replies[i], "replies[" + i + "]");
            }
            rules.add(new Rule(matches, List.of(replies)));
            return this;
        }

        /**
         * @param reply what requests no rule matches get
         * @return this
         */
        public Builder otherwise(AgentReply reply) {
            this.fallback = Objects.requireNonNull(reply, "reply");
            return this;
        }

        /** @return the runner */
        public ScriptedAgentRunner build() {
            return new ScriptedAgentRunner(this);
        }
    }
}
