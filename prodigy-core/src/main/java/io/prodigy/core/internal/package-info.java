/**
 * Implementation of the engine. Not part of the public API: types here may change in any release.
 */
package io.prodigy.core.internal;
