/**
 * Run events: a sealed family of immutable records delivered to {@link io.prodigy.api.event.RunListener}s.
 */
package io.prodigy.api.event;
