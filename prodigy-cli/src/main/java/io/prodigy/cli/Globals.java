package io.prodigy.cli;

import java.nio.file.Path;

/** The options every command accepts ({@code -v}, {@code -p}), wherever they stand on the command line. */
final class Globals {
    private static volatile int verbosity;
    private static volatile Path path;

    private Globals() {}

    static int verbosity() {
        return verbosity;
    }

    static void verbosity(int v) {
        verbosity = v;
    }

    static Path path() {
        return path;
    }

    static void path(Path p) {
        path = p;
    }
}
