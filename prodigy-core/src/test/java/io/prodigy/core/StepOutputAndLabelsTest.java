package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.api.event.RunEvent;
import io.prodigy.core.store.EventLogReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The steps' output in the run's step logs and events, item labels, and filled-in commands. */
class StepOutputAndLabelsTest {
    @TempDir
    Path dir;

    @Test
    void eachItemsOutputIsKeptMaskedAndBoundedAndTheEventsCarryItsEnd() throws Exception {
        Engines.Recorder events = new Engines.Recorder();
        Prodigy p = Engines.on(dir).listener(events).build();
        Workflow wf = Workflow.mapReduce("out")
                .secret("TOKEN", "s3cr3t-value")
                .setup(Step.shell("echo setting up"))
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of(Map.of("name", "alpha"), "docs/b.md")))
                        .maxParallel(1)
                        .agentTemplate(
                                Step.shell(
                                        "echo token=$TOKEN for ${item}; echo oops >&2; "
                                                + "if [ ${item_index} = 1 ]; then head -c 200000 /dev/zero | tr '\\0' x; exit 4; fi"),
                                Step.shell("true")))
                .reduce(Step.shell("echo reduced ${map.successful} of ${map.total}"))
                .build();
        RunResult r = p.run(wf);
        assertThat(r.items()).extracting(i -> i.status()).containsExactly(ItemStatus.SUCCEEDED, ItemStatus.FAILED);
        RunLogs logs = RunLogs.of(p.home(), r.runId());
        String first = logs.read("item_0").orElseThrow();
        assertThat(first)
                .startsWith("── map step 1: shell: echo token=*** for {\"name\":\"alpha\"};")
                .contains("token=*** for")
                .contains("stderr: oops")
                .doesNotContain("s3cr3t-value")
                .doesNotContain("step 2"); // a quiet step that succeeded writes nothing
        String second = logs.read("item_1").orElseThrow();
        assertThat(second).contains("FAILED (exit 4)").contains("characters before ...]");
        assertThat(Files.size(logs.file("item_1").orElseThrow())).isLessThan(70_000);
        assertThat(logs.tail("reduce", 1)).containsExactly("reduced 1 of 2");
        assertThat(logs.read("setup")).hasValueSatisfying(t -> assertThat(t).contains("setting up"));
        assertThat(logs.files())
                .extracting(f -> f.getFileName().toString())
                .containsExactly("item_0.log", "item_1.log", "reduce.log", "setup.log");

        List<RunEvent.StepFinished> finished = events.of(RunEvent.StepFinished.class);
        assertThat(finished)
                .allMatch(f -> f.output().length() <= RunEvent.StepFinished.MAX_OUTPUT_CHARS)
                .noneMatch(f -> f.output().contains("s3cr3t-value"))
                .anyMatch(f -> "reduce".equals(f.phase()) && f.output().equals("reduced 1 of 2"));
        assertThat(events.of(RunEvent.ItemStarted.class))
                .extracting(RunEvent.ItemStarted::label)
                .containsExactly("alpha", "docs/b.md");
        assertThat(events.of(RunEvent.StepStarted.class))
                .extracting(RunEvent.StepStarted::command)
                .contains("shell: echo reduced 1 of 2")
                .anyMatch(c -> c.startsWith("shell: echo token=*** for docs/b.md;"));
        // the event log keeps the labels, the filled-in commands and the output
        List<RunEvent> read = EventLogReader.open(p.home()).read(r.runId());
        assertThat(read.stream().filter(e -> e instanceof RunEvent.ItemStarted).map(e -> (RunEvent.ItemStarted) e))
                .extracting(RunEvent.ItemStarted::label)
                .containsExactly("alpha", "docs/b.md");
        assertThat(read.stream().filter(e -> e instanceof RunEvent.StepStarted).map(e -> (RunEvent.StepStarted) e))
                .extracting(RunEvent.StepStarted::command)
                .contains("shell: echo reduced 1 of 2", "shell: true");
        assertThat(read.stream().filter(e -> e instanceof RunEvent.StepFinished).map(e -> (RunEvent.StepFinished) e))
                .extracting(RunEvent.StepFinished::output)
                .contains("reduced 1 of 2", "");
    }

    @Test
    void labelsComeFromTheIdOrTheValueAndAreShortened() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(ItemLabels.of("fix-42", json.readTree("{\"name\": \"x\"}"))).isEqualTo("fix-42");
        assertThat(ItemLabels.of("item_3", json.readTree("\"src/Main.java\""))).isEqualTo("src/Main.java");
        assertThat(ItemLabels.of("item_3", json.readTree("{\"score\": 1, \"file\": \"a.txt\"}")))
                .isEqualTo("a.txt");
        assertThat(ItemLabels.of("item_3", json.readTree("{\"score\": 1}"))).isEqualTo("{\"score\":1}");
        assertThat(ItemLabels.of("item_3", json.readTree("7"))).isEqualTo("7");
        assertThat(ItemLabels.of("item_3", "not json")).isEqualTo("item_3");
        assertThat(ItemLabels.of("item_3", "  ")).isEqualTo("item_3");
        String deep = "src/main/java/io/prodigy/very/deep/package/name/SomethingLong.java";
        String shortened = ItemLabels.of("item_0", "\"" + deep + "\"");
        assertThat(shortened)
                .hasSizeLessThanOrEqualTo(ItemLabels.MAX_LENGTH)
                .startsWith("src/…/")
                .endsWith("/SomethingLong.java");
        String prose = "a long line of text that is not a path at all, it just goes on and on and on";
        assertThat(ItemLabels.shorten(prose))
                .hasSize(ItemLabels.MAX_LENGTH)
                .contains("…")
                .startsWith("a long")
                .endsWith("on and on");
        assertThatThrownBy(() -> ItemLabels.of(null, "1"))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("itemId");
    }
}
