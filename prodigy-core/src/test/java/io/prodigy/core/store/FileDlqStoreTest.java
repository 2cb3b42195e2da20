package io.prodigy.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.StoreException;
import io.prodigy.api.spi.DlqEntry;
import io.prodigy.api.spi.FailedAttempt;
import io.prodigy.core.InMemoryDlqStore;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDlqStoreTest {
    @TempDir
    Path home;

    private final List<FileDlqStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(FileDlqStore::close);
    }

    private FileDlqStore store() {
        FileDlqStore s = FileDlqStore.builder(home)
                .clock(Clock.fixed(Samples.T0, ZoneOffset.UTC))
                .build();
        opened.add(s);
        return s;
    }

    private Path file(String runId) {
        return home.resolve("runs").resolve(runId).resolve("dlq.jsonl");
    }

    private static Instant t(int seconds) {
        return Samples.T0.plusSeconds(seconds);
    }

    @Test
    void addFindListAndStreamInFirstAddedOrder() {
        FileDlqStore s = store();
        DlqEntry b = Samples.dlq("run-1", "b", t(0), t(1), 2);
        DlqEntry a = Samples.dlq("run-1", "a", t(2), t(3), 1);
        DlqEntry other = Samples.dlq("run-2", "x", t(0), t(0), 1);
        s.add(b);
        s.add(a);
        s.add(other);
        assertThat(s.find("run-1", "a")).contains(a);
        assertThat(s.find("run-1", "zzz")).isEmpty();
        assertThat(s.find("run-9", "a")).isEmpty();
        assertThat(s.list("run-1")).containsExactly(b, a);
        List<DlqEntry> streamed = new ArrayList<>();
        s.forEach("run-1", streamed::add);
        assertThat(streamed).containsExactly(b, a);
        assertThat(s.runIds()).containsExactly("run-1", "run-2");
        assertThat(store().list("run-1")).containsExactly(b, a);
    }

    @Test
    void aSecondAddMergesAttemptsLikeTheInMemoryStore() {
        FileDlqStore s = store();
        InMemoryDlqStore reference = new InMemoryDlqStore();
        DlqEntry first = Samples.dlq("run-1", "a", t(0), t(5), 2);
        DlqEntry again = DlqEntry.builder("run-1", "a")
                .itemJson("{\"id\":\"a\",\"fixed\":true}")
                .attempt(FailedAttempt.of(1, t(60), ErrorKind.TIMEOUT, "timed out")
                        .withStep("claude: /fix"))
                .build();
        DlqEntry third = DlqEntry.builder("run-1", "a")
                .itemJson("{\"id\":\"a\"}")
                .attempt(FailedAttempt.of(1, t(90), ErrorKind.CRASH, "died").withExitCode(137))
                .workspace(Path.of("/elsewhere"))
                .resolved(true)
                .build();
        for (DlqEntry e : List.of(first, again, third)) {
            s.add(e);
            reference.add(e);
            assertThat(s.find("run-1", "a")).isEqualTo(reference.find("run-1", "a"));
        }
        DlqEntry merged = s.find("run-1", "a").orElseThrow();
        assertThat(merged.attempts()).hasSize(4);
        assertThat(merged.firstFailure()).isEqualTo(t(0));
        assertThat(merged.lastFailure()).isEqualTo(t(90));
        assertThat(merged.workspace()).isEqualTo(Path.of("/elsewhere"));
        assertThat(store().list("run-1")).containsExactly(merged);
    }

    @Test
    void markResolvedSticksAndIgnoresUnknownItems() throws IOException {
        FileDlqStore s = store();
        s.add(Samples.dlq("run-1", "a", t(0), t(1), 1));
        s.add(Samples.dlq("run-1", "b", t(0), t(1), 1));
        s.markResolved("run-1", "b");
        s.markResolved("run-1", "nope");
        s.markResolved("run-7", "nope");
        assertThat(store().list("run-1"))
                .extracting(DlqEntry::itemId, DlqEntry::resolved)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", false),
                        org.assertj.core.groups.Tuple.tuple("b", true));
        assertThat(Files.readAllLines(file("run-1")))
                .hasSize(3)
                .last()
                .asString()
                .isEqualTo("{\"version\":1,\"type\":\"resolved\",\"item_id\":\"b\",\"at\":\"" + Samples.T0 + "\"}");
        assertThat(Files.exists(home.resolve("runs/run-7"))).isFalse();
    }

    @Test
    void purgeDeletesTheQueue() {
        FileDlqStore s = store();
        s.add(Samples.dlq("run-1", "a", t(0), t(1), 1));
        s.add(Samples.dlq("run-1", "b", t(0), t(1), 1));
        s.add(Samples.dlq("run-1", "a", t(2), t(3), 1));
        assertThat(s.purge("run-1")).isEqualTo(2);
        assertThat(Files.exists(file("run-1"))).isFalse();
        assertThat(s.list("run-1")).isEmpty();
        assertThat(s.runIds()).isEmpty();
        assertThat(s.purge("run-1")).isZero();
        s.add(Samples.dlq("run-1", "c", t(0), t(1), 1));
        assertThat(store().list("run-1")).extracting(DlqEntry::itemId).containsExactly("c");
    }

    @Test
    void purgeOlderThanRewritesOnlyTheSurvivorsFolded() throws IOException {
        FileDlqStore s = store();
        s.add(Samples.dlq("run-1", "old", t(0), t(10), 1));
        s.add(Samples.dlq("run-1", "young", t(0), t(10), 1));
        s.add(Samples.dlq("run-1", "young", t(50), t(100), 1)); // its last failure moves past the cutoff
        s.add(Samples.dlq("run-1", "edge", t(0), t(60), 1));
        s.markResolved("run-1", "young");
        DlqEntry youngBefore = s.find("run-1", "young").orElseThrow();
        assertThat(Files.readAllLines(file("run-1"))).hasSize(5);

        assertThat(s.purgeOlderThan("run-1", t(60))).isEqualTo(1);
        assertThat(s.list("run-1")).extracting(DlqEntry::itemId).containsExactly("young", "edge");
        assertThat(s.find("run-1", "young")).contains(youngBefore);
        List<String> lines = Files.readAllLines(file("run-1"));
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"type\":\"added\""));
        assertThat(store().list("run-1")).extracting(DlqEntry::itemId).containsExactly("young", "edge");

        assertThat(s.purgeOlderThan("run-1", t(60))).isZero();
        s.add(Samples.dlq("run-1", "new", t(200), t(200), 1));
        assertThat(s.list("run-1")).extracting(DlqEntry::itemId).containsExactly("young", "edge", "new");
        assertThat(s.purgeOlderThan("run-1", t(1000))).isEqualTo(3);
        assertThat(Files.exists(file("run-1"))).isFalse();
        assertThat(s.runIds()).isEmpty();
        try (var dir = Files.list(file("run-1").getParent())) {
            assertThat(dir).isEmpty(); // no temporary file left behind
        }
    }

    @Test
    void theConsumerOfForEachMayCallBackIntoTheStore() {
        FileDlqStore s = store();
        for (int i = 0; i < 50; i++) {
            s.add(Samples.dlq("run-1", "i" + i, t(0), t(1), 1));
        }
        List<String> seen = new ArrayList<>();
        s.forEach("run-1", e -> {
            seen.add(e.itemId());
            s.markResolved("run-1", e.itemId());
            s.add(Samples.dlq("run-1", e.itemId(), t(2), t(3), 1));
        });
        assertThat(seen).hasSize(50);
        assertThat(s.list("run-1")).hasSize(50).allSatisfy(e -> {
            assertThat(e.attempts()).hasSize(2);
            assertThat(e.resolved()).isFalse(); // the later add says not resolved
        });
    }

    @Test
    void aChangeByAnotherStoreInstanceIsSeen() {
        FileDlqStore first = store();
        FileDlqStore second = store();
        first.add(Samples.dlq("run-1", "a", t(0), t(1), 1));
        assertThat(second.list("run-1")).hasSize(1);
        first.close();
        second.add(Samples.dlq("run-1", "b", t(0), t(1), 1));
        second.add(Samples.dlq("run-1", "a", t(2), t(3), 1));
        second.close();
        FileDlqStore third = store();
        assertThat(third.find("run-1", "a").orElseThrow().attempts()).hasSize(2);
        assertThat(third.list("run-1")).extracting(DlqEntry::itemId).containsExactly("a", "b");
    }

    @Test
    void textComesBackByteExact() {
        FileDlqStore s = store();
        DlqEntry nasty = new DlqEntry(
                "run-1",
                Samples.NASTY,
                Samples.NASTY,
                List.of(new FailedAttempt(1, t(0), ErrorKind.UNKNOWN, Samples.NASTY, -1, Samples.NASTY, Samples.NASTY)),
                Path.of("/w"),
                false,
                t(0),
                t(0));
        s.add(nasty);
        DlqEntry back = store().find("run-1", Samples.NASTY).orElseThrow();
        assertThat(back).isEqualTo(nasty);
        assertThat(back.lastAttempt().message().getBytes(StandardCharsets.UTF_8))
                .isEqualTo(Samples.NASTY.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTornLastRecordIsSkippedAndCutOffBeforeTheNextAdd() throws IOException {
        FileDlqStore s = store();
        s.add(Samples.dlq("run-1", "a", t(0), t(1), 1));
        s.add(Samples.dlq("run-1", "b", t(0), t(1), 1));
        s.close();
        Path f = file("run-1");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(raf.length() - 20);
        }
        try (StderrCapture err = new StderrCapture()) {
            assertThat(store().list("run-1")).extracting(DlqEntry::itemId).containsExactly("a");
            assertThat(err.text()).contains(f + " line 2", "torn last record");
        }
        FileDlqStore writer = store();
        writer.add(Samples.dlq("run-1", "b", t(5), t(6), 1));
        assertThat(store().find("run-1", "b").orElseThrow().attempts()).hasSize(1);
        assertThat(Files.readAllLines(f)).hasSize(2);
    }

    @Test
    void aCorruptRecordInTheMiddleIsAnErrorNamingFileAndLine() throws IOException {
        FileDlqStore s = store();
        for (String id : List.of("a", "b", "c", "d")) {
            s.add(Samples.dlq("run-1", id, t(0), t(1), 1));
        }
        s.close();
        Path f = file("run-1");
        List<String> lines = new ArrayList<>(Files.readAllLines(f));
        lines.set(2, lines.get(2).substring(0, 30));
        Files.write(f, lines);
        assertThatThrownBy(() -> store().list("run-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(f + " line 3: corrupt record");
        assertThatThrownBy(() -> store().find("run-1", "a"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(f + " line 3");

        lines.set(2, "{\"version\":1,\"type\":\"resolved\",\"item_id\":\"never-added\",\"at\":null}");
        Files.write(f, lines);
        assertThatThrownBy(() -> store().list("run-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(f + " line 3")
                .hasMessageContaining("before the item was added");
        lines.set(2, lines.get(2).replace("\"version\":1", "\"version\":3"));
        Files.write(f, lines);
        assertThatThrownBy(() -> store().list("run-1"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("format version 3")
                .hasMessageContaining("reads format version 1");
    }
}
