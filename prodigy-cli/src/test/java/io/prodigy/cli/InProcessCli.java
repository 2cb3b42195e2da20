package io.prodigy.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in this JVM with its output captured, for the tests of its commands. */
final class InProcessCli {
    private InProcessCli() {}

    /**
     * What a command did.
     *
     * @param exit its exit code
     * @param out what it printed on standard output
     * @param err what it printed on standard error
     */
    record Out(int exit, String out, String err) {}

    /**
     * Runs {@code prodigy ARGS} (one at a time: it swaps {@code System.out} and {@code System.err}).
     *
     * @param args the arguments
     * @return what it did
     */
    static synchronized Out exec(String... args) {
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
}
