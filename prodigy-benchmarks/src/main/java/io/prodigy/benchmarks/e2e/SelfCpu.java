package io.prodigy.benchmarks.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM and of the children it has waited for, from {@code /proc/self/stat} (Linux; clock ticks of
 * 1/100 s, the kernel's {@code USER_HZ}). Children count once they are reaped, which the JDK does as each exits.
 *
 * @param jvmSeconds user + system time of every thread of this JVM (the JIT compiler and GC included)
 * @param childrenSeconds user + system time of the reaped children
 */
record SelfCpu(double jvmSeconds, double childrenSeconds) {
    private static final double TICKS_PER_SECOND = 100.0;

    /** @return the times now, or NaN when {@code /proc} cannot be read (not Linux) */
    static SelfCpu now() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // fields after the command's closing parenthesis: state is 0, utime 11, stime 12, cutime 13, cstime 14
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new SelfCpu(
                    (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND,
                    (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return new SelfCpu(Double.NaN, Double.NaN);
        }
    }

    /** @return the time spent from {@code before} to this reading */
    SelfCpu minus(SelfCpu before) {
        return new SelfCpu(jvmSeconds - before.jvmSeconds, childrenSeconds - before.childrenSeconds);
    }
}
