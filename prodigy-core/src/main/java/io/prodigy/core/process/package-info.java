/**
 * Running child processes, as supported API for adapters (agent runners such as {@code prodigy-claude}) and
 * hosts: {@link io.prodigy.core.process.ProcessCommand} says what to run, {@link io.prodigy.core.process.Processes}
 * runs it and returns a {@link io.prodigy.core.process.ProcessOutcome}, and a
 * {@link io.prodigy.core.process.Cancellation} stops it. This is the same runner every shell step and agent CLI of
 * the engine goes through: empty stdin, bounded output capture, live output lines, and timeouts and cancellations
 * that terminate the whole process tree (SIGTERM, a grace period, SIGKILL). POSIX only.
 */
package io.prodigy.core.process;
