package io.prodigy.core.internal.process;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trees of the processes running now, terminated by a JVM shutdown hook.
 *
 * <p>Children started through {@code setsid} are no longer in the terminal's foreground process
 * group, so a Ctrl-C that stops the JVM would not reach them: the hook makes sure stopping the JVM
 * (normally, or through SIGINT/SIGTERM) still stops them. It sends SIGTERM to every tree, waits up to
 * {@link #SHUTDOWN_GRACE_NANOS}, then sends SIGKILL.
 */
final class LiveProcessTrees {
    private static final Logger log = LoggerFactory.getLogger(LiveProcessTrees.class);
    static final long SHUTDOWN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static final Set<ProcessTree> LIVE = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();

    private LiveProcessTrees() {}

    static void add(ProcessTree tree) {
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            try {
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(LiveProcessTrees::terminateAll, "prodigy-proc-shutdown"));
            } catch (IllegalStateException shuttingDown) {
                log.debug("The JVM is shutting down; pid {} will not be terminated on exit", tree.rootPid());
            }
        }
        LIVE.add(tree);
    }

    static void remove(ProcessTree tree) {
        LIVE.remove(tree);
    }

    private static void terminateAll() {
        List<ProcessTree> trees = new ArrayList<>(LIVE);
        if (trees.isEmpty()) {
            return;
        }
        log.debug("JVM shutdown: terminating {} running process tree(s)", trees.size());
        long start = System.nanoTime();
        List<Map<Long, ProcessHandle>> signalled = new ArrayList<>(trees.size());
        for (ProcessTree tree : trees) {
            signalled.add(tree.sendTerm());
        }
        for (int i = 0; i < trees.size(); i++) {
            trees.get(i).killSurvivors(signalled.get(i), start, SHUTDOWN_GRACE_NANOS);
        }
    }
}
