package io.prodigy.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the command line needs to rebuild a run's workflow for {@code resume} and {@code dlq retry}: the workflow
 * file and the parameters it was loaded with, or the spec of an {@code exec}/{@code batch} workflow. Kept in
 * {@code $PRODIGY_HOME/cli/<run-id>.json}, beside (not inside) the engine's state.
 *
 * @param version the format version (1)
 * @param runId the run
 * @param kind {@code file}, {@code exec} or {@code batch}
 * @param workflowFile the workflow file (absolute), for {@code file}
 * @param params the {@code --param} values
 * @param paramFile the {@code --param-file}, or null
 * @param command the {@code exec}/{@code batch} command
 * @param retry the {@code exec}/{@code batch} retry attempts
 * @param timeoutSeconds the {@code exec}/{@code batch} timeout, or null
 * @param parallel the {@code batch} parallelism
 * @param files the {@code batch} files, as matched when it started
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RunInfo(
        @JsonProperty("version") int version,
        @JsonProperty("run_id") String runId,
        @JsonProperty("kind") String kind,
        @JsonProperty("workflow_file") String workflowFile,
        @JsonProperty("params") Map<String, String> params,
        @JsonProperty("param_file") String paramFile,
        @JsonProperty("command") String command,
        @JsonProperty("retry") Integer retry,
        @JsonProperty("timeout_seconds") Long timeoutSeconds,
        @JsonProperty("parallel") Integer parallel,
        @JsonProperty("files") List<String> files) {

    static RunInfo forFile(String runId, Path file, Map<String, String> params, Path paramFile) {
        return new RunInfo(
                1,
                runId,
                "file",
                file.toAbsolutePath().normalize().toString(),
                params,
                paramFile == null
                        ? null
                        : paramFile.toAbsolutePath().normalize().toString(),
                null,
                null,
                null,
                null,
                null);
    }

    static Path file(Path home, String runId) {
        return home.resolve("cli").resolve(runId + ".json");
    }

    void write(Path home) {
        Path target = file(home, runId);
        try {
            Files.createDirectories(target.getParent());
            Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
            Json.RECORDS.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), this);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    static Optional<RunInfo> read(Path home, String runId) {
        Path f = file(home, runId);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.RECORDS.readValue(f.toFile(), RunInfo.class));
        } catch (IOException e) {
            throw new CliException(ExitCodes.FAILED, "cannot read " + f + ": " + e.getMessage());
        }
    }
}
