/**
 * File-system operations the engine and its adapters share: {@link io.prodigy.core.files.FileTrees} deletes a
 * directory tree tolerantly.
 */
package io.prodigy.core.files;
