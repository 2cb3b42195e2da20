package io.prodigy.cli;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** What the terminal can do. */
final class Terminal {
    private Terminal() {
    }

    /** @return whether stdin and stdout are a terminal that understands cursor movement */
    static boolean interactive() {
        String term = System.getenv("TERM");
        return System.console() != null && term != null && !term.isEmpty() && !term.equals("dumb");
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
            Process p = new ProcessBuilder("sh", "-c", "stty size < /dev/tty").redirectErrorStream(true).start();
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
