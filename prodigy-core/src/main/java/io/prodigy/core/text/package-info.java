/**
 * Text helpers for messages users read: {@link io.prodigy.core.text.Spelling} finds the valid name closest to a
 * misspelt one, for "did you mean" hints.
 */
package io.prodigy.core.text;
