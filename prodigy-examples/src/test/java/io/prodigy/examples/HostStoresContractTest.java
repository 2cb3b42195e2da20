package io.prodigy.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.spi.DlqStore;
import io.prodigy.testkit.contract.DlqStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;

/** The example host's own DLQ store keeps the {@link DlqStore} contract, checked with the testkit's contract test. */
class HostStoresContractTest extends DlqStoreContract {
    private Path auditFile;

    @Override
    protected DlqStore createStore(Path directory) {
        auditFile = directory.resolve("dlq-audit.tsv");
        return new HostStores.AuditedDlqStore(auditFile);
    }

    @AfterEach
    void everyAddWasAudited() {
        if (!store().runIds().isEmpty()) {
            assertThat(auditFile).content().contains("failed\t");
        }
    }
}
