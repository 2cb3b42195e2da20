package io.prodigy.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files in the Rust tool 0.4.x's shape (src/test/resources/conformance-0.4, written for this project) that use the
 * keys its run path acts on: they load without a single warning, so no key upstream acts on is reported as ignored
 * and no variable as undefined.
 */
class Upstream04KeysTest {
    private static LoadResult load(String name) throws IOException {
        try (InputStream in = Upstream04KeysTest.class.getResourceAsStream("/conformance-0.4/" + name)) {
            assertThat(in).as(name).isNotNull();
            return WorkflowLoader.builder()
                    .environment(Map.of())
                    .build()
                    .load(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"standard-keys.yml", "mapreduce-keys.yml"})
    void keysUpstreamActsOnLoadWithoutWarnings(String file) throws IOException {
        LoadResult r = load(file);
        assertThat(r.problems()).as(r.report()).isEmpty();
    }

    @Test
    void outputsAndTheirVariablesAreKept() throws IOException {
        List<Step> steps =
                ((Stage.Steps) load("standard-keys.yml").orThrow().stages().get(0)).steps();
        assertThat(steps.get(0).id()).isEqualTo("coverage");
        assertThat(steps.get(0).outputs()).containsExactly(Map.entry("spec", "*-coverage-improvements.md"));
        assertThat(((io.prodigy.api.StepAction.Agent) steps.get(1).action()).command())
                .isEqualTo("/prodigy-implement-spec ${coverage.spec}");
    }
}
