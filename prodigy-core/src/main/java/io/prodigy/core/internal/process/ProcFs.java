package io.prodigy.core.internal.process;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Reads process status from Linux {@code /proc/<pid>/stat}. */
final class ProcFs {
    /** Whether {@code /proc} can be read here (Linux). */
    static final boolean AVAILABLE = Files.isReadable(Path.of("/proc/self/stat"));

    private static final int PPID = 1;
    private static final int PGRP = 2;
    private static final int STARTTIME = 19;
    static final int STAT_BUFFER_SIZE = 1024; // comm is at most 16 bytes; a stat line is < 400

    private ProcFs() {}

    /**
     * One process's status.
     *
     * @param pid the process id
     * @param ppid the parent's id
     * @param pgrp the process group id
     * @param startTicks the start time in clock ticks after boot
     * @param zombie whether it has exited and waits to be reaped (cannot be signalled)
     */
    record Stat(long pid, long ppid, long pgrp, long startTicks, boolean zombie) {}

    /** @return the process's status, empty if it does not exist (or {@code /proc} is unavailable) */
    static Optional<Stat> stat(long pid) {
        return Optional.ofNullable(read(pid, new byte[STAT_BUFFER_SIZE]));
    }

    private static final Object SCAN_LOCK = new Object();
    private static long scansStarted; // guarded by SCAN_LOCK
    private static boolean scanning; // guarded by SCAN_LOCK
    private static long lastScanId; // guarded by SCAN_LOCK
    private static List<Stat> lastScan = List.of(); // guarded by SCAN_LOCK

