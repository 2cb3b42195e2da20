/**
 * Runnable examples of the Prodigy Java API. Each class has a {@code main} method and a {@code run} method
 * that its test calls.
 */
package io.prodigy.examples;
