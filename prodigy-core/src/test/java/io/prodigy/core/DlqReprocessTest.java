package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.ReprocessOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.spi.DlqEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DlqReprocessTest {
    @TempDir
    Path dir;

    private final Workflow wf = Workflow.mapReduce("reprocess")
            .map(MapPhase.builder()
                    .input(WorkInput.values(List.of(Map.of("n", 0), Map.of("n", 1), Map.of("n", 2), Map.of("n", 3))))
                    .maxParallel(2)
                    .agentTemplate(
                            Step.shell("[ ${item.n} -ne 2 ] || [ -f fixed ] || { echo still broken >&2; exit 3; };"
                                    + " echo ${item.n} >> done.log")))
            .reduce(Step.shell("echo reduced >> reduce.log"))
            .build();

    @Test
    void aFixedUpItemIsReprocessedAndResolved() throws Exception {
        Prodigy p = Engines.on(dir).build();
        RunResult first = p.run(wf);
        assertThat(first.status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        assertThat(p.dlq().list(first.runId())).extracting(DlqEntry::itemId).containsExactly("item_2");

        Prodigy.ReprocessResult dry =
                p.reprocessDeadLetters(first.runId(), wf, new ReprocessOptions(Set.of(), null, true));
        assertThat(dry.itemIds()).containsExactly("item_2");
        assertThat(dry.result()).isNull();

        Files.createFile(dir.resolve("fixed"));
        Prodigy.ReprocessResult done = p.reprocessDeadLetters(first.runId(), wf, ReprocessOptions.ALL);
        assertThat(done.result().status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(done.result().items()).allMatch(i -> i.status() == ItemStatus.SUCCEEDED);
        assertThat(Files.readAllLines(dir.resolve("done.log"))).containsExactlyInAnyOrder("0", "1", "3", "2");
        assertThat(p.dlq().find(first.runId(), "item_2"))
                .get()
                .extracting(DlqEntry::resolved)
                .isEqualTo(true);
        assertThat(p.reprocessDeadLetters(first.runId(), wf, ReprocessOptions.ALL)
                        .itemIds())
                .isEmpty();
    }

    @Test
    void aStillFailingItemRecordsAnotherAttemptAndFiltersApply() {
        Prodigy p = Engines.on(dir).build();
        RunResult first = p.run(wf);
        Prodigy.ReprocessResult other =
                p.reprocessDeadLetters(first.runId(), wf, new ReprocessOptions(Set.of(ErrorKind.TIMEOUT), null, true));
        assertThat(other.itemIds()).isEmpty();
        Prodigy.ReprocessResult again = p.reprocessDeadLetters(
                first.runId(), wf, new ReprocessOptions(Set.of(ErrorKind.COMMAND_FAILED), 1, false));
        assertThat(again.itemIds()).containsExactly("item_2");
        assertThat(again.result().status()).isEqualTo(RunStatus.COMPLETED_WITH_FAILURES);
        DlqEntry entry = p.dlq().find(first.runId(), "item_2").orElseThrow();
        assertThat(entry.attempts()).hasSize(2);
        assertThat(entry.resolved()).isFalse();
        assertThat(entry.lastAttempt().message()).contains("still broken");
    }
}
