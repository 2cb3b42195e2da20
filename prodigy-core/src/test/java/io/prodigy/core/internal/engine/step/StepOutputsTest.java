package io.prodigy.core.internal.engine.step;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StepOutputsTest {
    @Test
    void patternsMatchAsTheRustToolMatchesThem() {
        // *suffix: a suffix of the path
        assertThat(StepOutputs.matches("specs/temp/65-coverage-improvements.md", "*-coverage-improvements.md"))
                .isTrue();
        assertThat(StepOutputs.matches("specs/65-coverage.txt", "*.md")).isFalse();
        // prefix*suffix: on the file name
        assertThat(StepOutputs.matches("specs/65-plan.md", "65*.md")).isTrue();
        assertThat(StepOutputs.matches("65/plan.md", "65*.md")).isFalse();
        // no star: a part of the file name
        assertThat(StepOutputs.matches("specs/65-plan.md", "plan")).isTrue();
        assertThat(StepOutputs.matches("plan/65.md", "plan")).isFalse();
        // several stars: each piece in order
        assertThat(StepOutputs.matches("specs/a-tech-debt-cleanup.md", "a*debt*.md"))
                .isTrue();
        assertThat(StepOutputs.matches("anything", "*")).isTrue();
    }
}
