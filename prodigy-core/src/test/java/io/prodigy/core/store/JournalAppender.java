package io.prodigy.core.store;

import io.prodigy.api.spi.JournalEntry;
import java.nio.file.Path;
import java.time.Instant;

/** A child process that appends to a run's journal until it is killed, printing each acknowledged record. */
public final class JournalAppender {
    private JournalAppender() {}

    /** @param args the store's root and the run id */
    public static void main(String[] args) {
        FileCheckpointStore store = FileCheckpointStore.open(Path.of(args[0]));
        String padding = "p".repeat(5000);
        for (int i = 1; ; i++) {
            store.append(args[1], new JournalEntry.ItemDispatched(Instant.now(), 0, padding, i));
            System.out.println("appended " + i);
            System.out.flush();
        }
    }
}
