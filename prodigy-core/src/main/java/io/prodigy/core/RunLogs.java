package io.prodigy.core;

import io.prodigy.core.internal.input.ItemIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The step logs of one run: what each step printed (the end of its stdout and stderr, secrets masked), kept by the
 * engine under {@code <home>/runs/<run-id>/logs/} in one file per map item ({@code <item-id>.log}, the id made safe
 * for a file name) and one per phase outside the map ({@code setup.log}, {@code reduce.log}, {@code steps.log}). Each
 * step that printed something or failed starts with a line {@code ── <phase> step N: <command> · ok|FAILED (exit
 * C) · <ms>}. Read-only and immutable; reads fail with {@link UncheckedIOException}.
 */
public final class RunLogs {
    private final Path directory;

    private RunLogs(Path directory) {
        this.directory = directory;
    }

    /**
     * @param home the state directory ({@link Prodigy#home()})
     * @param runId the run
     * @return the run's logs (which may not exist yet)
     * @throws NullPointerException when an argument is null
     */
    public static RunLogs of(Path home, String runId) {
        Objects.requireNonNull(home, "home");
        Objects.requireNonNull(runId, "runId");
        return new RunLogs(directory(home.resolve("runs").resolve(runId)));
    }

    /**
     * @param stateDirectory a run's state directory ({@code <home>/runs/<run-id>})
     * @return the directory of its step logs
     */
    public static Path directory(Path stateDirectory) {
        return stateDirectory.resolve("logs");
    }

    /**
     * @param itemOrPhase an item id, or a phase name ({@code setup}, {@code reduce}, {@code steps})
     * @return the name of its log file
     */
    public static String fileName(String itemOrPhase) {
        return ItemIds.sanitize(Objects.requireNonNull(itemOrPhase, "itemOrPhase")) + ".log";
    }

    /** @return the directory of the logs */
    public Path directory() {
        return directory;
    }

    /**
     * @param itemOrPhase an item id or a phase name
     * @return its log file, when it has one
     */
    public Optional<Path> file(String itemOrPhase) {
        Path f = directory.resolve(fileName(itemOrPhase));
        return Files.isRegularFile(f) ? Optional.of(f) : Optional.empty();
    }

    /** @return every log file, sorted by name (none when the run has no logs) */
    public List<Path> files() {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(directory)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".log"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param itemOrPhase an item id or a phase name
     * @return the whole log, or empty when there is none
     */
    public Optional<String> read(String itemOrPhase) {
        return file(itemOrPhase).map(f -> {
            try {
                return Files.readString(f, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
            }
        });
    }

    /**
     * @param itemOrPhase an item id or a phase name
     * @param lines how many lines at most
     * @return the log's last lines (none when there is no log)
     */
    public List<String> tail(String itemOrPhase, int lines) {
        List<String> all = read(itemOrPhase).map(t -> List.of(t.split("\n"))).orElse(List.of());
        return new ArrayList<>(all.subList(Math.max(0, all.size() - Math.max(0, lines)), all.size()));
    }
}
