/**
 * Runs child processes for shell steps and agent CLIs: bounded output capture, live line streaming,
 * timeouts and cancellation that terminate the whole process tree (SIGTERM, grace period, SIGKILL).
 *
 * <p>Internal: no compatibility guarantee. POSIX only; on Linux every child gets its own session and
 * process group (through {@code setsid}) so that background and daemonized grandchildren are found too.
 */
package io.prodigy.core.internal.process;
