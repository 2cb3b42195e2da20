package io.prodigy.spring.boot.sample;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RunOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.core.Prodigy;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/**
 * The smallest Spring Boot application using the starter: it injects the auto-configured {@link Prodigy} and the
 * {@link RunOptions} of {@code prodigy.*} and runs a workflow. docs/spring-boot.md shows it.
 */
@SpringBootApplication
public class SampleApplication {
    /**
     * @param args command-line arguments
     */
    public static void main(String[] args) {
        SpringApplication.run(SampleApplication.class, args);
    }

    /** Runs one agent per module of the project, each in its own git worktree, merged back. */
    @Service
    public static class ReviewService {
        private final Prodigy prodigy;
        private final RunOptions options;

        /**
         * @param prodigy the auto-configured engine
         * @param options max parallel and budget from {@code prodigy.*}
         */
        public ReviewService(Prodigy prodigy, RunOptions options) {
            this.prodigy = prodigy;
            this.options = options;
        }

        /**
         * @param modules the modules to review
         * @return the run's result
         */
        public RunResult review(List<String> modules) {
            Workflow workflow = Workflow.mapReduce("review")
                    .map(MapPhase.builder()
                            .input(WorkInput.values(modules))
                            .agentTemplate(Step.agent("review and commit ${item}")))
                    .reduce(Step.shell("echo ${map.successful} of ${map.total} reviewed"))
                    .build();
            return prodigy.run(workflow, options);
        }
    }
}
