package io.prodigy.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store contracts share: a fresh store in a private directory before each test, every instance closed
 * after it, a second instance on the same state for the durability test, and threads started together for the
 * thread-safety tests. Hosts extend {@link CheckpointStoreContract} or {@link DlqStoreContract}, not this class.
 *
 * @param <S> the store type under test
 */
public abstract class StoreContract<S> {
    @TempDir
    private Path directory;

    private final List<S> opened = new ArrayList<>();
    private S store;

    /** For the store contracts. */
    StoreContract() {}

    /**
     * @param directory an empty directory, private to the test, the store may keep its files in
     * @return a new, empty store
     * @throws Exception if it cannot be created
     */
    protected abstract S createStore(Path directory) throws Exception;

    /**
     * A durable store overrides this to open a second instance on the same state (as a restarted process would).
     *
     * @param closed the first instance, already closed if it is {@link AutoCloseable}
     * @param directory the directory given to {@link #createStore(Path)}
     * @return a new instance on the same state, or null (the default) for a store that keeps nothing beyond its
     *         instance; the durability test is then skipped
     * @throws Exception if it cannot be opened
     */
    protected S reopen(S closed, Path directory) throws Exception {
        return null;
    }

    /** @return the store under test */
    protected final S store() {
        return store;
    }

    @BeforeEach
    final void openStore() throws Exception {
        store = createStore(Files.createDirectories(directory.resolve("store")));
        assertThat(store).as("createStore").isNotNull();
        opened.add(store);
    }

    @AfterEach
    final void closeStores() throws Exception {
        for (S s : opened) {
            if (s instanceof AutoCloseable c) {
                c.close();
            }
        }
    }

    /**
     * Closes the store under test (if it is {@link AutoCloseable}) and opens a second instance on its state; skips
     * the calling test when {@link #reopen} returns null.
     *
     * @return the second instance, closed after the test
     * @throws Exception if closing or reopening fails
     */
    final S reopened() throws Exception {
        if (store instanceof AutoCloseable c) {
            c.close();
        }
        S again = reopen(store, directory.resolve("store"));
        Assumptions.assumeTrue(again != null, "the store keeps nothing beyond its instance");
        opened.add(again);
        return again;
    }

    /** Work one thread of a thread-safety test does. */
    @FunctionalInterface
    interface ThreadWork {
        /** @param thread the thread's number, from 0 @throws Exception if the work fails */
        void run(int thread) throws Exception;
    }

    /**
     * Starts {@code threads} threads together and waits (up to a minute) until each has done its work.
     *
     * @param threads how many threads
     * @param work what each does
     * @throws Exception the first failure of a thread, or a timeout
     */
    static void runTogether(int threads, ThreadWork work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    work.run(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
