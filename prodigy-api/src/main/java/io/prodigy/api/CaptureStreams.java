package io.prodigy.api;

/**
 * Which facets of a step's result are stored next to a captured variable {@code NAME}: {@code NAME} itself
 * (stdout), {@code NAME.stderr}, {@code NAME.exit_code}, {@code NAME.success} and {@code NAME.duration}
 * (seconds).
 *
 * @param stdout store standard output as {@code NAME}
 * @param stderr store standard error as {@code NAME.stderr}
 * @param exitCode store the exit code as {@code NAME.exit_code}
 * @param success store whether the step succeeded as {@code NAME.success}
 * @param duration store the duration in seconds as {@code NAME.duration}
 * @since 0.1
 */
public record CaptureStreams(boolean stdout, boolean stderr, boolean exitCode, boolean success, boolean duration) {
    /** The default: every facet is stored. */
    public static final CaptureStreams ALL = new CaptureStreams(true, true, true, true, true);

    /** Only standard output. */
    public static final CaptureStreams STDOUT = new CaptureStreams(true, false, false, false, false);

    /**
     * The upstream string form: {@code stdout}, {@code stderr} or {@code both}.
     *
     * @param name the string form
     * @return the matching selection; the exit code, success and duration are always included
     * @throws WorkflowDefinitionException for any other name
     */
    public static CaptureStreams named(String name) {
        return switch (Checks.notNull(name, "name").trim().toLowerCase(java.util.Locale.ROOT)) {
            case "stdout" -> new CaptureStreams(true, false, true, true, true);
            case "stderr" -> new CaptureStreams(false, true, true, true, true);
            case "both" -> ALL;
            default ->
                throw new WorkflowDefinitionException(
                        "capture_streams must be stdout, stderr or both, was '" + name + "'");
        };
    }
}
