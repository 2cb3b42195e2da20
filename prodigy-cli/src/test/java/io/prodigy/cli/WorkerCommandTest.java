package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code prodigy worker} refuses bad bounds before it connects anywhere. */
class WorkerCommandTest {
    @Test
    void aCacheBoundBelowOneIsAUsageError() {
        InProcessCli.Out o = InProcessCli.exec("worker", "--target", "127.0.0.1:1", "--max-cached-runs", "0");

        assertThat(o.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(o.err()).contains("--max-cached-runs must be at least 1, not 0");
    }

    @Test
    void anAgentBoundBelowOneIsAUsageError() {
        InProcessCli.Out o = InProcessCli.exec("worker", "--target", "127.0.0.1:1", "--max-agents", "0");

        assertThat(o.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(o.err()).contains("--max-agents must be at least 1, not 0");
    }
}
