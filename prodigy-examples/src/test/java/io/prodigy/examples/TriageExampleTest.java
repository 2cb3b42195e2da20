package io.prodigy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ItemResult;
import io.prodigy.api.RunResult;
import io.prodigy.api.RunStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TriageExampleTest {
    @TempDir
    Path dir;

    @Test
    void runsTheHostWorkflowEndToEnd() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        RunResult result = TriageExample.run(dir, new PrintStream(buf, true, StandardCharsets.UTF_8));

        assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
        // score >= 5, highest first
        assertThat(result.items())
                .extracting(ItemResult::itemId)
                .containsExactly("auth-crash", "memory-leak", "api-timeout", "slow-search", "flaky-test");
        assertThat(result.items()).allSatisfy(item -> {
            assertThat(item.succeeded()).isTrue();
            assertThat(item.duration()).isPositive();
        });
        assertThat(result.item("memory-leak").output()).contains("verdict: fix now");
        assertThat(result.item("slow-search").output()).contains("verdict: schedule");
        assertThat(result.summary().total()).isEqualTo(5);
        assertThat(result.summary().succeeded()).isEqualTo(5);
        assertThat(result.variables().get("summary")).isEqualTo("5 of 5 items triaged, 0 failed");
        assertThat(Files.readString(dir.resolve("reports/SUMMARY.txt")).strip())
                .isEqualTo("5 of 5 items triaged, 0 failed");
        assertThat(dir.resolve("reports/typo-footer.txt")).doesNotExist();
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("5 items selected, up to 4 at once").contains("Totals: 5 items, 5 succeeded");
    }
}
