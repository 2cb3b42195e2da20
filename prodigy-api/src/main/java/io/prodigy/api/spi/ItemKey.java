package io.prodigy.api.spi;

/**
 * Which item of which stage an {@link IsolationStrategy} call is about. Item ids are unique within a MapReduce stage
 * only: two stages of one workflow may both have an item {@code a}, and their workspaces (and a kept failed one) must
 * not replace each other. A value object, so that the SPI can learn more about an item without changing its
 * methods' signatures.
 *
 * @param stage the 0-based index of the stage in the workflow
 * @param itemId the item's id (may contain any characters; sanitize it before using it in a name)
 * @since 0.1
 */
public record ItemKey(int stage, String itemId) {
    /**
     * Validates.
     *
     * @param stage the 0-based index of the stage in the workflow
     * @param itemId the item's id (may contain any characters; sanitize it before using it in a name)
     */
    public ItemKey {
        if (stage < 0) {
            throw new IllegalArgumentException("stage must not be negative, was " + stage);
        }
        io.prodigy.api.WorkflowDefinitionException.requireNonNull(itemId, "itemId");
    }
}
