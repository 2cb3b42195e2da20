package io.prodigy.git.crash;

import java.io.PrintStream;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The crash-point hook of a {@link CrashChild} JVM (installed through the engine's {@code prodigy.crash-points}
 * system property): at every point it may pause for a random time (to widen timing windows), and at the chosen
 * point it prints {@code KILLPOINT <point> <detail>} and blocks that thread until the parent kills the JVM.
 *
 * <p>Configured by system properties of the child: {@value #PAUSE_SEED}, {@value #PAUSE_MAX_MS},
 * {@value #PAUSE_PERCENT}; {@value #KILL_POINT} (a point name), {@value #KILL_NTH} (which occurrence, from 1),
 * {@value #KILL_DETAIL} (a text the point's detail must contain).
 */
public final class ChildCrashPoints implements BiConsumer<String, String> {
    static final String PAUSE_SEED = "prodigy.crash.pauseSeed";
    static final String PAUSE_MAX_MS = "prodigy.crash.pauseMaxMs";
    static final String PAUSE_PERCENT = "prodigy.crash.pausePercent";
    static final String KILL_POINT = "prodigy.crash.killPoint";
    static final String KILL_NTH = "prodigy.crash.killNth";
    static final String KILL_DETAIL = "prodigy.crash.killDetail";

    private final Random random = new Random(Long.getLong(PAUSE_SEED, 0L));
    private final int pauseMaxMs = Integer.getInteger(PAUSE_MAX_MS, 0);
    private final int pausePercent = Integer.getInteger(PAUSE_PERCENT, 25);
    private final String killPoint = System.getProperty(KILL_POINT, "");
    private final int killNth = Integer.getInteger(KILL_NTH, 1);
    private final String killDetail = System.getProperty(KILL_DETAIL, "");
    private final AtomicInteger seen = new AtomicInteger();
    private final PrintStream out = CrashChild.OUT;

    /** Created by the engine through reflection. */
    public ChildCrashPoints() {}

    @Override
    public void accept(String point, String detail) {
        if (point.equals(killPoint) && detail.contains(killDetail) && seen.incrementAndGet() == killNth) {
            out.println("KILLPOINT " + point + " " + detail);
            try {
                new CountDownLatch(1).await(); // until SIGKILL
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted at kill point " + point, e);
            }
        }
        int pause;
        synchronized (random) {
            pause = pauseMaxMs > 0 && random.nextInt(100) < pausePercent ? random.nextInt(pauseMaxMs + 1) : 0;
        }
        if (pause > 0) {
            try {
                Thread.sleep(pause); // the point of the seam: a pause at a critical point widens its window
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
