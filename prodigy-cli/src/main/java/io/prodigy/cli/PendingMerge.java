package io.prodigy.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.prodigy.git.MergePlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A run whose final merge was declined (or could not be asked on a terminal): its work waits on its branch for
 * {@code prodigy merge RUN_ID}. Kept in {@code $PRODIGY_HOME/cli/<run-id>.merge.json} until merged or cleaned.
 *
 * @param runId the run
 * @param repository the repository's top level
 * @param sourceBranch the run's branch
 * @param targetBranch the branch it was to be merged into
 * @param commits how many commits wait
 * @param worktree the run's worktree
 */
record PendingMerge(
        @JsonProperty("run_id") String runId,
        @JsonProperty("repository") String repository,
        @JsonProperty("source_branch") String sourceBranch,
        @JsonProperty("target_branch") String targetBranch,
        @JsonProperty("commits") int commits,
        @JsonProperty("worktree") String worktree) {
    /** @param plan the declined plan @return it, to be kept */
    static PendingMerge of(MergePlan plan) {
        return new PendingMerge(
                plan.runId(),
                plan.repository().toString(),
                plan.sourceBranch(),
                plan.targetBranch(),
                plan.commits().size(),
                plan.worktree() == null ? null : plan.worktree().toString());
    }

    /** @param home the state directory @param runId a run @return where its pending merge is kept */
    static Path file(Path home, String runId) {
        return home.resolve("cli").resolve(runId + ".merge.json");
    }

    /** @param home the state directory */
    void write(Path home) {
        Path f = file(home, runId);
        try {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.write(tmp, Json.RECORDS.writeValueAsBytes(this));
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    /** @param home the state directory @param runId a run @return its pending merge, if any */
    static Optional<PendingMerge> read(Path home, String runId) {
        Path f = file(home, runId);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.RECORDS.readValue(f.toFile(), PendingMerge.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** @param home the state directory @param runId a run */
    static void delete(Path home, String runId) {
        try {
            Files.deleteIfExists(file(home, runId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
