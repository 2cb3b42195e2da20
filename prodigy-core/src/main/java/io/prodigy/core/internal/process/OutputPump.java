package io.prodigy.core.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one of a child's output pipes until end of file, feeding the capture, the stdout file and
 * the line splitter. Runs on a pooled thread named after the stream and pid.
 *
 * <p>All sinks are touched only under the run's shared lock, so the two pumps of a run never call the
 * listener concurrently, and {@link #abandon()} can detach the sinks while the pump is blocked in a
 * read it cannot be woken from.
 */
final class OutputPump implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(OutputPump.class);
    private static final int BUFFER_SIZE = 32 * 1024;

    private final String threadName;
    private final InputStream input;
    private final OutputCapture capture;
    private final LineSplitter lines;
    private final Object lock;
    private final CountDownLatch done;
    private OutputStream file; // guarded by lock
    private IOException fileError; // guarded by lock
    private boolean closed; // guarded by lock

    OutputPump(
            String threadName,
            InputStream input,
            OutputCapture capture,
            OutputStream file,
            LineSplitter lines,
            Object lock,
            CountDownLatch done) {
        this.threadName = threadName;
        this.input = input;
        this.capture = capture;
        this.file = file;
        this.lines = lines;
        this.lock = lock;
        this.done = done;
    }

    @Override
    public void run() {
        Thread thread = Thread.currentThread();
        String previousName = thread.getName();
        thread.setName(threadName);
        try {
            pump();
        } finally {
            synchronized (lock) {
                closeSinks();
            }
            done.countDown();
            thread.setName(previousName);
        }
    }

    private void pump() {
        byte[] buffer = new byte[BUFFER_SIZE];
        // Holding the stream's monitor for the whole pump keeps the JDK's exit-time hook
        // (ProcessImpl.ProcessPipeInputStream.processExited, a synchronized method) from draining and
        // closing the pipe while background children of an exited process still write to it: we read
        // until end of file or until the runner gives up. Without the monitor the JDK would race us.
        synchronized (input) {
            try (InputStream in = input) {
                int count;
                while ((count = in.read(buffer)) != -1) {
                    synchronized (lock) {
                        if (closed) {
                            return;
                        }
                        consume(buffer, count);
                    }
                }
            } catch (IOException e) {
                synchronized (lock) {
                    if (!closed) {
                        log.debug("Reading {} failed", threadName, e);
                    }
                }
            }
        }
    }

    private void consume(byte[] buffer, int count) {
        capture.append(buffer, 0, count);
        if (file != null) {
            try {
                file.write(buffer, 0, count);
            } catch (IOException e) {
                fileError = e;
                closeFileQuietly();
            }
        }
        if (lines != null) {
            lines.accept(buffer, 0, count);
        }
    }

    /**
     * Stops feeding the sinks, delivers a pending last line, closes the file and closes the pipe. A
     * read in progress is not woken up (no Java API can); its data is discarded when it returns.
     */
    void abandon() {
        synchronized (lock) {
            closeSinks();
        }
        try {
            input.close();
        } catch (IOException e) {
            log.debug("Closing {} failed", threadName, e);
        }
    }

    /** @return the captured text; complete once the pump finished, a snapshot once abandoned */
    String text() {
        synchronized (lock) {
            return capture.text();
        }
    }

    /** @return how many bytes were read */
    long bytes() {
        synchronized (lock) {
            return capture.totalBytes();
        }
    }

    /** @return the error that stopped writing the stdout file, or null */
    IOException fileError() {
        synchronized (lock) {
            return fileError;
        }
    }

    private void closeSinks() {
        if (closed) {
            return;
        }
        closed = true;
        if (lines != null) {
            lines.finish();
        }
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                fileError = e;
            }
            file = null;
        }
    }

    private void closeFileQuietly() {
        try {
            file.close();
        } catch (IOException e) {
            log.debug("Closing the stdout file after a write error failed", e);
        }
        file = null;
    }
}
