package io.prodigy.core.internal.process;

/**
 * Receives a running process's output live, one line at a time.
 *
 * <p>Calls come from the runner's reader threads but never concurrently: one listener sees the lines
 * of both streams one after the other, each stream in order. A line is delivered without its
 * terminating {@code \n} (and without a {@code \r} before it), decoded as UTF-8 with malformed bytes
 * replaced. A line longer than {@link #MAX_LINE_BYTES} is delivered once it ends, as its first
 * {@value #MAX_LINE_BYTES} bytes followed by {@code " [... N bytes truncated ...]"}; the full text is
 * still in the captured output and the stdout file. A final line without a newline is delivered when
 * the stream ends.
 *
 * <p>Listeners must be fast: while one runs, the child's output is not read and the child may block
 * on a full pipe. An exception thrown by a listener is logged and otherwise ignored.
 */
@FunctionalInterface
public interface LineListener {

    /** The longest line, in bytes, delivered whole; longer lines are cut. */
    int MAX_LINE_BYTES = 1 << 20;

    /** The output stream a line came from. */
    enum Stream {
        /** The child's standard output. */
        STDOUT,
        /** The child's standard error. */
        STDERR
    }

    /**
     * Called once for each line the child writes.
     *
     * @param stream the stream the line was written to
     * @param line the line, without its line terminator
     */
    void onLine(Stream stream, String line);
}
