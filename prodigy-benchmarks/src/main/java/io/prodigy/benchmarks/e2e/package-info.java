/**
 * The end-to-end harness ({@code prodigy-benchmarks/run.sh}): Prodigy against the plain scripts it replaces.
 */
package io.prodigy.benchmarks.e2e;
