/**
 * Workflow variables and {@code ${...}} interpolation: {@link io.prodigy.core.internal.interpolate.Variables}
 * (the scoped store), {@link io.prodigy.core.internal.interpolate.Interpolator} (the template engine, which
 * quotes values for the place they stand in a shell command so that values never become code) and
 * {@link io.prodigy.core.internal.interpolate.ShellQuoting}.
 *
 * <p>Internal to Prodigy: no compatibility guarantee.
 */
package io.prodigy.core.internal.interpolate;
