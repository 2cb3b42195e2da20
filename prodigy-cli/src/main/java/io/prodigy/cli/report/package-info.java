/**
 * The run report: {@link io.prodigy.cli.report.RunReport} turns a run's state directory into one self-contained
 * HTML page with a timeline, a per-item table, the Dead Letter Queue by error pattern, and the totals.
 */
package io.prodigy.cli.report;
