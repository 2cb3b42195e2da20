package io.prodigy.git.crash;

import io.prodigy.api.ResumeOptions;
import io.prodigy.api.RunResult;
import io.prodigy.api.event.RunEvent;
import io.prodigy.core.Prodigy;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The child JVM of the crash and signal tests: runs (or resumes) the trial's workflow and prints one line per
 * event ({@code EV <type> <detail>}) and {@code END <status>} at the end.
 * Arguments: the trial directory, {@code run} or {@code resume}, and optionally {@code signals}.
 */
public final class CrashChild {
    /** The child's output, shared with {@link ChildCrashPoints} so that their lines never interleave. */
    static final PrintStream OUT =
            new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);

    private CrashChild() {}

    /**
     * @param args the trial directory, {@code run|resume}, optionally {@code signals}
     * @throws Exception on any failure (the test sees the exit code)
     */
    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[0]);
        boolean resume = args[1].equals("resume");
        boolean signals = args.length > 2 && args[2].equals("signals");
        Files.writeString(
                base.resolve("child.pid"),
                String.valueOf(ProcessHandle.current().pid()));
        PrintStream out = OUT;
        out.println("PID " + ProcessHandle.current().pid());
        CrashScenario s = CrashScenario.open(base);
        try (Prodigy prodigy =
                s.engine(e -> out.println("EV " + e.getClass().getSimpleName() + " " + detail(e)), signals)) {
            RunResult r = resume
                    ? prodigy.resume(CrashScenario.RUN_ID, s.workflow(), ResumeOptions.DEFAULT)
                    : prodigy.run(s.workflow(), CrashScenario.options());
            out.println("END " + r.status()
                    + (r.failure() == null ? "" : " " + r.failure().replace('\n', ' ')));
        }
    }

    private static String detail(RunEvent e) {
        if (e instanceof RunEvent.PhaseStarted p) {
            return p.phase();
        }
        if (e instanceof RunEvent.PhaseFinished p) {
            return p.phase();
        }
        if (e instanceof RunEvent.ItemStarted i) {
            return i.itemId();
        }
        if (e instanceof RunEvent.ItemIntegrated i) {
            return i.itemId();
        }
        if (e instanceof RunEvent.StepStarted st) {
            return st.phase() + " " + st.index();
        }
        return "";
    }
}
