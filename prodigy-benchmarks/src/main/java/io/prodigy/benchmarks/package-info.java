/**
 * JMH benchmarks of Prodigy's in-process costs. Run {@code java -jar prodigy-benchmarks/target/benchmarks.jar}.
 */
package io.prodigy.benchmarks;
