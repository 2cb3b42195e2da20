/**
 * The execution engine: runs stages, steps and MapReduce phases for one run. Internal.
 */
package io.prodigy.core.internal.engine;
