package io.prodigy.claude.internal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of Claude Code configuration directories ({@code CLAUDE_CONFIG_DIR}), one per concurrently running
 * session, so that no two sessions read-modify-write the same {@code .claude.json} (concurrent sessions sharing
 * {@code ~/.claude.json} truncate it). Directories are {@code <base>/worker-<n>}; the pool holds as many as sessions
 * ever ran at once, and reuses them. A new directory is seeded once from the user's configuration: copies of
 * {@code .claude.json}, {@code .credentials.json} and {@code settings.json}, and links to {@code CLAUDE.md},
 * {@code commands}, {@code agents}, {@code skills} and {@code plugins}. Thread-safe; the base directory must belong
 * to one pool (one runner in one JVM).
 */
public final class ConfigDirectories {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigDirectories.class);
    private static final String[] COPIED = {".credentials.json", "settings.json"};
    private static final String[] LINKED = {"CLAUDE.md", "commands", "agents", "skills", "plugins"};
    private static final String SEEDED_MARKER = ".prodigy-seeded";

    private final Path base;
    private final Path seedDirectory;
    private final Path seedState;
    private final ConcurrentLinkedDeque<Integer> free = new ConcurrentLinkedDeque<>();
    private final AtomicInteger created = new AtomicInteger();

    /**
     * @param base where the worker directories are made
     * @param seedDirectory the configuration directory to seed from (e.g. {@code ~/.claude}), or null for none
     * @param seedState the {@code .claude.json} to seed from (e.g. {@code ~/.claude.json}), or null for none
     */
    public ConfigDirectories(Path base, Path seedDirectory, Path seedState) {
        this.base = Objects.requireNonNull(base, "base").toAbsolutePath().normalize();
        this.seedDirectory = seedDirectory;
        this.seedState = seedState;
    }

    /**
     * The user's configuration: {@code $CLAUDE_CONFIG_DIR} (with its {@code .claude.json}) when the JVM has it set,
     * else {@code ~/.claude} and {@code ~/.claude.json}.
     *
     * @param base where the worker directories are made
     * @return the pool
     */
    public static ConfigDirectories seededFromUser(Path base) {
        String configured = System.getenv("CLAUDE_CONFIG_DIR");
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured);
            return new ConfigDirectories(base, dir, dir.resolve(".claude.json"));
        }
        Path home = Path.of(System.getProperty("user.home"));
        return new ConfigDirectories(base, home.resolve(".claude"), home.resolve(".claude.json"));
    }

    /** @return where the worker directories are made */
    public Path base() {
        return base;
    }

    /**
     * Takes a directory no running session uses, making and seeding it first if needed.
     *
     * @return the lease; close it when the session has ended
     * @throws IOException if the directory cannot be made or seeded
     */
    public Lease acquire() throws IOException {
        Integer slot = free.pollFirst();
        if (slot == null) {
            slot = created.getAndIncrement();
        }
        Path dir = base.resolve("worker-" + slot);
        try {
            prepare(dir);
        } catch (IOException | RuntimeException e) {
            free.addFirst(slot);
            throw e;
        }
        return new Lease(slot, dir);
    }

    private void prepare(Path dir) throws IOException {
        if (Files.exists(dir.resolve(SEEDED_MARKER))) {
            return;
        }
        Files.createDirectories(dir);
        if (seedState != null && Files.isRegularFile(seedState)) {
            Files.copy(seedState, dir.resolve(".claude.json"), StandardCopyOption.REPLACE_EXISTING);
        }
        if (seedDirectory != null && Files.isDirectory(seedDirectory)) {
            for (String name : COPIED) {
                Path source = seedDirectory.resolve(name);
                if (Files.isRegularFile(source)) {
                    Files.copy(source, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (String name : LINKED) {
                Path source = seedDirectory.resolve(name);
                Path target = dir.resolve(name);
                if (Files.exists(source) && !Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try {
                        Files.createSymbolicLink(target, source.toAbsolutePath());
                    } catch (FileAlreadyExistsException e) {
                        LOG.debug("{} already exists", target);
                    }
                }
            }
        }
        Files.writeString(
                dir.resolve(SEEDED_MARKER),
                "seeded by Prodigy from " + (seedDirectory == null ? "nothing" : seedDirectory) + "\n");
        LOG.debug("Prepared Claude Code configuration directory {}", dir);
    }

    /** One directory, used by one session at a time. */
    public final class Lease implements AutoCloseable {
        private final int slot;
        private final Path directory;
        private boolean released;

        private Lease(int slot, Path directory) {
            this.slot = slot;
            this.directory = directory;
        }

        /** @return the directory to pass as {@code CLAUDE_CONFIG_DIR} */
        public Path directory() {
            return directory;
        }

        /** Gives the directory back to the pool. Idempotent. */
        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                free.addFirst(slot);
            }
        }
    }
}
