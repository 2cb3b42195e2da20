package io.prodigy.core.internal.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How the runner finds a child's process tree. Chosen once per JVM: {@link #PROCESS_GROUP} on Linux with
 * {@code /proc} and {@code setsid}, else {@link #DESCENDANTS}; the system property {@value #MODE_PROPERTY} or the
 * environment variable {@value #MODE_VARIABLE} ({@code auto}, {@code process-group} or {@code descendants})
 * forces one, e.g. to test the macOS path on Linux. See docs/process-modes.md.
 */
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

    /** The system property that forces a mode. */
    static final String MODE_PROPERTY = "prodigy.process.mode";
    /** The environment variable that forces a mode (child JVMs inherit it). */
    static final String MODE_VARIABLE = "PRODIGY_PROCESS_MODE";

    /** The mode in use: the configured one, else the best available here. */
    static final TreeMode DEFAULT =
            choose(System.getProperty(MODE_PROPERTY, System.getenv(MODE_VARIABLE)), SETSID.isPresent());

    /**
     * @param configured {@code auto}, {@code process-group}, {@code descendants}, or null for auto
     * @param setsidAvailable whether {@link #PROCESS_GROUP} can work here
     * @return the mode; an unknown value or {@code process-group} without setsid falls back to auto, with a warning
     */
    static TreeMode choose(String configured, boolean setsidAvailable) {
        TreeMode best = setsidAvailable ? PROCESS_GROUP : DESCENDANTS;
        String value = configured == null ? "auto" : configured.strip().toLowerCase(Locale.ROOT);
        switch (value) {
            case "", "auto":
                return best;
            case "descendants":
                return DESCENDANTS;
            case "process-group":
                if (!setsidAvailable) {
                    org.slf4j.LoggerFactory.getLogger(TreeMode.class)
                            .warn(
                                    "{}=process-group needs Linux with /proc " + "and setsid; using {}",
                                    MODE_PROPERTY,
                                    best);
                }
                return best;
            default:
                org.slf4j.LoggerFactory.getLogger(TreeMode.class)
                        .warn(
                                "unknown {} '{}' (expected auto, " + "process-group or descendants); using {}",
                                MODE_PROPERTY,
                                configured,
                                best);
                return best;
        }
    }

    private static Optional<String> findSetsid() {
        boolean linux =
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
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
