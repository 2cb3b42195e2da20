package io.prodigy.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemResult;
import io.prodigy.api.MapPhase;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariant 5 end to end: item values reach shell commands as text, whichever quoting position they stand in,
 * and never run.
 */
class HostileValuesTest {
    @TempDir
    Path dir;

    static final List<String> HOSTILE = List.of(
            "$(touch pwned-subst)",
            "`touch pwned-backtick`",
            "'; touch pwned-single; '",
            "\"; touch pwned-double; \"",
            "a; touch pwned-semicolon",
            "x && touch pwned-and",
            "| touch pwned-pipe",
            "$HOME ${HOME} $((1+1))",
            "back\\slash \\\" \\'",
            "line1\nline2; touch pwned-newline",
            "* ? [a-z] ~",
            "--help -rf",
            "unicode ✓ 日本語 émoji 🎉",
            "");

    @Test
    void hostileItemValuesArriveIntactInEveryQuotingPosition() throws Exception {
        List<Object> items = new ArrayList<>();
        for (String v : HOSTILE) {
            items.add(Map.of("v", v));
        }
        Workflow wf = Workflow.mapReduce("hostile")
                .map(MapPhase.builder()
                        .input(WorkInput.values(items))
                        .maxParallel(4)
                        .agentTemplate(
                                Step.shell("printf '%s' ${item.v}")
                                        .capture("bare")
                                        .build(),
                                Step.shell("printf '%s' '${item.v}'")
                                        .capture("single")
                                        .build(),
                                Step.shell("printf '%s' \"${item.v}\"")
                                        .capture("double")
                                        .build(),
                                Step.shell("printf '%s' pre-${item.v}-post")
                                        .capture("mid")
                                        .build(),
                                Step.shell("printf '%s\\n%s\\n%s\\n%s' ${bare} '${single}' \"${double}\" ${mid}")
                                        .build()))
                .build();
        RunResult r = Engines.on(dir).build().run(wf);
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        for (int i = 0; i < HOSTILE.size(); i++) {
            String v = HOSTILE.get(i);
            ItemResult item = r.items().get(i);
            String expected = v + "\n" + v + "\n" + v + "\npre-" + v + "-post";
            assertThat(item.output()).as("item %d: %s", i, v).isEqualTo(expected);
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("pwned"));
        }
    }

    @Test
    void hostileValuesInFileNamesStayInsideTheirArgument() throws Exception {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.mapReduce("names")
                        .map(MapPhase.builder()
                                .input(WorkInput.values(List.of("a b", "c;d", "$(e)")))
                                .agentTemplate(
                                        Step.shell("touch out_${item}.txt").build()))
                        .build());
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(dir.resolve("out_a b.txt")).exists();
        assertThat(dir.resolve("out_c;d.txt")).exists();
        assertThat(dir.resolve("out_$(e).txt")).exists();
    }

    @Test
    void rawInsertionIsAnExplicitOptIn() throws Exception {
        RunResult r = Engines.on(dir)
                .build()
                .run(Workflow.sequential(
                        "raw",
                        Step.shell("echo 'touch made-by-raw'").capture("cmd").build(),
                        Step.shell("${cmd|raw}").build()));
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(dir.resolve("made-by-raw")).exists();
    }
}
