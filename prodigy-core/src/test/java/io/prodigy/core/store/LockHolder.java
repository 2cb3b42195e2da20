package io.prodigy.core.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child process that takes a run's lock, prints {@code locked <pid>} (or {@code refused <message>}), and holds
 * the lock until it reads {@code release} on stdin (then prints {@code released}) or is killed.
 */
public final class LockHolder {
    private LockHolder() {}

    /** @param args the run directory and the run id */
    public static void main(String[] args) throws IOException {
        RunLock lock;
        try {
            lock = RunLock.acquire(Path.of(args[0]), args[1]);
        } catch (RunLockedException e) {
            System.out.println("refused " + e.getMessage());
            return;
        }
        System.out.println("locked " + ProcessHandle.current().pid());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("release")) {
                lock.close();
                System.out.println("released");
                System.out.flush();
                return;
            }
        }
    }
}
