/**
 * The public model of Prodigy for Java: workflows, steps, phases, policies, results and exceptions.
 *
 * <p>Everything here is an immutable value built with a fluent builder. Nothing in this package depends on
 * a third-party library, so hosts can hold and pass these types freely. The engine that runs them is
 * {@code io.prodigy.core.Prodigy} in {@code prodigy-core}; the YAML adapter produces exactly these objects.
 */
package io.prodigy.api;
