/**
 * Micrometer metrics for Prodigy: {@link io.prodigy.micrometer.ProdigyMetrics} is a run listener and an agent
 * runner decorator that records counters, timers and gauges with low-cardinality tags.
 */
package io.prodigy.micrometer;
