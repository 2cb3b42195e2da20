package io.prodigy.core.process;

import io.prodigy.api.ProdigyException;

/**
 * A process could not be started at all: its executable is missing or not executable, its working directory does
 * not exist, its stdout file cannot be created, or the operating system refused to start it. The message names the
 * executable or path at fault.
 */
public final class ProcessLaunchException extends ProdigyException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what could not be started and how to fix it
     * @param cause the lower-level failure, may be null
     */
    public ProcessLaunchException(String message, Throwable cause) {
        super(message, cause);
    }
}
