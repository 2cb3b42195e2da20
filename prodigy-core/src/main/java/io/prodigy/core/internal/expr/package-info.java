/**
 * The expression language behind MapReduce {@code filter}, {@code sort_by} and step {@code when} conditions, and the
 * item data pipeline (filter, sort, distinct, offset, max_items).
 *
 * <p><b>Internal:</b> these types are public only so that other packages of {@code prodigy-core} can use them. They
 * are not part of Prodigy's API and may change in any release without notice.
 *
 * <p>Entry points: {@link io.prodigy.core.internal.expr.Expression}, {@link io.prodigy.core.internal.expr.SortSpec}
 * and {@link io.prodigy.core.internal.expr.ItemPipeline}. Text is tokenized, parsed by recursive descent into a sealed
 * AST of records, then compiled once into an immutable tree of closures over Jackson {@code JsonNode}s. Nothing in
 * the language can call code: the only functions are a fixed whitelist, and there is no reflection.
 */
package io.prodigy.core.internal.expr;
