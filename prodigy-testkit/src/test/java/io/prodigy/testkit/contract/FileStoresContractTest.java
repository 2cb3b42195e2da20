package io.prodigy.testkit.contract;

import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.core.store.FileCheckpointStore;
import io.prodigy.core.store.FileDlqStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The store contracts, run against the file stores of prodigy-core, durability included. */
class FileStoresContractTest {

    @Nested
    class Checkpoints extends CheckpointStoreContract {
        @Override
        protected CheckpointStore createStore(Path directory) {
            return FileCheckpointStore.open(directory);
        }

        @Override
        protected CheckpointStore reopen(CheckpointStore closed, Path directory) {
            return FileCheckpointStore.open(directory);
        }
    }

    @Nested
    class DeadLetters extends DlqStoreContract {
        @Override
        protected DlqStore createStore(Path directory) {
            return FileDlqStore.open(directory);
        }

        @Override
        protected DlqStore reopen(DlqStore closed, Path directory) {
            return FileDlqStore.open(directory);
        }
    }
}
