package io.prodigy.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.claude.testing.ClaudeDouble;
import io.prodigy.spring.boot.sample.SampleApplication;
import io.prodigy.testkit.GitRepository;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The sample application, started by Spring Boot, runs a MapReduce workflow with the Claude runner configured by
 * properties (the CLI is the test double, a real process) in git worktrees of a real repository.
 */
@SpringBootTest(
        classes = SampleApplication.class,
        properties = {
            "prodigy.handle-signals=false",
            "prodigy.max-parallel=2",
            "prodigy.agent.claude.result-grace=300ms",
            "prodigy.metrics.percentiles=0.5"
        })
class ProdigySpringBootTest {
    @TempDir
    static Path dir;

    private static ClaudeDouble claude;

    @DynamicPropertySource
    static void prodigyProperties(DynamicPropertyRegistry registry) {
        registry.add("prodigy.home", () -> dir.resolve("home").toString());
        registry.add("prodigy.working-directory", () -> repository().toString());
        registry.add(
                "prodigy.agent.claude.executable", () -> claude().executable().toString());
        registry.add(
                "prodigy.agent.claude.environment[" + ClaudeDouble.LOG_VARIABLE + "]",
                () -> claude().logFile().toString());
        registry.add("prodigy.agent.claude.environment[" + ClaudeDouble.SCENARIO_VARIABLE + "]", () -> "commit");
    }

    private static synchronized ClaudeDouble claude() {
        if (claude == null) {
            try {
                claude = ClaudeDouble.install(dir.resolve("claude"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return claude;
    }

    private static GitRepository repository;

    private static synchronized Path repository() {
        if (repository == null) {
            repository = GitRepository.create(dir);
        }
        return repository.directory();
    }

    @Autowired
    SampleApplication.ReviewService reviews;

    @Autowired
    MeterRegistry registry;

    @Autowired
    ProdigyRunsEndpoint endpoint;

    @Autowired
    ProdigyHealthIndicator health;

    @Test
    void theApplicationRunsAWorkflowWithClaudeInGitWorktrees() throws Exception {
        assertThat(health.health().getStatus())
                .as("%s", health.health().getDetails())
                .isEqualTo(Status.UP);

        RunResult result = reviews.review(List.of("api", "core", "cli"));

        assertThat(result.status()).as("%s", result.failure()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(claude().calls()).hasSize(3);
        assertThat(result.summary().costUsd())
                .isCloseTo(3 * ClaudeDouble.COMMIT_COST, org.assertj.core.data.Offset.offset(1e-9));
        // each agent's commit was merged into the run and the run into main
        repository();
        String files = repository.git("ls-tree", "--name-only", "main");
        for (var item : result.items()) {
            assertThat(files).contains("fake-" + item.itemId() + ".txt");
        }
        // metrics through the application's registry, runs through the endpoint
        assertThat(registry.get("prodigy.agent.cost")
                        .tag("workflow", "review")
                        .counter()
                        .count())
                .isCloseTo(3 * ClaudeDouble.COMMIT_COST, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(registry.get("prodigy.items.integrated").counter().count()).isEqualTo(3);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> runs =
                (List<Map<String, Object>>) endpoint.runs().get("runs");
        assertThat(runs).extracting(r -> r.get("runId")).contains(result.runId());
    }
}
