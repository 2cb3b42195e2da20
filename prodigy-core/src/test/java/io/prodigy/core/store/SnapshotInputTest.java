package io.prodigy.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.JournalEntry;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buffered decoder of snapshot entries: fields and strings that straddle its buffer's refills, strings longer
 * than the buffer, the unpaired-surrogate form, and an input that ends early.
 */
class SnapshotInputTest {
    @TempDir
    Path dir;

    /** Entries of every type whose sizes walk across many buffer boundaries, some longer than the buffer. */
    private static List<JournalEntry> entries() {
        List<JournalEntry> out = new ArrayList<>(Samples.everyJournalEntry());
        Instant t = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
        for (int i = 0; i < 3_000; i++) {
            String result = "{\"i\":" + i + ",\"pad\":\"" + "é€x".repeat(i % 97) + "\"}";
            out.add(new JournalEntry.ItemDispatched(t, i % 3, "item-" + i, i % 5 + 1));
            out.add(new JournalEntry.ItemFinished(
                    t, i % 3, "item-" + i, i % 2 == 0 ? ItemStatus.SUCCEEDED : ItemStatus.FAILED, result));
        }
        String huge = "ü".repeat(SnapshotInput.BUFFER) + "tail"; // 2 bytes a char: twice the buffer
        out.add(new JournalEntry.ItemFinished(t, 0, "huge", ItemStatus.SUCCEEDED, huge));
        out.add(new JournalEntry.StepCompleted(t, "0/setup/1", true, Map.of("k", "v".repeat(70_000))));
        out.add(new JournalEntry.ItemFinished(t, 0, "lone \ud800 surrogate", ItemStatus.FAILED, "x\udc00y"));
        out.add(new JournalEntry.ItemDeadLettered(t, 2, "last"));
        return out;
    }

    private Path write(List<JournalEntry> entries, byte[] prefix) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(prefix);
        for (JournalEntry e : entries) {
            bytes.write(JournalSnapshot.encode(e));
        }
        Path file = dir.resolve("entries.bin");
        Files.write(file, bytes.toByteArray());
        return file;
    }

    @Test
    void decodesEveryEntryOfAFileRegionAcrossBufferRefills() throws IOException {
        List<JournalEntry> entries = entries();
        byte[] prefix = {9, 9, 9, 9, 9, 9, 9};
        Path file = write(entries, prefix);
        List<JournalEntry> decoded = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            SnapshotInput in = SnapshotInput.of(ch, prefix.length, ch.size());
            for (int i = 0; i < entries.size(); i++) {
                decoded.add(JournalSnapshot.decode(in));
            }
            assertThatThrownBy(in::readByte).isInstanceOf(EOFException.class);
        }
        assertThat(decoded).containsExactlyElementsOf(entries);
    }

    @Test
    void aRegionThatEndsInsideAnEntryIsAnEndOfFileNotAWrongEntry() throws IOException {
        List<JournalEntry> entries = entries();
        Path file = write(entries, new byte[0]);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // the region stops 3 bytes short of the last entry's end
            SnapshotInput in = SnapshotInput.of(ch, 0, ch.size() - 3);
            assertThatThrownBy(() -> {
                        for (int i = 0; i < entries.size(); i++) {
                            JournalSnapshot.decode(in);
                        }
                    })
                    .isInstanceOf(EOFException.class);
        }
        byte[] one = JournalSnapshot.encode(entries.get(entries.size() - 3)); // the long string
        byte[] cut = java.util.Arrays.copyOf(one, one.length - 1);
        assertThatThrownBy(() -> JournalSnapshot.decode(SnapshotInput.of(cut))).isInstanceOf(EOFException.class);
    }

    @Test
    void readsBigEndianFieldsLikeADataOutputWroteThem() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeInt(-2);
        out.writeLong(Long.MIN_VALUE + 12345);
        out.writeInt(0x80ff01fe);
        out.writeBoolean(true);
        out.writeChars("\u00ff\u0100");
        out.flush();
        SnapshotInput in = SnapshotInput.of(bytes.toByteArray());
        assertThat(in.readInt()).isEqualTo(-2);
        assertThat(in.readLong()).isEqualTo(Long.MIN_VALUE + 12345);
        assertThat(in.readInt()).isEqualTo(0x80ff01fe);
        assertThat(in.readBoolean()).isTrue();
        assertThat(in.readChars(2)).isEqualTo("\u00ff\u0100");
    }
}
