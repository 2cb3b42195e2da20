/**
 * Work items for the MapReduce map phase: reading them from a JSON file ({@code map.input} with
 * {@code map.json_path}), from a command's output or from host values, and naming them with unique,
 * file- and branch-safe ids. Internal: not part of the public API.
 */
package io.prodigy.core.internal.input;
