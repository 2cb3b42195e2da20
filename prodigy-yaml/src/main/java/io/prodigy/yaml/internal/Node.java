package io.prodigy.yaml.internal;

/**
 * A value read from a workflow file, with where it was written: a mapping, a list or a scalar. Immutable.
 */
sealed interface Node permits MapNode, ListNode, ScalarNode {

    /** @return where the value starts */
    Location location();

    /** @return the value described for messages: {@code a mapping}, {@code a list}, {@code the string "x"} */
    String describe();
}
