package io.prodigy.spring.boot;

import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.RunRecord;
import io.prodigy.core.Prodigy;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code prodigy} actuator endpoint: {@code GET /actuator/prodigy} lists the runs in the store, newest first;
 * {@code GET /actuator/prodigy/{runId}} shows one with its unresolved Dead Letter Queue entries. Expose it with
 * {@code management.endpoints.web.exposure.include=prodigy}.
 */
@Endpoint(id = "prodigy")
public class ProdigyRunsEndpoint {
    private final Prodigy prodigy;
    private final ProdigyActiveRuns active;

    /**
     * @param prodigy the engine whose store is listed
     * @param active the runs going on in this application
     */
    public ProdigyRunsEndpoint(Prodigy prodigy, ProdigyActiveRuns active) {
        this.prodigy = prodigy;
        this.active = active;
    }

    /** @return every run, newest first */
    @ReadOperation
    public Map<String, Object> runs() {
        List<Map<String, Object>> runs = prodigy.checkpoints().runs().stream()
                .sorted(Comparator.comparing(RunRecord::startedAt).reversed())
                .map(ProdigyRunsEndpoint::describe)
                .toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("home", prodigy.home().toString());
        body.put("active", List.copyOf(active.runIds()));
        body.put("runs", runs);
        return body;
    }

    /**
     * @param runId a run's id
     * @return the run and its unresolved dead letters, or null (404) when there is no such run
     */
    @ReadOperation
    public Map<String, Object> run(@Selector String runId) {
        return prodigy.checkpoints()
                .findRun(runId)
                .map(r -> {
                    Map<String, Object> body = describe(r);
                    List<String> dead = prodigy.dlq().list(runId).stream()
                            .filter(e -> !e.resolved())
                            .map(DlqEntry::itemId)
                            .toList();
                    body.put("deadLetters", dead);
                    body.put("metadata", r.metadata());
                    return body;
                })
                .orElse(null);
    }

    private static Map<String, Object> describe(RunRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runId", r.runId());
        m.put("workflow", r.workflowName());
        m.put("status", r.status().name());
        m.put("startedAt", String.valueOf(r.startedAt()));
        m.put("updatedAt", String.valueOf(r.updatedAt()));
        m.put("projectDirectory", String.valueOf(r.projectDirectory()));
        return m;
    }
}
