package io.prodigy.cli;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** What the terminal can do. */
final class Terminal {
    private Terminal() {}

    /**
     * @return the console when standard input and output are a terminal a person can answer on, else null. From
     *         Java 22, {@link System#console()} also returns one when the streams are redirected; its
     *         {@code isTerminal()} (called reflectively: the baseline is Java 17) tells the difference
     */
    static java.io.Console console() {
        java.io.Console c = System.console();
        if (c == null) {
            return null;
        }
        try {
            Object terminal = java.io.Console.class.getMethod("isTerminal").invoke(c);
            return Boolean.TRUE.equals(terminal) ? c : null;
        } catch (NoSuchMethodException e) {
            return c; // Java 17 to 21: a console exists only on a terminal
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /** @return whether stdin and stdout are a terminal that understands cursor movement */
    static boolean interactive() {
        String term = System.getenv("TERM");
        return console() != null && term != null && !term.isEmpty() && !term.equals("dumb");
    }

    /** @return whether to use colours: on a terminal, unless NO_COLOR is set (https://no-color.org) */
    static boolean color() {
        String noColor = System.getenv("NO_COLOR");
        return interactive() && (noColor == null || noColor.isEmpty());
    }

    /** @return the terminal's width in columns (COLUMNS, else stty, else 80) */
    static int width() {
        String cols = System.getenv("COLUMNS");
        if (cols != null) {
            try {
                return Math.max(20, Integer.parseInt(cols.strip()));
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        if (!interactive()) {
            return 80;
        }
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor(2, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String[] parts = out.split("\\s+");
                if (parts.length == 2) {
                    return Math.max(20, Integer.parseInt(parts[1]));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 80;
    }
}
