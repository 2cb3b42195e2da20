package io.prodigy.testkit;

import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A {@link RunListener} that records every event, in the order they were delivered, and lets a test wait for an
 * event or a condition with a deadline - without sleeping. Thread-safe; fast, as the listener contract asks.
 *
 * <pre>{@code
 * RecordingListener events = new RecordingListener();
 * // ... Prodigy.builder().listener(events) ..., run the workflow on another thread
 * RunEvent.ItemStarted started = events.await(RunEvent.ItemStarted.class, e -> e.itemId().equals("a"),
 *         Duration.ofSeconds(10));
 * }</pre>
 */
public final class RecordingListener implements RunListener {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final List<RunEvent> events = new ArrayList<>();

    /** Creates a listener with no events recorded. */
    public RecordingListener() {}

    @Override
    public void onEvent(RunEvent event) {
        lock.lock();
        try {
            events.add(event);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** @return every event so far, in delivery order */
    public List<RunEvent> events() {
        lock.lock();
        try {
            return List.copyOf(events);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param type an event type, e.g. {@code RunEvent.ItemFinished.class}
     * @param <T> the type
     * @return the events of that type so far, in delivery order
     */
    public <T extends RunEvent> List<T> events(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /**
     * @param type an event type
     * @return how many events of that type were delivered so far
     */
    public int count(Class<? extends RunEvent> type) {
        return events(type).size();
    }

    /**
     * @param type an event type
     * @param <T> the type
     * @return the first event of that type, if one was delivered
     */
    public <T extends RunEvent> Optional<T> first(Class<T> type) {
        return events(type).stream().findFirst();
    }

    /** @return the simple names of the event types so far, in delivery order, for compact assertions */
    public List<String> typeNames() {
        return events().stream().map(e -> e.getClass().getSimpleName()).toList();
    }

    /** Forgets every event recorded so far. */
    public void clear() {
        lock.lock();
        try {
            events.clear();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for an event of a type that matches a predicate (one delivered before the call counts).
     *
     * @param type an event type
     * @param matches which events of the type count
     * @param timeout how long to wait at most
     * @param <T> the type
     * @return the first matching event
     * @throws AssertionError if none arrived in time (the message lists the events that did)
     * @throws InterruptedException if interrupted while waiting
     */
    public <T extends RunEvent> T await(Class<T> type, Predicate<? super T> matches, Duration timeout)
            throws InterruptedException {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(matches, "matches");
        List<RunEvent> seen = awaitCondition(
                all -> all.stream().anyMatch(e -> type.isInstance(e) && matches.test(type.cast(e))),
                timeout,
                "a matching " + type.getSimpleName());
        return seen.stream()
                .filter(type::isInstance)
                .map(type::cast)
                .filter(matches)
                .findFirst()
                .orElseThrow();
    }

    /**
     * Waits for an event of a type (one delivered before the call counts).
     *
     * @param type an event type
     * @param timeout how long to wait at most
     * @param <T> the type
     * @return the first event of the type
     * @throws AssertionError if none arrived in time
     * @throws InterruptedException if interrupted while waiting
     */
    public <T extends RunEvent> T await(Class<T> type, Duration timeout) throws InterruptedException {
        return await(type, e -> true, timeout);
    }

    /**
     * Waits until the events delivered so far satisfy a condition.
     *
     * @param condition tested on the events so far, in delivery order, each time one arrives
     * @param timeout how long to wait at most
     * @return the events when the condition held
     * @throws AssertionError if it did not hold in time (the message lists the events)
     * @throws InterruptedException if interrupted while waiting
     */
    public List<RunEvent> awaitCondition(Predicate<List<RunEvent>> condition, Duration timeout)
            throws InterruptedException {
        return awaitCondition(condition, timeout, "the condition");
    }

    private List<RunEvent> awaitCondition(Predicate<List<RunEvent>> condition, Duration timeout, String what)
            throws InterruptedException {
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(timeout, "timeout");
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (true) {
                List<RunEvent> snapshot = List.copyOf(events);
                if (condition.test(snapshot)) {
                    return snapshot;
                }
                if (left <= 0) {
                    throw new AssertionError("waited " + timeout + " for " + what + "; " + snapshot.size()
                            + " event(s) arrived: "
                            + snapshot.stream()
                                    .map(e -> e.getClass().getSimpleName())
                                    .toList());
                }
                left = arrived.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }
}
