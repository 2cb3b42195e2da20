package io.prodigy.git.crash;

import java.util.ArrayList;
import java.util.List;

/**
 * Busy threads that load every core of the machine while loaded crash trials run, so that the engine's steps take
 * longer and interleave differently: {@code 2 x availableProcessors} threads spin until {@link #close()}.
 */
final class CpuLoad implements AutoCloseable {
    private final List<Thread> burners = new ArrayList<>();
    private volatile boolean running = true;
    private volatile long sink;

    private CpuLoad(int threads) {
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::burn, "crash-cpu-load-" + i);
            t.setDaemon(true);
            burners.add(t);
            t.start();
        }
    }

    /** @return load sized to the machine: two busy threads per core */
    static CpuLoad start() {
        return new CpuLoad(2 * Runtime.getRuntime().availableProcessors());
    }

    /** @return how many busy threads run */
    int threads() {
        return burners.size();
    }

    private void burn() {
        long x = 1;
        while (running) {
            for (int i = 0; i < 100_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            sink = x;
        }
    }

    @Override
    public void close() {
        running = false;
        boolean interrupted = false;
        for (Thread t : burners) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
