package io.prodigy.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RunPhaseTest {
    @Test
    void idsAreTheNamesEventsAndJournalsCarry() {
        assertThat(RunPhase.values())
                .extracting(RunPhase::id)
                .containsExactly("steps", "setup", "map", "reduce", "merge", "start");
        for (RunPhase p : RunPhase.values()) {
            assertThat(RunPhase.of(p.id())).contains(p);
            assertThat(p.is(p.id())).isTrue();
        }
    }

    @Test
    void aNameThisVersionDoesNotKnowIsNoPhase() {
        assertThat(RunPhase.of("MAP")).isEmpty();
        assertThat(RunPhase.of("starting")).isEmpty();
        assertThatThrownBy(() -> RunPhase.of(null))
                .isInstanceOf(WorkflowDefinitionException.class)
                .hasMessageContaining("id");
        assertThat(RunPhase.MAP.is(null)).isFalse();
    }
}
