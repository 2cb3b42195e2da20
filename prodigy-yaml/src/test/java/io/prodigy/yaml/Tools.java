package io.prodigy.yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory of stand-in command-line tools ({@code npm}, {@code pytest}, {@code debtmap}...) that record their
 * arguments in {@code calls.log} and succeed, prepended to {@code PATH} for the workflows run in tests.
 */
final class Tools {
    private final Path dir;

    Tools(Path dir) {
        this.dir = dir;
    }

    /** Adds a tool that records its arguments and exits 0. @return this */
    Tools recording(String... names) {
        for (String name : names) {
            script(name, "");
        }
        return this;
    }

    /**
     * Adds a tool that records its arguments, then runs {@code body} (POSIX sh, {@code $@} are the arguments).
     *
     * @return this
     */
    Tools script(String name, String body) {
        String text = "#!/bin/sh\nprintf '%s\\n' \"" + name + " $*\" >> '" + dir.resolve("calls.log") + "'\n" + body
                + "\nexit 0\n";
        try {
            Path p = dir.resolve(name);
            Files.writeString(p, text, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** @return the PATH value with the tools first */
    String path() {
        return dir + ":" + System.getenv("PATH");
    }

    /** @return the recorded calls, {@code name args}, in order */
    List<String> calls() {
        Path log = dir.resolve("calls.log");
        try {
            return Files.exists(log) ? Files.readAllLines(log) : new ArrayList<>();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