    /**
     * The status of every process, from a scan that started after this call: concurrent callers share one scan
     * (group commit), so many processes ending at once cost far fewer walks of {@code /proc} than one each.
     * A caller that arrives while a scan is running waits for it and then for the next one, which covers every
     * caller that waited. Not interruptible: an interrupt is remembered and the thread's status set again.
     *
     * @return the status of every process that existed when the scan started and still existed when it read it
     */
    static List<Stat> fresh() {
        long needed;
        boolean interrupted = false;
        synchronized (SCAN_LOCK) {
            needed = scansStarted + 1; // the next scan to start is the first that starts after this call
            while (true) {
                if (lastScanId >= needed) {
                    restoreInterrupt(interrupted);
                    return lastScan;
                }
                if (!scanning) {
                    scanning = true;
                    scansStarted++;
                    break;
                }
                try {
                    SCAN_LOCK.wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        List<Stat> stats = null;
        try {
            stats = List.copyOf(all());
            return stats;
        } finally {
            synchronized (SCAN_LOCK) {
                scanning = false;
                if (stats != null) { // a failed scan serves nobody: the next caller scans again
                    lastScanId = scansStarted;
                    lastScan = stats;
                }
                SCAN_LOCK.notifyAll();
            }
            restoreInterrupt(interrupted);
        }
    }

    private static void restoreInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * System-wide process counters, to bound which pids can have been allocated since a moment.
     *
     * @param forks processes and threads created since boot (the {@code processes} line of {@code /proc/stat})
     * @param tasks processes and threads existing now (from {@code /proc/loadavg})
     * @param lastPid the pid most recently allocated in this pid namespace (from {@code /proc/loadavg})
     */
    record Counters(long forks, long tasks, long lastPid) {}

    /** @return the counters now, or empty if they cannot be read (not Linux, unexpected format) */
    static Optional<Counters> counters() {
        if (!AVAILABLE) {
            return Optional.empty();
        }
        byte[] buffer = COUNTER_BUFFER.get();
        try {
            // loadavg: "0.10 0.20 0.30 running/tasks lastpid"
            int length = readInto("/proc/loadavg", buffer);
            int slash = indexOf(buffer, length, (byte) '/', 0);
            int space = slash < 0 ? -1 : indexOf(buffer, length, (byte) ' ', slash);
            if (space < 0) {
                return Optional.empty();
            }
            long tasks = parseLong(buffer, slash + 1, space);
            int lastEnd = space + 1;
            while (lastEnd < length && buffer[lastEnd] >= '0' && buffer[lastEnd] <= '9') {
                lastEnd++;
            }
            long lastPid = parseLong(buffer, space + 1, lastEnd);
            length = readInto("/proc/stat", buffer);
            int at = find(buffer, length, PROCESSES);
            if (at < 0) {
                return Optional.empty(); // or beyond the buffer (a machine with very many CPUs): scan instead
            }
            int numberStart = at + PROCESSES.length;
            int numberEnd = numberStart;
            while (numberEnd < length && buffer[numberEnd] >= '0' && buffer[numberEnd] <= '9') {
                numberEnd++;
            }
            if (numberEnd == length) {
                return Optional.empty(); // cut off by the buffer's end
            }
            return Optional.of(new Counters(parseLong(buffer, numberStart, numberEnd), tasks, lastPid));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** How old a shared reading may be before {@link #countersBefore()} reads the counters again. */
    static final long SHARED_COUNTERS_MAX_AGE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private static volatile TimedCounters shared; // the last reading countersBefore() made, or null

    private record TimedCounters(Counters counters, long readAtNanos) {}

    /**
     * Counters read at some moment before this call, for a "before the start" bound: a reading up to
     * {@link #SHARED_COUNTERS_MAX_AGE_NANOS} old is shared by every start in that window instead of reading
     * {@code /proc/stat} and {@code /proc/loadavg} per start. An earlier reading only makes the bound of
     * {@link ProcessTree#groupMembersSinceStart()} more conservative: its fork count grows by the processes
     * created in between (which can only send the caller to the full scan sooner), and the tasks that existed at
     * the start are at most the tasks then plus those forks, which the doubled fork count covers.
     *
     * @return counters read before this call, or empty if they cannot be read
     */
    static Optional<Counters> countersBefore() {
        return countersBefore(SHARED_COUNTERS_MAX_AGE_NANOS);
    }

    /**
     * @param maxAgeNanos how old the shared reading may be; a negative value always reads again
     * @return counters read before this call, or empty if they cannot be read
     * @see #countersBefore()
     */
    static Optional<Counters> countersBefore(long maxAgeNanos) {
        TimedCounters last = shared;
        long now = System.nanoTime();
        if (last != null && now - last.readAtNanos() <= maxAgeNanos) {
            return Optional.of(last.counters());
        }
        Optional<Counters> read = counters();
        read.ifPresent(counters -> shared = new TimedCounters(counters, now));
        return read;
    }

    private static final byte[] PROCESSES = "\nprocesses ".getBytes(US_ASCII);
    private static final ThreadLocal<byte[]> COUNTER_BUFFER = ThreadLocal.withInitial(() -> new byte[32 * 1024]);

    /** @return the pid namespace's {@code pid_max}, or -1 if unknown */
    static long pidMax() {
        byte[] buffer = COUNTER_BUFFER.get();
        try {
            int length = readInto("/proc/sys/kernel/pid_max", buffer);
            int end = 0;
            while (end < length && buffer[end] >= '0' && buffer[end] <= '9') {
                end++;
            }
            return end == 0 ? -1 : parseLong(buffer, 0, end);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int readInto(String file, byte[] buffer) throws IOException {
        int length = 0;
        try (InputStream in = new FileInputStream(file)) {
            int count;
            while (length < buffer.length && (count = in.read(buffer, length, buffer.length - length)) != -1) {
                length += count;
            }
        }
        return length;
    }

    private static int indexOf(byte[] bytes, int length, byte b, int from) {
        for (int i = from; i < length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int find(byte[] bytes, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** @return the status of every process that exists now (ones exiting during the scan may be missed) */
    static List<Stat> all() {
        String[] names = new File("/proc").list();
        if (names == null) {
            return List.of();
        }
        byte[] buffer = new byte[STAT_BUFFER_SIZE];
        List<Stat> stats = new ArrayList<>(names.length);
        for (String name : names) {
            long pid = parsePid(name);
            if (pid > 0) {
                Stat stat = read(pid, buffer);
                if (stat != null) {
                    stats.add(stat);
                }
            }
        }
        return stats;
    }

    private static long parsePid(String name) {
        long pid = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9' || i > 18) {
                return -1;
            }
            pid = pid * 10 + (c - '0');
        }
        return pid;
    }

    /** @return the process's status, or null if it does not exist; {@code buffer} is scratch space */
    static Stat read(long pid, byte[] buffer) {
        return read(pid, buffer, false);
    }

    /**
     * Like {@link #read(long, byte[])}, for pids that are likely gone: one {@code stat} call answers for a
     * missing pid, where opening its file would cost a thrown and caught exception.
     *
     * @return the process's status, or null if it does not exist; {@code buffer} is scratch space
     */
    static Stat readIfPresent(long pid, byte[] buffer) {
        return read(pid, buffer, true);
    }

    private static Stat read(long pid, byte[] buffer, boolean checkFirst) {
        String directory = "/proc/" + pid;
        if (checkFirst && !new File(directory).exists()) {
            return null;
        }
        int length = 0;
        try (InputStream in = new FileInputStream(directory + "/stat")) {
            int count;
            while (length < buffer.length && (count = in.read(buffer, length, buffer.length - length)) != -1) {
                length += count;
            }
        } catch (IOException e) {
            return null; // gone, or not readable
        }
        try {
            return parse(pid, buffer, length);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Parses {@code pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
     * utime stime cutime cstime priority nice threads itrealvalue starttime ...}; comm may hold spaces
     * and parentheses, so fields are counted from the last {@code ')'}.
     *
     * @return the status, or null if the text is too short to be a stat line
     * @throws IllegalArgumentException if a numeric field is not a number
     */
    static Stat parse(long pid, byte[] bytes, int length) {
        int close = length - 1;
        while (close >= 0 && bytes[close] != ')') {
            close--;
        }
        if (close < 0) {
            return null;
        }
        // field 0 is the state (field 3 of the line), field k is field k + 3: ppid 1, pgrp 2, starttime 19
        long[] fields = new long[STARTTIME + 1];
        int position = close + 1;
        char state = 0;
        for (int field = 0; field <= STARTTIME; field++) {
            while (position < length && bytes[position] == ' ') {
                position++;
            }
            int start = position;
            while (position < length && bytes[position] != ' ' && bytes[position] != '\n') {
                position++;
            }
            if (start == position) {
                return null;
            }
            if (field == 0) {
                state = (char) bytes[start];
            } else {
                fields[field] = parseLong(bytes, start, position);
            }
        }
        return new Stat(
                pid, fields[PPID], fields[PGRP], fields[STARTTIME], state == 'Z' || state == 'X' || state == 'x');
    }

    private static long parseLong(byte[] bytes, int start, int end) {
        boolean negative = bytes[start] == '-';
        long value = 0;
        for (int i = negative ? start + 1 : start; i < end; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new IllegalArgumentException(
                        "Not a number in /proc stat: " + new String(bytes, start, end - start, US_ASCII));
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }
}
