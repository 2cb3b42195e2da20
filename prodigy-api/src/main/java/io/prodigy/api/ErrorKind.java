package io.prodigy.api;

/**
 * The class of a failure, as recorded in results, events and the Dead Letter Queue, and matched by
 * {@link RetryCondition}s.
 *
 * @since 0.1
 */
public enum ErrorKind {
    /** A command exited with a non-zero code. */
    COMMAND_FAILED(false),
    /** A step or agent ran past its time limit and was killed. */
    TIMEOUT(true),
    /** The run was cancelled while the step ran. */
    CANCELLED(false),
    /** A step with {@code commit_required} created no commit. */
    COMMIT_REQUIRED(false),
    /** A validation stayed below its threshold. */
    VALIDATION_FAILED(false),
    /** The agent backend answered 429. */
    RATE_LIMITED(true),
    /** The agent backend answered 529 or said it is overloaded. */
    OVERLOADED(true),
    /** The agent's usage quota is exhausted until a reset time. */
    QUOTA_EXHAUSTED(true),
    /** The agent backend rejected the credentials. */
    AUTHENTICATION(false),
    /** The agent account has no credit. */
    BILLING(false),
    /** The agent stopped at its turn limit. */
    MAX_TURNS(false),
    /** A network failure. */
    NETWORK(true),
    /** A server-side failure (5xx). */
    SERVER_ERROR(true),
    /** The agent process died without a result. */
    CRASH(true),
    /** An item's changes conflicted when merged. */
    MERGE_CONFLICT(false),
    /** A workspace could not be created, integrated or cleaned. */
    WORKSPACE(false),
    /** The step is wrongly configured: an undefined variable, no agent runner, a bad expression. */
    CONFIGURATION(false),
    /** Anything else. */
    UNKNOWN(false);

    private final boolean transientByNature;

    ErrorKind(boolean transientByNature) {
        this.transientByNature = transientByNature;
    }

    /** @return whether the failure is usually temporary, so that waiting and trying again may help */
    public boolean isTransient() {
        return transientByNature;
    }
}
