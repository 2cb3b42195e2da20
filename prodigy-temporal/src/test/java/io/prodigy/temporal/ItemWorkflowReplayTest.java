package io.prodigy.temporal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.util.JsonFormat;
import io.temporal.api.history.v1.History;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays item workflow histories recorded from runs ({@code src/test/resources/histories}, written by
 * {@link ItemHistories}) against the current {@link ItemWorkflowImpl}: a change of the workflow code that would break
 * the item workflows open on a server during an upgrade (non-determinism) fails the build here.
 */
class ItemWorkflowReplayTest {
    private static final List<String> PATHS =
            List.of("succeeded", "failed", "throttled", "lost-worker", "mismatch", "cancelled");

    private static WorkflowExecutionHistory history(String name) throws IOException {
        try (InputStream in = ItemWorkflowReplayTest.class.getResourceAsStream("/histories/item-" + name + ".json")) {
            assertThat(in).as("recorded history %s", name).isNotNull();
            // the files are protobuf JSON (what WorkflowExecutionHistory.toJson and `temporal workflow show
            // --output json` write); parsed here without the json-path stack of fromJson
            History.Builder history = History.newBuilder();
            JsonFormat.parser()
                    .ignoringUnknownFields()
                    .merge(new String(in.readAllBytes(), StandardCharsets.UTF_8), history);
            return new WorkflowExecutionHistory(history.build(), "item-" + name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"succeeded", "failed", "throttled", "lost-worker", "mismatch", "cancelled"})
    void theCurrentWorkflowReplaysARecordedHistory(String name) throws Exception {
        WorkflowExecutionHistory h = history(name);
        assertThat(h.getEvents()).hasSizeGreaterThan(3);

        WorkflowReplayer.replayWorkflowExecution(h, ItemWorkflowImpl.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"succeeded", "throttled"})
    void aWorkflowThatSchedulesDifferentlyFailsTheReplay(String name) throws Exception {
        WorkflowExecutionHistory h = history(name);

        assertThatThrownBy(() -> WorkflowReplayer.replayWorkflowExecution(h, TimerFirstItemWorkflow.class))
                .as("a changed command order is caught")
                .isInstanceOf(RuntimeException.class)
                .hasStackTraceContaining("NonDeterministicException");
        assertThat(PATHS).contains(name);
    }

    /** A non-deterministic change of the item workflow: a timer before the first activity. */
    public static class TimerFirstItemWorkflow implements ItemWorkflow {
        @Override
        public ItemRecord run(ItemTask task) {
            Workflow.sleep(Duration.ofSeconds(1));
            return new ItemWorkflowImpl().run(task);
        }
    }
}
