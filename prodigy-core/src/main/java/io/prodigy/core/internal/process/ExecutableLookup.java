package io.prodigy.core.internal.process;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Finds the file {@code execvp} would run for a command name, but on the child's {@code PATH} rather
 * than the JVM's (which is what {@link ProcessBuilder} would search).
 */
final class ExecutableLookup {
    /** What {@code execvp} searches when {@code PATH} is unset (glibc's {@code _CS_PATH}). */
    static final String DEFAULT_PATH = "/bin:/usr/bin";

    private ExecutableLookup() {}

    /**
     * @param command {@code argv[0]}: a name to search on {@code path}, or a path if it holds a slash
     * @param workingDirectory the child's absolute working directory (relative paths and empty or
     *     relative {@code PATH} entries are resolved against it)
     * @param path the child's {@code PATH}, or null if unset
     * @return the absolute path of the executable
     * @throws ProcessStartException if there is no such executable file
     */
    static Path resolve(String command, Path workingDirectory, String path) {
        if (command.indexOf('/') >= 0) {
            Path file = toPath(workingDirectory, command);
            file = file == null ? null : file.normalize();
            if (file == null || !Files.exists(file)) {
                throw new ProcessStartException(
                        "Cannot run '" + command + "': " + describe(file, command)
                                + " does not exist (relative paths are resolved against the working directory "
                                + workingDirectory + ")",
                        null);
            }
            if (!isExecutableFile(file)) {
                throw new ProcessStartException(
                        "Cannot run '" + command + "': " + file
                                + " is not an executable file; check its permissions (chmod +x)",
                        null);
            }
            return file;
        }
        String searched = path == null ? DEFAULT_PATH : path;
        Path found = null;
        for (String entry : searched.split(File.pathSeparator, -1)) {
            Path directory = toPath(workingDirectory, entry);
            Path candidate = directory == null ? null : toPath(directory, command);
            if (candidate != null && isExecutableFile(candidate)) {
                found = candidate;
                break;
            }
        }
        if (found == null) {
            throw new ProcessStartException(
                    "Cannot run '" + command + "': no executable named '" + command
                            + "' on the PATH " + (path == null ? "(unset, so " + DEFAULT_PATH + ")" : "'" + path + "'")
                            + "; install it, add its directory to the PATH given to the process, or use an absolute path",
                    null);
        }
        return found;
    }

    private static Path toPath(Path base, String name) {
        try {
            return base.resolve(name);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * The same checks as {@link Files#isRegularFile} and {@link Files#isExecutable} ({@code stat} and
     * {@code access(X_OK)}, following links), through {@link File}, which answers false for a missing file
     * without building an exception: a search usually misses in most {@code PATH} entries.
     */
    private static boolean isExecutableFile(Path file) {
        File asFile = file.toFile();
        return asFile.isFile() && asFile.canExecute();
    }

    private static String describe(Path file, String command) {
        return file == null ? "'" + command + "'" : file.toString();
    }
}
