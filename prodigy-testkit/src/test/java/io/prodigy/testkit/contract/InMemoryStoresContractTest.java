package io.prodigy.testkit.contract;

import io.prodigy.api.spi.CheckpointStore;
import io.prodigy.api.spi.DlqStore;
import io.prodigy.core.InMemoryCheckpointStore;
import io.prodigy.core.InMemoryDlqStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Nested;

/** The store contracts, run against the in-memory stores of prodigy-core (the test environment's stores). */
class InMemoryStoresContractTest {

    @Nested
    class Checkpoints extends CheckpointStoreContract {
        @Override
        protected CheckpointStore createStore(Path directory) {
            return new InMemoryCheckpointStore();
        }
    }

    @Nested
    class DeadLetters extends DlqStoreContract {
        @Override
        protected DlqStore createStore(Path directory) {
            return new InMemoryDlqStore();
        }
    }
}
