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

/** Reads process status from Linux {@code /proc/<pid>/stat}. */
final class ProcFs {
    /** Whether {@code /proc} can be read here (Linux). */
    static final boolean AVAILABLE = Files.isReadable(Path.of("/proc/self/stat"));

    private static final int PPID = 1;
    private static final int PGRP = 2;
    private static final int STARTTIME = 19;
    private static final int STAT_BUFFER_SIZE = 1024; // comm is at most 16 bytes; a stat line is < 400

    private ProcFs() {
    }

    /**
     * One process's status.
     *
     * @param pid the process id
     * @param ppid the parent's id
     * @param pgrp the process group id
     * @param startTicks the start time in clock ticks after boot
     * @param zombie whether it has exited and waits to be reaped (cannot be signalled)
     */
    record Stat(long pid, long ppid, long pgrp, long startTicks, boolean zombie) {
    }

    /** @return the process's status, empty if it does not exist (or {@code /proc} is unavailable) */
    static Optional<Stat> stat(long pid) {
        return Optional.ofNullable(read(pid, new byte[STAT_BUFFER_SIZE]));
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

    private static Stat read(long pid, byte[] buffer) {
        int length = 0;
        try (InputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
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
        return new Stat(pid, fields[PPID], fields[PGRP], fields[STARTTIME], state == 'Z' || state == 'X' || state == 'x');
    }

    private static long parseLong(byte[] bytes, int start, int end) {
        boolean negative = bytes[start] == '-';
        long value = 0;
        for (int i = negative ? start + 1 : start; i < end; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new IllegalArgumentException("Not a number in /proc stat: " + new String(bytes, start, end - start, US_ASCII));
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }
}
