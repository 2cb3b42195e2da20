package io.prodigy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the CustomAgentRunner and HostStores examples for real. */
class OtherExamplesTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);

    private String printed() {
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void customAgentRunnerRunsFunctionsAndScriptsForAgentSteps() throws Exception {
        RunResult r = CustomAgentRunner.run(dir, out);
        System.out.println(printed());

        assertThat(r.status()).as(printed()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.items())
                .hasSize(3)
                .allSatisfy(i -> assertThat(i.succeeded()).isTrue());
        assertThat(r.items())
                .extracting(i -> i.output().strip())
                .containsExactlyInAnyOrder("list.txt: 3 words", "note.txt: 3 words", "poem.txt: 7 words");
        assertThat(Files.readString(dir.resolve("poem.txt"))).startsWith("The fog comes\n");
        assertThat(r.variables().get("summary")).isEqualTo("3 files processed by a script agent");
        assertThat(Files.readString(dir.resolve("SUMMARY.md")).strip())
                .isEqualTo("3 files processed by a script agent");
    }

    @Test
    void unknownAgentCommandsFailWithAConfigurationError() throws Exception {
        var result = CustomAgentRunner.runner()
                .run(io.prodigy.api.spi.AgentRequest.of("/nope x", dir, java.util.Map.of(), null));
        assertThat(result.success()).isFalse();
        assertThat(result.errorKind()).isEqualTo(io.prodigy.api.ErrorKind.CONFIGURATION);
        assertThat(result.errorMessage()).contains("unknown command /nope").contains("title-case");
    }

    @Test
    void hostStoresKeepTheDeadLettersAndReprocessingResolvesThem() throws Exception {
        RunResult r = HostStores.run(dir, out);
        System.out.println(printed());

        assertThat(printed())
                .contains("First run: COMPLETED_WITH_FAILURES, 2 dead letters")
                .contains("dead letter billing")
                .contains("dead letter uploads")
                .contains("pattern: 2 x ")
                .contains("Reprocessed [billing, uploads]: SUCCEEDED")
                .contains("Unresolved dead letters now: 0")
                .contains("ItemDeadLettered=2");
        assertThat(r.status()).isEqualTo(RunStatus.SUCCEEDED);
        assertThat(r.items()).allSatisfy(i -> assertThat(i.status()).isEqualTo(ItemStatus.SUCCEEDED));
        String audit = Files.readString(dir.resolve("dlq-audit.tsv"));
        assertThat(audit.lines().filter(l -> l.contains("\tfailed\t"))).hasSize(2);
        assertThat(audit.lines().filter(l -> l.contains("\tresolved\t"))).hasSize(2);
    }
}
