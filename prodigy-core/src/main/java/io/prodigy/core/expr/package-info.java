/**
 * The engine's expression languages, as supported API for adapters (the YAML loader, the command line's dry run)
 * and hosts that check or preview a workflow: {@link io.prodigy.core.expr.ExpressionSyntax} checks {@code filter} /
 * {@code when} expressions, {@code sort_by} specifications and {@code json_path}s without running anything;
 * {@link io.prodigy.core.expr.ItemFilter} evaluates one expression; {@link io.prodigy.core.expr.ItemSelection} is the
 * map phase's item pipeline (filter, sort, distinct, offset, max items); {@link io.prodigy.core.expr.MapItemsPreview}
 * reads and selects a map phase's items where that needs no command; {@link io.prodigy.core.expr.Interpolation}
 * fills {@code ${...}} placeholders as steps do. Each is the same code the engine runs, so what passes here passes
 * in a run.
 */
package io.prodigy.core.expr;
