package io.prodigy.core.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.prodigy.api.StoreException;
import io.prodigy.api.event.RunEvent;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads the event logs written by {@link JsonlEventLog} back as {@link RunEvent}s (durations at millisecond
 * precision), either once or by following a log while its run goes on. Immutable and thread-safe.
 */
public final class EventLogReader {
    private static final Duration DEFAULT_POLL = Duration.ofMillis(100);

    private final StoreLayout layout;
    private final long pollNanos;

    private EventLogReader(Path root, Duration pollInterval) {
        this.layout = new StoreLayout(root);
        this.pollNanos = pollInterval.toNanos();
    }

    /**
     * @param prodigyHome the state directory ({@code PRODIGY_HOME})
     * @return a reader that polls every 100 ms when following
     */
    public static EventLogReader open(Path prodigyHome) {
        return new EventLogReader(Objects.requireNonNull(prodigyHome, "prodigyHome"), DEFAULT_POLL);
    }

    /**
     * @param prodigyHome the state directory ({@code PRODIGY_HOME})
     * @param pollInterval how long {@link #follow} waits before looking for new events again
     * @return a reader
     * @throws IllegalArgumentException if the interval is not positive
     */
    public static EventLogReader open(Path prodigyHome, Duration pollInterval) {
        if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("pollInterval must be positive, got " + pollInterval);
        }
        return new EventLogReader(Objects.requireNonNull(prodigyHome, "prodigyHome"), pollInterval);
    }

    /**
     * @param runId a run
     * @return the file its events are written to (it may not exist yet)
     * @throws StoreException if the run id is not a valid directory name
     */
    public Path file(String runId) {
        return layout.file(runId, StoreLayout.EVENTS);
    }

    /**
     * @param runId a run
     * @return its events so far, in order (empty if it has no log)
     * @throws StoreException if the log cannot be read or holds a corrupt record before its last line
     */
    public List<RunEvent> read(String runId) {
        List<RunEvent> events = new ArrayList<>();
        forEach(runId, events::add);
        return events;
    }

    /**
     * Streams a run's events so far, holding one in memory at a time. A torn last line is skipped with a warning.
     *
     * @param runId a run
     * @param consumer receives each event in order
     * @throws StoreException if the log cannot be read or holds a corrupt record before its last line
     */
    public void forEach(String runId, Consumer<? super RunEvent> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        JsonlReader.read(file(runId), Long.MAX_VALUE, (node, offset) -> consumer.accept(EventCodec.decode(node)));
    }

    /**
     * Delivers a run's events from the start, then waits for new ones, polling the file (it may not exist yet),
     * until a {@link RunEvent.RunFinished} is delivered, the stop condition is true (checked after each poll),
     * or the calling thread is interrupted (its interrupt flag is then left set). A line is delivered once it
     * is whole: a record still being written is picked up at the next poll.
     *
     * @param runId a run
     * @param consumer receives each event in order, on the calling thread
     * @param stopCondition true when the caller no longer wants events
     * @return the run's finish, or empty if following stopped before it
     * @throws StoreException if the log cannot be read, holds a corrupt record, or shrinks while followed
     */
    public Optional<RunEvent.RunFinished> follow(
            String runId, Consumer<? super RunEvent> consumer, BooleanSupplier stopCondition) {
        return follow(runId, consumer, stopCondition, finished -> true);
    }

    /**
     * As {@link #follow(String, Consumer, BooleanSupplier)}, but a {@link RunEvent.RunFinished} ends the following
     * only when {@code isEnd} says so: a run interrupted and resumed appends a new attempt after its first finish,
     * and a caller following the run to its real end keeps going past the interrupted attempt's finish.
     *
     * @param runId a run
     * @param consumer receives each event in order, on the calling thread
     * @param stopCondition true when the caller no longer wants events
     * @param isEnd asked after each finish is delivered: whether it is the end to stop at
     * @return the finish that ended the following, or empty if following stopped before one
     * @throws StoreException if the log cannot be read, holds a corrupt record, or shrinks while followed
     */
    public Optional<RunEvent.RunFinished> follow(
            String runId,
            Consumer<? super RunEvent> consumer,
            BooleanSupplier stopCondition,
            java.util.function.Predicate<RunEvent.RunFinished> isEnd) {
        Objects.requireNonNull(isEnd, "isEnd");
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(stopCondition, "stopCondition");
        Path file = file(runId);
        RandomAccessFile raf = null;
        long offset = 0;
        long lineNumber = 1;
        try {
            while (true) {
                if (raf == null) {
                    raf = openIfExists(file);
                }
                if (raf != null) {
                    long size = raf.length();
                    if (size < offset) {
                        throw new StoreException(file + " shrank from " + offset + " to " + size + " bytes while "
                                + "it was followed; it was replaced or truncated by another program");
                    }
                    LineReader lines = new LineReader(raf, offset, size, lineNumber, 4096);
                    while (size > offset && lines.next() && lines.terminated()) {
                        RunEvent event = null;
                        if (!JsonRecords.isBlank(lines.buffer(), lines.start(), lines.length())) {
                            event = decode(file, lines);
                            if (event == null) {
                                break; // a last line that is not JSON yet: look again at the next poll
                            }
                        }
                        offset = lines.end();
                        lineNumber = lines.lineNumber() + 1;
                        if (event != null) {
                            consumer.accept(event);
                            if (event instanceof RunEvent.RunFinished finished && isEnd.test(finished)) {
                                return Optional.of(finished);
                            }
                        }
                    }
                }
                if (stopCondition.getAsBoolean()) {
                    return Optional.empty();
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(pollNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot read " + file + ": " + e.getMessage(), e);
        } finally {
            if (raf != null) {
                try {
                    raf.close();
                } catch (IOException e) {
                    // read-only file: nothing was lost
                }
            }
        }
    }

    /** @return the event on the current line, or null if it is the last line and not (yet) JSON */
    private static RunEvent decode(Path file, LineReader lines) throws IOException {
        Record node;
        try {
            node = JsonRecords.parse(lines.buffer(), lines.start(), lines.length());
            JsonRecords.checkVersion(node);
            return EventCodec.decode(node);
        } catch (JsonProcessingException e) {
            if (lines.isLast()) {
                return null;
            }
            throw JsonlReader.corrupt(
                    file, lines.lineNumber(), "corrupt record, not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (RecordFormatException e) {
            throw JsonlReader.corrupt(file, lines.lineNumber(), e.getMessage());
        }
    }

    private static RandomAccessFile openIfExists(Path file) {
        try {
            return new RandomAccessFile(file.toFile(), "r");
        } catch (FileNotFoundException e) {
            return null;
        }
    }
}
