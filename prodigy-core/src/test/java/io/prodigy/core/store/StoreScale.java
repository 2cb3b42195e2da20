package io.prodigy.core.store;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.JournalEntry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the stores at scale: writes a 100,000-entry journal (one items_resolved record listing 25,000 items,
 * then dispatched, finished and integrated records for each) and a 100,000-entry DLQ, then reads both back,
 * printing the time and the peak heap. Run it in a JVM with a small heap to show that reading streams:
 * {@code java -Xmx64m -cp <test classpath> io.prodigy.core.store.StoreScale [dir]}.
 */
public final class StoreScale {
    private StoreScale() {}

    /** @param args an optional scratch directory */
    public static void main(String[] args) throws IOException {
        Path home = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("prodigy-scale");
        int items = 25_000;
        Instant t = Instant.parse("2026-03-01T10:00:00Z");
        try (FileCheckpointStore store =
                FileCheckpointStore.builder(home).syncPolicy(SyncPolicy.OS).build()) {
            store.createRun(Samples.run("run-scale", t));
            List<String> ids = new ArrayList<>(items);
            StringBuilder json = new StringBuilder("[");
            for (int i = 0; i < items; i++) {
                ids.add("item-" + i);
                json.append(i == 0 ? "" : ",").append("{\"n\":").append(i).append('}');
            }
            resetPeak();
            long start = System.nanoTime();
            store.append(
                    "run-scale",
                    new JournalEntry.ItemsResolved(t, 0, ids, json.append(']').toString()));
            int entries = 1;
            for (int i = 0; entries < 100_000; i++) {
                String id = ids.get(i % items);
                store.append("run-scale", new JournalEntry.ItemDispatched(t, 0, id, 1 + i / items));
                store.append(
                        "run-scale",
                        new JournalEntry.ItemFinished(
                                t, 0, id, ItemStatus.SUCCEEDED, "{\"item_id\":\"" + id + "\",\"output\":\"done\"}"));
                store.append("run-scale", new JournalEntry.ItemIntegrated(t, 0, id, "0123456789abcdef0123"));
                entries += 3;
            }
            report("journal append of " + entries + " entries (OS policy)", start);
        }
        Path journal = home.resolve("runs/run-scale/journal.jsonl");
        System.out.printf("journal size: %.1f MB%n", Files.size(journal) / 1e6);
        for (int round = 1; round <= 3; round++) {
            resetPeak();
            long start = System.nanoTime();
            int[] count = {0};
            FileCheckpointStore.open(home).forEachEntry("run-scale", e -> count[0]++);
            report("journal forEachEntry, round " + round + ": " + count[0] + " entries", start);
        }

        try (FileDlqStore dlq =
                FileDlqStore.builder(home).syncPolicy(SyncPolicy.OS).build()) {
            resetPeak();
            long start = System.nanoTime();
            for (int i = 0; i < 100_000; i++) {
                dlq.add(Samples.dlq("run-scale", "item-" + i, t, t.plusSeconds(i), 2));
            }
            for (int i = 0; i < 100_000; i += 10) {
                dlq.markResolved("run-scale", "item-" + i);
            }
            report("DLQ add of 100000 entries + 10000 resolved", start);
        }
        for (int round = 1; round <= 3; round++) {
            resetPeak();
            long start = System.nanoTime();
            int[] count = {0};
            FileDlqStore.open(home).forEach("run-scale", e -> count[0]++);
            report("DLQ forEach (fresh store, index built), round " + round + ": " + count[0] + " entries", start);
        }
    }

    private static void resetPeak() {
        System.gc();
        cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
    }

    private static long cpuStart;

    private static void report(String what, long startNanos) {
        long ms = (System.nanoTime() - startNanos) / 1_000_000;
        long cpuMs = (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart) / 1_000_000;
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        System.out.printf(
                "%-66s %5d ms (cpu %5d ms), peak heap %5.1f MB (max %d MB)%n",
                what, ms, cpuMs, peak / 1e6, Runtime.getRuntime().maxMemory() / 1_000_000);
    }
}
