package io.prodigy.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessSpecTest {

    @Test
    void hasDefaults() {
        ProcessSpec spec = ProcessSpec.builder(List.of("git", "status")).build();

        assertThat(spec.argv()).containsExactly("git", "status");
        assertThat(spec.workingDirectory()).isEmpty();
        assertThat(spec.inheritEnvironment()).isTrue();
        assertThat(spec.environment()).isEmpty();
        assertThat(spec.removedEnvironment()).isEmpty();
        assertThat(spec.timeout()).isEmpty();
        assertThat(spec.killGracePeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(spec.maxCapturedBytes()).isEqualTo(16L << 20);
        assertThat(spec.stdoutFile()).isEmpty();
        assertThat(spec.lineListener()).isEmpty();
    }

    @Test
    void shellRunsShDashC() {
        assertThat(ProcessSpec.shell("echo hi").build().argv()).containsExactly("sh", "-c", "echo hi");
    }

    @Test
    void isImmutable() {
        Map<String, String> environment = new HashMap<>(Map.of("A", "1"));
        ProcessSpec.Builder builder =
                ProcessSpec.shell("true").environment(environment).timeout(Duration.ofSeconds(1));
        ProcessSpec first = builder.build();
        environment.put("B", "2");
        builder.environment(Map.of("C", "3")).removeEnvironment("D").timeout(null);

        assertThat(first.environment()).containsExactly(Map.entry("A", "1"));
        assertThat(first.removedEnvironment()).isEmpty();
        assertThat(first.timeout()).contains(Duration.ofSeconds(1));
        assertThatThrownBy(() -> first.environment().put("X", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void toStringLeavesOutArguments() {
        ProcessSpec spec = ProcessSpec.builder(List.of("curl", "-H", "Authorization: secret"))
                .workingDirectory(Path.of("/work"))
                .build();

        assertThat(spec.toString()).contains("curl", "2 argument(s)", "/work").doesNotContain("secret");
    }

    @Test
    void rejectsInvalidValues() {
        assertThatThrownBy(() -> ProcessSpec.builder(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcessSpec.builder(List.of(""))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ProcessSpec.builder(List.of("a", "b\0c")))
                .isInstanceOf(IllegalArgumentException.class);
        ProcessSpec.Builder builder = ProcessSpec.shell("true");
        assertThatThrownBy(() -> builder.timeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.killGracePeriod(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxCapturedBytes(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.maxCapturedBytes((1L << 30) + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.environment(Map.of("A=B", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.environment(Map.of("A", "x\0"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.removeEnvironment("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(builder.killGracePeriod(Duration.ZERO)
                        .maxCapturedBytes(0)
                        .build()
                        .killGracePeriod())
                .isZero();
    }
}
