package io.prodigy.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.api.spi.JournalEntry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading 100,000 records streams and stays fast (the figures are printed; {@link StoreScale} has more). */
class ScaleTest {
    private static final int N = 100_000;
    private static final Instant T = Instant.parse("2026-03-01T10:00:00Z");

    @TempDir
    Path home;

    @Test
    void aHundredThousandEntryJournalIsReadQuickly() throws IOException {
        FileCheckpointStore store = FileCheckpointStore.open(home);
        store.createRun(Samples.run("run-big", T));
        Path file = home.resolve("runs/run-big/journal.jsonl");
        int items = N / 4;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            List<String> ids = new ArrayList<>(items);
            for (int i = 0; i < items; i++) {
                ids.add("item-" + i);
            }
            out.write(JournalCodec.encode(new JournalEntry.ItemsResolved(T, 0, ids, "[]")));
            for (int i = 1; i < N; i += 3) {
                String id = ids.get(i / 3 % items);
                out.write(JournalCodec.encode(new JournalEntry.ItemDispatched(T.plusMillis(i), 0, id, 1)));
                out.write(JournalCodec.encode(new JournalEntry.ItemFinished(
                        T.plusMillis(i), 0, id, ItemStatus.SUCCEEDED, "{\"item_id\":\"" + id + "\"}")));
                out.write(JournalCodec.encode(new JournalEntry.ItemIntegrated(T.plusMillis(i), 0, id, "cafe")));
            }
        }
        long start = System.nanoTime();
        int[] counts = new int[3];
        store.forEachEntry("run-big", e -> {
            if (e instanceof JournalEntry.ItemIntegrated) {
                counts[0]++;
            } else if (e instanceof JournalEntry.ItemsResolved r) {
                counts[1] += r.itemIds().size();
            } else {
                counts[2]++;
            }
        });
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("journal of " + N + " entries (" + Files.size(file) / 1024 + " KiB) read in " + ms + " ms");
        assertThat(counts[0]).isEqualTo((N - 1) / 3);
        assertThat(counts[1]).isEqualTo(items);
        assertThat(counts[0] + counts[2] + 1).isEqualTo(N);
        assertThat(ms).as("a cold read of 100,000 entries").isLessThan(10_000);
    }

    @Test
    void aRecordLongerThanJacksonsDefaultStringLimitIsRead() {
        FileCheckpointStore store = FileCheckpointStore.open(home);
        store.createRun(Samples.run("run-long", T));
        String items = "[" + "{\"n\":1},".repeat(3_000_000) + "{\"n\":2}]"; // 24 million characters
        store.append("run-long", new JournalEntry.ItemsResolved(T, 0, List.of("a"), items));
        store.close();
        JournalEntry.ItemsResolved back = (JournalEntry.ItemsResolved)
                FileCheckpointStore.open(home).journal("run-long").get(0);
        assertThat(back.itemsJson()).isEqualTo(items);
    }

    @Test
    void aHundredThousandEntryDlqIsStreamedInOrder() throws IOException {
        Path file = home.resolve("runs/run-big/dlq.jsonl");
        Files.createDirectories(file.getParent());
        // written as text, the way the store writes it, to keep the test fast
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < N; i++) {
                out.write("{\"version\":1,\"type\":\"added\",\"item_id\":\"item-" + i + "\",\"item_json\":"
                        + "\"{\\\"n\\\":" + i + "}\",\"attempts\":[{\"attempt\":1,\"at\":\"" + T + "\","
                        + "\"error_kind\":\"COMMAND_FAILED\",\"message\":\"exit 1\",\"exit_code\":1,"
                        + "\"step\":\"shell: make\",\"log_location\":null}],\"workspace\":null,\"resolved\":false,"
                        + "\"first_failure\":\"" + T + "\",\"last_failure\":\"" + T.plusSeconds(i) + "\"}\n");
            }
            for (int i = 0; i < N; i += 10) {
                out.write(
                        "{\"version\":1,\"type\":\"resolved\",\"item_id\":\"item-" + i + "\",\"at\":\"" + T + "\"}\n");
            }
        }
        assertThat(DlqCodec.added(DlqEntry.builder("run-big", "item-7")
                        .itemJson("{\"n\":7}")
                        .attempt(FailedAttempt.of(1, T, ErrorKind.COMMAND_FAILED, "exit 1")
                                .withExitCode(1)
                                .withStep("shell: make"))
                        .lastFailure(T.plusSeconds(7))
                        .build()))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo(lineOf(file, 8) + "\n");
        FileDlqStore store = FileDlqStore.open(home);
        long start = System.nanoTime();
        int[] count = {0};
        int[] resolved = {0};
        List<String> outOfOrder = new ArrayList<>();
        store.forEach("run-big", e -> {
            if (!e.itemId().equals("item-" + count[0])) {
                outOfOrder.add(e.itemId());
            }
            count[0]++;
            if (e.resolved()) {
                resolved[0]++;
            }
        });
        long ms = (System.nanoTime() - start) / 1_000_000;
        System.out.println("DLQ of " + N + " entries (10% resolved, " + Files.size(file) / 1024
                + " KiB) indexed and streamed in " + ms + " ms");
        assertThat(count[0]).isEqualTo(N);
        assertThat(outOfOrder).isEmpty();
        assertThat(resolved[0]).isEqualTo(N / 10);
        assertThat(store.find("run-big", "item-99990"))
                .get()
                .extracting(DlqEntry::resolved)
                .isEqualTo(true);
        assertThat(ms).as("a cold index and stream of 100,000 entries").isLessThan(15_000);
        store.close();
    }

    private static String lineOf(Path file, int number) throws IOException {
        try (java.io.BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (int i = 1; i < number; i++) {
                r.readLine();
            }
            return r.readLine();
        }
    }
}
