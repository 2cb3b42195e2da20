package io.prodigy.api;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The one rule that decides where Prodigy keeps its state (run records, journals, the DLQ, event logs and git
 * worktrees): the directory a host names explicitly ({@code Prodigy.builder().home(dir)}, the git strategy's
 * {@code prodigyHome(dir)}), else the environment variable {@code PRODIGY_HOME}, else {@code ~/.prodigy}. The
 * engine, its default stores, the git worktree isolation and the command line all resolve it here.
 *
 * @since 0.1
 */
public final class ProdigyHome {
    /** The environment variable naming the state directory. */
    public static final String ENVIRONMENT_VARIABLE = "PRODIGY_HOME";

    private ProdigyHome() {}

    /**
     * @param explicit the directory the host chose, or null for the default
     * @return {@code explicit}, else {@code $PRODIGY_HOME}, else {@code ~/.prodigy}; absolute and normalized
     */
    public static Path resolve(@Nullable Path explicit) {
        if (explicit != null) {
            return explicit.toAbsolutePath().normalize();
        }
        String env = System.getenv(ENVIRONMENT_VARIABLE);
        Path home = env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".prodigy");
        return home.toAbsolutePath().normalize();
    }

    /** @return the default state directory: {@code $PRODIGY_HOME}, else {@code ~/.prodigy} */
    public static Path resolve() {
        return resolve(null);
    }
}
