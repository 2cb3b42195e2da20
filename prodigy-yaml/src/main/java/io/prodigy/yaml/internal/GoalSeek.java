package io.prodigy.yaml.internal;

/**
 * Prodigy 0.1.8's {@code goal_seek} validators print {@code score: N}; the engine's validation reads a JSON
 * {@code completion_percentage}. This wraps such a validator so that its output is passed on to standard error
 * unchanged and its last {@code score: N} becomes {@code {"completion_percentage": N}} on standard output (0 when it
 * printed no score). The wrapper uses no {@code ${...}} and only shell variables no workflow defines, so the
 * engine's interpolation leaves it alone; the validator's own text is interpolated as usual.
 */
final class GoalSeek {
    static final String MARKER = "# prodigy: goal_seek score";

    private GoalSeek() {}

    /** @param validator the goal-seek validate command @return a command that reports its score as JSON */
    static String scoreCommand(String validator) {
        String body = validator.endsWith("\n") ? validator : validator + "\n";
        return "{ " + MARKER + "\n" + body + "} 2>&1 | awk '{ print > \"/dev/stderr\" } "
                + "/score:[ \\t]*[0-9]/ { s = $0; sub(/.*score:[ \\t]*/, \"\", s); sub(/[^0-9.].*/, \"\", s); "
                + "score = s } END { if (score == \"\") score = 0; "
                + "printf \"{\\\"completion_percentage\\\": %s}\\n\", score }'";
    }
}
