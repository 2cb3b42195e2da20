/**
 * The Prodigy engine's public entry points: {@link io.prodigy.core.Prodigy} runs workflows; the default
 * stores and the plain directory isolation live here too. Everything under {@code io.prodigy.core.internal}
 * is implementation detail with no compatibility promise.
 */
package io.prodigy.core;
