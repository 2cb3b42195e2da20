/**
 * The map phase of Prodigy workflows on many machines, on Temporal: {@link io.prodigy.temporal.TemporalMapExecutor}
 * (the coordinator's side, a {@link io.prodigy.api.spi.MapExecutor}), {@link io.prodigy.temporal.TemporalWorkerHost}
 * (a worker running items' agents) and {@link io.prodigy.temporal.TemporalDevServer} (an in-memory server on the
 * loopback address, for trying it on one machine). Item results travel through a shared git remote as
 * {@code refs/prodigy/<run>/<item>@<attempt>}; Temporal carries small records only.
 */
package io.prodigy.temporal;
