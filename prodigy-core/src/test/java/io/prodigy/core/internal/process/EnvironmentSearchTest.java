package io.prodigy.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EnvironmentSearchTest {
    @Test
    void parsesPsLinesByWholeEnvironmentWords() {
        String out = """
                  101 sleep 30 HOME=/root PRODIGY_RUN_ID=run-1 PATH=/bin
                  102 sleep 30 PRODIGY_RUN_ID=run-10
                  103 sh -c x PRODIGY_RUN_ID=run-1
                  104 ps -A PRODIGY_RUN_ID=run-1
                  105 java PRODIGY_RUN_ID=run-1
                junk
                """;
        assertThat(EnvironmentSearch.parse(out, "PRODIGY_RUN_ID=run-1", Set.of(105L), 104))
                .containsExactly(101L, 103L);
    }

    @Test
    void findsARealProcessByItsEnvironment() throws Exception {
        String marker = "run-env-" + UUID.randomUUID();
        ProcessBuilder pb = new ProcessBuilder("sleep", "293");
        pb.environment().put("PRODIGY_RUN_ID", marker);
        Process p = pb.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            List<Long> found = EnvironmentSearch.find("PRODIGY_RUN_ID", marker, Set.of());
            while (!found.contains(p.pid()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                found = EnvironmentSearch.find("PRODIGY_RUN_ID", marker, Set.of());
            }
            assertThat(found).containsExactly(p.pid());
            assertThat(EnvironmentSearch.find("PRODIGY_RUN_ID", marker + "x", Set.of()))
                    .isEmpty();
        } finally {
            p.destroyForcibly().waitFor();
        }
    }
}
