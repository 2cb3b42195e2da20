package io.prodigy.core;

import java.nio.file.Path;

/**
 * Where Prodigy keeps its state: the same rule as {@link io.prodigy.api.ProdigyHome} (which adapters that do not
 * depend on the engine, such as the git isolation, use), kept here for hosts that import it from the engine: the
 * directory a host names, else {@code PRODIGY_HOME}, else {@code ~/.prodigy}.
 */
public final class ProdigyHome {
    /** The environment variable naming the state directory. */
    public static final String ENVIRONMENT_VARIABLE = io.prodigy.api.ProdigyHome.ENVIRONMENT_VARIABLE;

    private ProdigyHome() {}

    /**
     * @param explicit the directory the host chose, or null for the default
     * @return {@code explicit}, else {@code $PRODIGY_HOME}, else {@code ~/.prodigy}; absolute and normalized
     */
    public static Path resolve(Path explicit) {
        return io.prodigy.api.ProdigyHome.resolve(explicit);
    }

    /** @return the default state directory: {@code $PRODIGY_HOME}, else {@code ~/.prodigy} */
    public static Path resolve() {
        return io.prodigy.api.ProdigyHome.resolve();
    }
}
