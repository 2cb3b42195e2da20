package io.prodigy.core.internal.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/** How the runner finds a child's process tree. */
enum TreeMode {
    /**
     * The child is started through {@code setsid}, so it leads a new session and process group that
     * its descendants share even after they are reparented; members are found in {@code /proc}.
     * {@code setsid} execs the command in place, so the pid and exit status are the command's own.
     */
    PROCESS_GROUP,
    /** Members are the child's live descendants ({@link ProcessHandle#descendants()}) only. */
    DESCENDANTS;

    /** The {@code setsid} executable, if this is Linux with {@code /proc} and it is installed. */
    static final Optional<String> SETSID = findSetsid();

    /** The best mode available here: {@link #PROCESS_GROUP} on Linux with setsid, else descendants. */
    static final TreeMode DEFAULT = SETSID.isPresent() ? PROCESS_GROUP : DESCENDANTS;

    private static Optional<String> findSetsid() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        if (!linux || !ProcFs.AVAILABLE) {
            return Optional.empty();
        }
        return Stream.of("/usr/bin/setsid", "/bin/setsid")
                .map(Path::of)
                .filter(path -> Files.isRegularFile(path) && Files.isExecutable(path))
                .map(Path::toString)
                .findFirst();
    }
}
