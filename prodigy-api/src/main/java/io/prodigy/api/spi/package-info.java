/**
 * Service provider interfaces: the seams where a host plugs in its own agents ({@link io.prodigy.api.spi.AgentRunner}),
 * workspaces ({@link io.prodigy.api.spi.IsolationStrategy}) and storage ({@link io.prodigy.api.spi.CheckpointStore},
 * {@link io.prodigy.api.spi.DlqStore}). Implementations are registered explicitly on the engine's builder.
 * Methods that are not essential have defaults, so these interfaces can grow without breaking implementations.
 *
 * <p>Null-marked: a parameter, return value or record component accepts or yields {@code null} only where it is
 * annotated {@link org.jspecify.annotations.Nullable @Nullable}.
 *
 * @since 0.1
 */
@NullMarked
package io.prodigy.api.spi;

import org.jspecify.annotations.NullMarked;
