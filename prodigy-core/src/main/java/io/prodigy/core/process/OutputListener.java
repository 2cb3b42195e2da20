package io.prodigy.core.process;

/**
 * Receives a running process's output live, one line at a time.
 *
 * <p>Calls come from the runner's reader threads but never concurrently: one listener sees the lines of both
 * streams one after the other, each stream in order. A line is delivered without its terminator ({@code \n}, and a
 * {@code \r} before it), decoded as UTF-8 with malformed bytes replaced. A line longer than
 * {@value #MAX_LINE_BYTES} bytes is delivered cut, followed by {@code " [... N bytes truncated ...]"}; the full text
 * is still in the captured output and the stdout file. A last line without a newline is delivered when the stream
 * ends.
 *
 * <p>Listeners must be fast: while one runs, the child's output is not read and the child may block on a full pipe.
 * An exception a listener throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface OutputListener {

    /** The longest line, in bytes, delivered whole; longer lines are cut. */
    int MAX_LINE_BYTES = 1 << 20;

    /**
     * Called once for each line the child writes.
     *
     * @param stderr whether the line was written to standard error (else standard output)
     * @param line the line, without its terminator
     */
    void onLine(boolean stderr, String line);
}
