/**
 * Run events: a sealed family of immutable records delivered to {@link io.prodigy.api.event.RunListener}s.
 *
 * <p>Null-marked: a parameter, return value or record component accepts or yields {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 *
 * @since 0.1
 */
@NullMarked
package io.prodigy.api.event;

import org.jspecify.annotations.NullMarked;
