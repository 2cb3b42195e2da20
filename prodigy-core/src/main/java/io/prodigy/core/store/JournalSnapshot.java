package io.prodigy.core.store;

import io.prodigy.api.ItemStatus;
import io.prodigy.api.spi.JournalEntry;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * The binary file of a journal snapshot ({@code journal.snapshot} beside {@code journal.jsonl}): the journal's
 * entries up to a line boundary, compacted and in a form that is read without parsing JSON, so that a resume reads
 * it and then only the journal's lines after that boundary.
 *
 * <p>Layout (big-endian): the magic {@code PRDGSNAP}, the format version, the journal offset the snapshot covers
 * (a line boundary), the count of journal records it covers, the length and CRC-32 of the journal bytes just before
 * that offset (up to {@value #PREFIX} bytes: a journal that was replaced or rewritten does not match), the count of
 * entries, the entries, and a CRC-32 of everything before it. A file that is torn, has the wrong checksum, another
 * magic or version, an offset past the journal's end or a prefix that does not match is {@linkplain #load ignored}
 * and the journal is replayed from its start.
 *
 * <p>Compaction keeps the fold of the journal exactly: entries stay in journal order, and only an
 * {@code item_dispatched} is left out when a later {@code item_finished} or {@code item_integrated} of the same
 * stage and item follows it (which says the item was dispatched anyway).
 */
final class JournalSnapshot {
    /** The snapshot's file name in a run's directory. */
    static final String FILE = "journal.snapshot";
    /** How many journal bytes before the covered offset are checked. */
    static final int PREFIX = 4096;

    static final byte[] MAGIC = "PRDGSNAP".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** magic, version, offset, records, prefix length, prefix CRC, entry count. */
    static final int HEADER = 8 + 4 + 8 + 8 + 4 + 4 + 8;

    static final int TRAILER = 8;

    private static final byte STEP_COMPLETED = 1;
    private static final byte ITEM_DISPATCHED = 2;
    private static final byte ITEM_FINISHED = 3;
    private static final byte ITEM_INTEGRATED = 4;
    private static final byte ITEM_DEAD_LETTERED = 5;
    private static final byte PHASE_COMPLETED = 6;
    private static final byte ITEMS_RESOLVED = 7;

    private JournalSnapshot() {}

    /**
     * What a snapshot covers.
     *
     * @param journalOffset the journal offset it covers (a line boundary)
     * @param journalRecords how many journal records lie before that offset
     * @param prefixLength how many journal bytes before the offset the prefix check covers
     * @param prefixCrc their CRC-32
     * @param entries how many entries the snapshot holds
     */
    record Header(long journalOffset, long journalRecords, int prefixLength, int prefixCrc, long entries) {
        byte[] encode() {
            ByteBuffer b = ByteBuffer.allocate(HEADER);
            b.put(MAGIC)
                    .putInt(VERSION)
                    .putLong(journalOffset)
                    .putLong(journalRecords)
                    .putInt(prefixLength)
                    .putInt(prefixCrc)
                    .putLong(entries);
            return b.array();
        }
    }

    /**
     * A snapshot checked against its journal, still open: its entries are decoded from the file as they are
     * visited, so that a snapshot of a million items is never held in memory whole. Close it.
     */
    static final class Loaded implements AutoCloseable {
        private final Header header;
        private final java.nio.channels.FileChannel file;

        private Loaded(Header header, java.nio.channels.FileChannel file) {
            this.header = header;
            this.file = file;
        }

        Header header() {
            return header;
        }

        /** @return the open file (its owner closes it) */
        java.nio.channels.FileChannel channel() {
            return file;
        }

        /**
         * @param consumer receives the entries in journal order
         * @throws IOException if the file cannot be read
         */
        void forEach(Consumer<JournalEntry> consumer) throws IOException {
            SnapshotInput in = SnapshotInput.of(file, HEADER, file.size() - TRAILER);
            for (long i = 0; i < header.entries(); i++) {
                consumer.accept(decode(in));
            }
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /** Why a snapshot file was not used. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * Opens a snapshot and checks it whole (its checksum, in one streaming pass) and against the journal it was
     * taken of. The file stays open, so a snapshot renamed over it meanwhile does not change what is read.
     *
     * @param snapshot the snapshot file
     * @param journal its journal
     * @return the snapshot (close it), or null if there is none
     * @throws Rejected if it is torn, corrupt, of another format, or does not match the journal (stale)
     * @throws IOException if a file cannot be read
     */
    static Loaded load(Path snapshot, Path journal) throws Rejected, IOException {
        java.nio.channels.FileChannel file;
        try {
            file = java.nio.channels.FileChannel.open(snapshot, java.nio.file.StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
        boolean ok = false;
        try {
            Header h = check(file);
            long journalSize;
            try {
                journalSize = Files.size(journal);
            } catch (NoSuchFileException e) {
                throw new Rejected("its journal is missing");
            }
            if (h.journalOffset() > journalSize) {
                throw new Rejected("it covers " + h.journalOffset() + " bytes of a journal of " + journalSize);
            }
            if (prefixCrc(journal, h.journalOffset(), h.prefixLength()) != h.prefixCrc()) {
                throw new Rejected("the journal's bytes before offset " + h.journalOffset() + " differ from those "
                        + "it was taken of");
            }
            ok = true;
            return new Loaded(h, file);
        } finally {
            if (!ok) {
                file.close();
            }
        }
    }

    /**
     * Checks a snapshot file's own integrity: magic, version, length, and the checksum, which is the CRC-32 of the
     * entries followed by the header (so that a writer can stream the entries and write the header last).
     *
     * @param file the open file
     * @return its header
     * @throws Rejected if it is not a whole snapshot of this format
     * @throws IOException if it cannot be read
     */
    static Header check(java.nio.channels.FileChannel file) throws Rejected, IOException {
        long size = file.size();
        if (size < HEADER + TRAILER) {
            throw new Rejected("it is torn (" + size + " bytes)");
        }
        ByteBuffer head = ByteBuffer.allocate(HEADER);
        readFully(file, head, 0);
        head.flip();
        byte[] magic = new byte[MAGIC.length];
        head.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new Rejected("it is not a journal snapshot");
        }
        int version = head.getInt();
        if (version != VERSION) {
            throw new Rejected("it has format version " + version + ", this version reads " + VERSION);
        }
        Header h = new Header(head.getLong(), head.getLong(), head.getInt(), head.getInt(), head.getLong());
        CRC32 crc = new CRC32();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = HEADER;
        long bodyEnd = size - TRAILER;
        while (pos < bodyEnd) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), bodyEnd - pos));
            int n = file.read(buf, pos);
            if (n < 0) {
                throw new Rejected("it is torn");
            }
            buf.flip();
            crc.update(buf);
            pos += n;
        }
        crc.update(head.array());
        ByteBuffer trailer = ByteBuffer.allocate(TRAILER);
        readFully(file, trailer, bodyEnd);
        if (crc.getValue() != trailer.getLong(0)) {
            throw new Rejected("its checksum does not match (torn or changed)");
        }
        if (h.journalOffset() < 0
                || h.prefixLength() < 0
                || h.prefixLength() > Math.min(PREFIX, h.journalOffset())
                || h.entries() < 0
                || h.journalRecords() < 0) {
            throw new Rejected("its header is inconsistent");
        }
        return h;
    }

    private static void readFully(java.nio.channels.FileChannel file, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) {
            int n = file.read(b, pos);
            if (n < 0) {
                throw new java.io.EOFException();
            }
            pos += n;
        }
    }

    /**
     * @param journal the journal
     * @param offset the end of the checked bytes
     * @param length how many bytes before it
     * @return the CRC-32 of the journal's bytes {@code [offset - length, offset)}
     * @throws IOException if the journal cannot be read
     */
    static int prefixCrc(Path journal, long offset, int length) throws IOException {
        byte[] buf = new byte[length];
        try (RandomAccessFile raf = new RandomAccessFile(journal.toFile(), "r")) {
            if (raf.length() < offset) {
                return ~0; // cannot match a prefix the journal does not have... unless by chance; checked before
            }
            raf.seek(offset - length);
            raf.readFully(buf);
        }
        CRC32 crc = new CRC32();
        crc.update(buf);
        return (int) crc.getValue();
    }

    /**
     * Compacts a window of entries in journal order: an {@code item_dispatched} followed in the window by a later
     * {@code item_dispatched} of the same item is left out. The last dispatch of an item stays, settled or not: it
     * carries the attempt number a resume or a DLQ reprocess numbers the item's next attempt from.
     *
     * @param window entries in journal order
     * @return those to keep, in order
     */
    static List<JournalEntry> compact(List<JournalEntry> window) {
        Map<String, Integer> lastSettled = new HashMap<>();
        for (int i = 0; i < window.size(); i++) {
            if (window.get(i) instanceof JournalEntry.ItemDispatched d) {
                lastSettled.put(d.stage() + "/" + d.itemId(), i);
            }
        }
        List<JournalEntry> kept = new ArrayList<>(window.size());
        for (int i = 0; i < window.size(); i++) {
            JournalEntry e = window.get(i);
            if (e instanceof JournalEntry.ItemDispatched d) {
                Integer settled = lastSettled.get(d.stage() + "/" + d.itemId());
                if (settled != null && settled > i) {
                    continue;
                }
            }
            kept.add(e);
        }
        return kept;
    }

    /**
     * @param e an entry
     * @return its binary form
     */
    static byte[] encode(JournalEntry e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            if (e instanceof JournalEntry.StepCompleted s) {
                head(out, STEP_COMPLETED, s.at());
                string(out, s.location());
                out.writeBoolean(s.success());
                map(out, s.variables());
            } else if (e instanceof JournalEntry.ItemDispatched d) {
                head(out, ITEM_DISPATCHED, d.at());
                out.writeInt(d.stage());
                string(out, d.itemId());
                out.writeInt(d.attempt());
            } else if (e instanceof JournalEntry.ItemFinished f) {
                head(out, ITEM_FINISHED, f.at());
                out.writeInt(f.stage());
                string(out, f.itemId());
                string(out, f.status() == null ? null : f.status().name());
                string(out, f.resultJson());
            } else if (e instanceof JournalEntry.ItemIntegrated g) {
                head(out, ITEM_INTEGRATED, g.at());
                out.writeInt(g.stage());
                string(out, g.itemId());
                string(out, g.head());
            } else if (e instanceof JournalEntry.ItemDeadLettered d) {
                head(out, ITEM_DEAD_LETTERED, d.at());
                out.writeInt(d.stage());
                string(out, d.itemId());
            } else if (e instanceof JournalEntry.PhaseCompleted p) {
                head(out, PHASE_COMPLETED, p.at());
                out.writeInt(p.stage());
                string(out, p.phase());
                map(out, p.variables());
            } else if (e instanceof JournalEntry.ItemsResolved r) {
                head(out, ITEMS_RESOLVED, r.at());
                out.writeInt(r.stage());
                out.writeInt(r.itemIds().size());
                for (String id : r.itemIds()) {
                    string(out, id);
                }
                string(out, r.itemsJson());
            } else {
                throw new IllegalArgumentException(
                        "no snapshot form for " + e.getClass().getName());
            }
            out.flush();
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return bytes.toByteArray();
    }

    /**
     * @param in an input positioned at an entry; advanced past it
     * @return the entry
     * @throws IOException if the input ends or cannot be read
     * @throws IllegalArgumentException if the bytes are not an entry (the checksum makes that a bug, not a torn
     *         file)
     */
    static JournalEntry decode(SnapshotInput in) throws IOException {
        byte type = in.readByte();
        Instant at = Instant.ofEpochSecond(in.readLong(), in.readInt());
        switch (type) {
            case STEP_COMPLETED: {
                String location = string(in);
                boolean success = in.readBoolean();
                return new JournalEntry.StepCompleted(at, location, success, map(in));
            }
            case ITEM_DISPATCHED: {
                int stage = in.readInt();
                String id = string(in);
                return new JournalEntry.ItemDispatched(at, stage, id, in.readInt());
            }
            case ITEM_FINISHED: {
                int stage = in.readInt();
                String id = string(in);
                String status = string(in);
                return new JournalEntry.ItemFinished(
                        at, stage, id, status == null ? null : ItemStatus.valueOf(status), string(in));
            }
            case ITEM_INTEGRATED: {
                int stage = in.readInt();
                String id = string(in);
                return new JournalEntry.ItemIntegrated(at, stage, id, string(in));
            }
            case ITEM_DEAD_LETTERED: {
                int stage = in.readInt();
                return new JournalEntry.ItemDeadLettered(at, stage, string(in));
            }
            case PHASE_COMPLETED: {
                int stage = in.readInt();
                String phase = string(in);
                return new JournalEntry.PhaseCompleted(at, stage, phase, map(in));
            }
            case ITEMS_RESOLVED: {
                int stage = in.readInt();
                int n = in.readInt();
                List<String> ids = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ids.add(string(in));
                }
                return new JournalEntry.ItemsResolved(at, stage, ids, string(in));
            }
            default:
                throw new IllegalArgumentException("unknown snapshot entry type " + type);
        }
    }

    private static void head(DataOutputStream out, byte type, Instant at) throws IOException {
        out.writeByte(type);
        out.writeLong(at.getEpochSecond());
        out.writeInt(at.getNano());
    }

    /**
     * A string: -1 for null; a length {@code n >= 0} and {@code n} bytes of UTF-8; or, for a string with an unpaired
     * surrogate (which UTF-8 cannot carry), {@code -2 - n} and its {@code n / 2} UTF-16 code units.
     */
    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        if (hasUnpairedSurrogate(s)) {
            out.writeInt(-2 - 2 * s.length());
            out.writeChars(s);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static void map(DataOutputStream out, Map<String, String> m) throws IOException {
        out.writeInt(m.size());
        for (Map.Entry<String, String> e : m.entrySet()) {
            string(out, e.getKey());
            string(out, e.getValue());
        }
    }

    private static String string(SnapshotInput in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < -1) {
            return in.readChars((-2 - n) / 2);
        }
        return in.readUtf8(n);
    }

    private static Map<String, String> map(SnapshotInput in) throws IOException {
        int n = in.readInt();
        Map<String, String> m = new LinkedHashMap<>(Math.max(4, n * 2));
        for (int i = 0; i < n; i++) {
            m.put(string(in), string(in));
        }
        return m;
    }
}
