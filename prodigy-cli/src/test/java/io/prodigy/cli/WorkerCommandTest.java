package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@code prodigy worker} refuses bad bounds before it connects anywhere. */
class WorkerCommandTest {
    record Out(int exit, String out, String err) {}

    private static synchronized Out exec(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            Globals.verbosity(0);
            Globals.path(null);
            int code = Main.execute(args);
            return new Out(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void aCacheBoundBelowOneIsAUsageError() {
        Out o = exec("worker", "--target", "127.0.0.1:1", "--max-cached-runs", "0");

        assertThat(o.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(o.err()).contains("--max-cached-runs must be at least 1, not 0");
    }

    @Test
    void anAgentBoundBelowOneIsAUsageError() {
        Out o = exec("worker", "--target", "127.0.0.1:1", "--max-agents", "0");

        assertThat(o.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(o.err()).contains("--max-agents must be at least 1, not 0");
    }
}
