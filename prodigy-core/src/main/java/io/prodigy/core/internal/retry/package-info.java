/**
 * The pure logic of retries and circuit breaking: backoff delays, which failures are worth another attempt,
 * per-step retry bookkeeping, a circuit breaker and the failure limits of a MapReduce phase.
 *
 * <p>Nothing here sleeps, starts threads or reads the wall clock: callers supply randomness and time, and do
 * the waiting themselves. Internal API, without compatibility guarantees.
 */
package io.prodigy.core.internal.retry;
