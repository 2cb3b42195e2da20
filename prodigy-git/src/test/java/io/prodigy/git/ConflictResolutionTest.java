package io.prodigy.git;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.api.StepRecord;
import io.prodigy.api.spi.ConflictResolver;
import io.prodigy.api.spi.IntegrationResult;
import io.prodigy.api.spi.MergeSteps;
import io.prodigy.api.spi.RunContext;
import io.prodigy.api.spi.Workspace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resolving an item's merge conflict with an agent, with the conflict left in place in the run's worktree. The agent
 * runs through the engine's {@link ConflictResolver} (stubbed here; {@code ConflictAgentThroughEngineTest} runs it
 * through the real engine).
 */
class ConflictResolutionTest {
    @TempDir
    Path tmp;

    GitFixture fx;
    Path repo;
    final List<Call> calls = new ArrayList<>();

    /** What the strategy asked the engine to run. */
    record Call(Step step, String itemId, Map<String, String> variables, Map<String, String> environment) {}

    /** Stands in for the agent: gets the run's worktree, returns null on success or why it failed. */
    interface Agent {
        String resolve(Path runWorktree);
    }

    /** The engine's port, stubbed: records the call and runs the agent in the run's worktree. */
    private ConflictResolver resolver(Agent agent) {
        return new ConflictResolver() {
            @Override
            public boolean canRunAgents() {
                return true;
            }

            @Override
            public StepRecord run(
                    Step step, String itemId, Map<String, String> variables, Map<String, String> environment) {
                calls.add(new Call(step, itemId, variables, environment));
                String failure = agent.resolve(Path.of(variables.get("merge.worktree")));
                return new StepRecord(
                        PHASE,
                        PHASE,
                        0,
                        step.label(),
                        false,
                        failure == null,
                        null,
                        Duration.ZERO,
                        failure == null ? null : new ItemError(ErrorKind.UNKNOWN, failure, null, step.label()));
            }
        };
    }

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        repo = fx.repo("project", Map.of("a.txt", "one\ntwo\nthree\n"));
    }

    private RunContext context(ConflictResolver resolver) {
        return context(repo, resolver);
    }

    private RunContext context(Path project, ConflictResolver resolver) {
        return new RunContext(
                "r1", "wf", project, fx.prodigyHome.resolve("runs/r1"), MergeSteps.NONE, null, null, resolver);
    }

    /** Opens a run, merges item x, and returns the run with item y (which conflicts with x) ready to integrate. */
    private Workspace[] conflictingPair(WorktreeIsolation iso, RunContext ctx) {
        Workspace run = iso.openRun(ctx);
        Workspace x = iso.acquire(run, "x");
        Workspace y = iso.acquire(run, "y");
        fx.commit(x.directory(), "a.txt", "one\nx\nthree\n", "x");
        fx.commit(y.directory(), "a.txt", "one\ny\nthree\n", "y");
        fx.commit(y.directory(), "y.txt", "y only\n", "y adds a file");
        assertThat(iso.integrate(run, x)).isInstanceOf(IntegrationResult.Integrated.class);
        return new Workspace[] {run, y};
    }

    @Test
    void anAgentThatResolvesTheFilesGetsTheMergeCommitted() {
        ConflictResolver agent = resolver(worktree -> {
            GitFixture.write(worktree, "a.txt", "one\nx and y\nthree\n");
            return null;
        });
        WorktreeIsolation iso = fx.isolation()
                .conflictResolution(ConflictResolution.agent(
                        "/resolve ${merge.source_branch} into ${merge.target_branch}: ${merge.conflicts}",
                        Duration.ofMinutes(5)))
                .build();
        Workspace[] pair = conflictingPair(iso, context(agent));
        Workspace run = pair[0];

        IntegrationResult r = iso.integrate(run, pair[1]);
        assertThat(r).isInstanceOf(IntegrationResult.Integrated.class);
        assertThat(((IntegrationResult.Integrated) r).commits()).hasSize(2);
        Call call = calls.get(0);
        assertThat(call.step().action())
                .isEqualTo(new StepAction.Agent(
                        "/resolve ${merge.source_branch} into ${merge.target_branch}: ${merge.conflicts}"));
        assertThat(call.step().label()).isEqualTo("resolve merge conflict");
        assertThat(call.step().timeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(call.itemId()).isEqualTo("y");
        assertThat(call.variables())
                .containsEntry("merge.source_branch", "prodigy/r1/y")
                .containsEntry("merge.target_branch", "prodigy-r1")
                .containsEntry("merge.conflicts", "a.txt")
                .containsEntry("merge.worktree", run.directory().toString());
        assertThat(call.environment())
                .containsEntry("PRODIGY_MERGE_ITEM_ID", "y")
                .containsEntry("PRODIGY_MERGE_CONFLICTS", "a.txt")
                .containsEntry("PRODIGY_AUTOMATION", "true");
        assertThat(GitFixture.read(run.directory(), "a.txt")).isEqualTo("one\nx and y\nthree\n");
        assertThat(GitFixture.read(run.directory(), "y.txt")).isEqualTo("y only\n");
        assertThat(fx.git(run.directory(), "log", "-1", "--format=%s")).isEqualTo("Merge item y");
        assertThat(fx.git(run.directory(), "status", "--porcelain")).isEmpty();
        assertThat(iso.isIntegrated(run, "y")).isTrue();
    }

    @Test
    void anAgentThatLeavesConflictMarkersDoesNotResolveAndTheWorktreeIsReset() {
        ConflictResolver agent = resolver(worktree -> {
            fx.git(worktree, "add", "a.txt");
            return null;
        });
        WorktreeIsolation iso = fx.isolation()
                .conflictResolution(ConflictResolution.agent("/resolve", null))
                .build();
        Workspace[] pair = conflictingPair(iso, context(agent));
        Workspace run = pair[0];
        String head = fx.git(run.directory(), "rev-parse", "HEAD");

        IntegrationResult r = iso.integrate(run, pair[1]);
        assertThat(r).isInstanceOf(IntegrationResult.Conflict.class);
        assertThat(((IntegrationResult.Conflict) r).message()).contains("conflict markers are left in a.txt");
        assertThat(fx.git(run.directory(), "rev-parse", "HEAD")).isEqualTo(head);
        assertThat(fx.git(run.directory(), "status", "--porcelain")).isEmpty();
        assertThat(fx.tryGit(run.directory(), "rev-parse", "-q", "--verify", "MERGE_HEAD")
                        .exit())
                .isNotZero();
    }

    @Test
    void aFailingAgentOrAnAgentThatCommitsSomethingElseLeavesTheRunWhereItWas() {
        ConflictResolver failing = resolver(worktree -> "gave up");
        WorktreeIsolation iso = fx.isolation()
                .conflictResolution(ConflictResolution.agent("/resolve", null))
                .build();
        Workspace[] pair = conflictingPair(iso, context(failing));
        String head = fx.git(pair[0].directory(), "rev-parse", "HEAD");
        IntegrationResult r = iso.integrate(pair[0], pair[1]);
        assertThat(((IntegrationResult.Conflict) r).message()).contains("gave up");
        assertThat(fx.git(pair[0].directory(), "rev-parse", "HEAD")).isEqualTo(head);

        ConflictResolver sneaky = resolver(worktree -> {
            fx.git(worktree, "merge", "--abort");
            fx.commit(worktree, "other.txt", "unrelated\n", "unrelated commit");
            return null;
        });
        Path repo2 = fx.repo("project2", Map.of("a.txt", "one\ntwo\nthree\n"));
        WorktreeIsolation iso2 = fx.isolation()
                .conflictResolution(ConflictResolution.agent("/resolve", null))
                .build();
        Workspace[] pair2 = conflictingPair(iso2, context(repo2, sneaky));
        String head2 = fx.git(pair2[0].directory(), "rev-parse", "HEAD");
        IntegrationResult r2 = iso2.integrate(pair2[0], pair2[1]);
        assertThat(((IntegrationResult.Conflict) r2).message()).contains("without merging the item");
        assertThat(fx.git(pair2[0].directory(), "rev-parse", "HEAD")).isEqualTo(head2);
        assertThat(fx.git(pair2[0].directory(), "branch", "--show-current")).isEqualTo("prodigy-r1");
    }

    @Test
    void withoutAnAgentRunnerTheConflictGoesToTheDlq() {
        WorktreeIsolation iso = fx.isolation()
                .conflictResolution(ConflictResolution.agent("/resolve", null))
                .build();
        Workspace[] pair = conflictingPair(iso, context(ConflictResolver.NONE));
        IntegrationResult r = iso.integrate(pair[0], pair[1]);
        assertThat(((IntegrationResult.Conflict) r).message()).contains("no agent runner");
        assertThat(((IntegrationResult.Conflict) r).paths()).containsExactly("a.txt");
    }
}
