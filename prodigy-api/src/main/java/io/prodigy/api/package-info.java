/**
 * The public model of Prodigy for Java: workflows, steps, phases, policies, results and exceptions.
 *
 * <p>Everything here is an immutable value built with a fluent builder. Nothing in this package depends on
 * a third-party library beyond the JSpecify nullness annotations, so hosts can hold and pass these types freely.
 * The engine that runs them is {@code io.prodigy.core.Prodigy} in {@code prodigy-core}; the YAML adapter produces
 * exactly these objects.
 *
 * <p>Null-marked: a parameter, return value or record component accepts or yields {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 *
 * @since 0.1
 */
@NullMarked
package io.prodigy.api;

import org.jspecify.annotations.NullMarked;
