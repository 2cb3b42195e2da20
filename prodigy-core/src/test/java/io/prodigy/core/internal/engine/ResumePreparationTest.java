package io.prodigy.core.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.MapPhase;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.core.internal.WorkflowFingerprint;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fingerprint a resume computes on its second thread: the same as in line, and its failures reach the caller. */
class ResumePreparationTest {
    private static Workflow workflow(List<Object> items) {
        return Workflow.mapReduce("wf")
                .map(MapPhase.builder().input(WorkInput.values(items)).agentTemplate(Step.agent("do ${item}")))
                .build();
    }

    @Test
    void theFingerprintIsTheOneComputedInLine() {
        Workflow w = workflow(List.of(1, "two", 3.5));
        ResumePreparation p = ResumePreparation.start(w);
        assertThat(p.fingerprint()).isEqualTo(WorkflowFingerprint.of(w));
        assertThat(p.fingerprint()).as("asked twice").isEqualTo(WorkflowFingerprint.of(w));
        assertThat(WorkflowFingerprint.of(workflow(List.of(1, "two", 3.6)))).isNotEqualTo(p.fingerprint());
    }

    @Test
    void whatTheFingerprintThrewIsThrownToTheCaller() {
        ResumePreparation p = ResumePreparation.start(() -> {
            throw new IllegalStateException("broken model");
        });
        assertThatThrownBy(p::fingerprint)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("broken model");
        ResumePreparation e = ResumePreparation.start(() -> {
            throw new AssertionError("an error");
        });
        assertThatThrownBy(e::fingerprint).isInstanceOf(AssertionError.class);
    }

    @Test
    void anInterruptWhileWaitingDoesNotLoseTheFingerprintAndStaysSet() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ResumePreparation p = ResumePreparation.start(() -> {
            try {
                release.await();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            return "hash";
        });
        Thread.currentThread().interrupt(); // already set when the caller starts waiting
        Thread releaser = new Thread(release::countDown);
        releaser.start();
        try {
            assertThat(p.fingerprint()).isEqualTo("hash");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            releaser.join();
        }
    }
}
