package io.prodigy.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.prodigy.temporal.TemporalMapExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code --executor local|temporal} and the Temporal settings of {@code run} and {@code resume}. */
final class ExecutorOptions {

    @Option(
            names = "--executor",
            paramLabel = "local|temporal",
            description = "Where map items run: local (this process, the default) or temporal (workers started "
                    + "with prodigy worker, on any machine). Config: executor.")
    String executor;

    @Option(
            names = "--target",
            paramLabel = "HOST:PORT",
            description = "The Temporal frontend (with --executor temporal). Config: temporal.target.")
    String target;

    @Option(names = "--namespace", paramLabel = "N", description = "The Temporal namespace (default: default).")
    String namespace;

    @Option(names = "--task-queue", paramLabel = "Q", description = "The task queue workers poll (default: prodigy).")
    String taskQueue;

    @Option(
            names = "--remote",
            paramLabel = "URL",
            description = "The git remote the workers share (default: this repository, for workers on this "
                    + "machine). Config: temporal.remote.")
    String remote;

    @Mixin
    TemporalConnectionOptions connection = new TemporalConnectionOptions();

    /**
     * @param config the configuration
     * @param source the workflow's source for workers ({@link #source}), or null
     * @return the Temporal executor, or null to run items here
     * @throws CliException for a missing target or an unknown executor
     */
    TemporalMapExecutor create(CliConfig config, String source) {
        return create(config, source, System.getenv());
    }

    /**
     * @param config the configuration
     * @param source the workflow's source for workers, or null
     * @param env the environment (the API key variable)
     * @return the Temporal executor, or null to run items here
     * @throws CliException for a missing target, an unknown executor or bad TLS settings
     */
    TemporalMapExecutor create(CliConfig config, String source, Map<String, String> env) {
        CliConfig.Executor c = config.executor();
        String kind = executor != null ? executor : c.kind();
        if ("local".equals(kind)) {
            return null;
        }
        if (!"temporal".equals(kind)) {
            throw CliException.usage("--executor must be local or temporal, not '" + kind + "'");
        }
        String t = target != null ? target : c.target();
        if (t == null || t.isBlank()) {
            throw CliException.usage("--executor temporal needs --target HOST:PORT (or temporal.target in "
                    + "config.yml); try one on this machine with: prodigy temporal dev-server");
        }
        TemporalMapExecutor.Builder b = TemporalMapExecutor.builder()
                .connection(connection.connection(t, namespace != null ? namespace : c.namespace(), c.security(), env))
                .taskQueue(taskQueue != null ? taskQueue : c.taskQueue())
                .workflowSource(source)
                .heartbeatTimeout(c.heartbeatTimeout());
        String r = remote != null ? remote : c.remote();
        if (r != null) {
            b.remote(r);
        }
        return b.build();
    }

    /**
     * @param file the workflow file
     * @param params {@code --param} values
     * @param paramFile {@code --param-file}, or null
     * @return what a worker needs to load the same workflow: the file's text, name and parameters (JSON)
     */
    static String source(Path file, Map<String, String> params, Path paramFile) {
        Map<String, Object> s = new LinkedHashMap<>();
        try {
            s.put("name", file.getFileName().toString());
            s.put("yaml", Files.readString(file));
            s.put("params", params == null ? Map.of() : params);
            if (paramFile != null) {
                s.put("param_file_name", paramFile.getFileName().toString());
                s.put("param_file", Files.readString(paramFile));
            }
            return Json.compact(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw CliException.usage("cannot read " + file + ": " + e.getMessage());
        }
    }
}
