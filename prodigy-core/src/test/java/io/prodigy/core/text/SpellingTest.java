package io.prodigy.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpellingTest {

    @Test
    void distanceCountsInsertionsDeletionsSubstitutionsAndAdjacentSwaps() {
        assertThat(Spelling.distance("name", "name")).isZero();
        assertThat(Spelling.distance("", "abc")).isEqualTo(3);
        assertThat(Spelling.distance("abc", "")).isEqualTo(3);
        assertThat(Spelling.distance("nme", "name")).isEqualTo(1);
        assertThat(Spelling.distance("names", "name")).isEqualTo(1);
        assertThat(Spelling.distance("nbme", "name")).isEqualTo(1);
        assertThat(Spelling.distance("nmae", "name")).isEqualTo(1);
        assertThat(Spelling.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Spelling.distance("Name", "name")).isEqualTo(1);
    }

    @Test
    void closestIsTheNearestWithinTheLimitAndTheFirstOfEquallyNearOnes() {
        List<String> candidates = List.of("commands", "steps", "tasks", "stage");
        assertThat(Spelling.closest("stpes", candidates, 2)).isEqualTo("steps");
        assertThat(Spelling.closest("comands", candidates, 2)).isEqualTo("commands");
        assertThat(Spelling.closest("zzzzzz", candidates, 2)).isNull();
        assertThat(Spelling.closest("stags", List.of("steps", "stage", "stags2"), 2))
                .isEqualTo("stage");
        assertThat(Spelling.closest("ab", List.of("xb", "ay"), 1)).isEqualTo("xb");
        assertThat(Spelling.closest("ab", List.of("ay", "xb"), 1)).isEqualTo("ay");
        assertThat(Spelling.closest("steps", candidates, 0)).isEqualTo("steps");
        assertThat(Spelling.closest("anything", List.of(), Integer.MAX_VALUE)).isNull();
        assertThat(Spelling.closest("x", List.of("far away"), Integer.MAX_VALUE))
                .isEqualTo("far away");
    }

    @Test
    void closestIgnoringCaseComparesLowerCaseAndReturnsTheCandidateAsSpelt() {
        assertThat(Spelling.closest("STEPS", List.of("steps"), 2)).isNull();
        assertThat(Spelling.closestIgnoringCase("STEPS", List.of("Steps"), 0)).isEqualTo("Steps");
        assertThat(Spelling.closestIgnoringCase("Comands", List.of("commands"), 1))
                .isEqualTo("commands");
    }

    @Test
    void nullsAreRejectedByName() {
        assertThatThrownBy(() -> Spelling.distance(null, "a")).hasMessage("a");
        assertThatThrownBy(() -> Spelling.closest(null, List.of(), 1)).hasMessage("name");
        assertThatThrownBy(() -> Spelling.closest("a", null, 1)).hasMessage("candidates");
    }
}
