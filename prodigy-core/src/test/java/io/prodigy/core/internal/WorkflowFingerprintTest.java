package io.prodigy.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.MapPhase;
import io.prodigy.api.RetryPolicy;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The workflow fingerprint that guards resume: stable across JVMs (map order), sensitive to every command and
 * control. Found by the crash test: the old fingerprint hashed {@code toString()}s, which iterate {@code Map.of}
 * in a per-JVM order (so a run resumed in another process was refused as "changed") and leave out the map
 * phase's agent template and every step's command past its label (so a real change went unnoticed).
 */
class WorkflowFingerprintTest {

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Workflow mapReduce(Map<String, Object> item, String command, String envFirst, String secret) {
        Workflow.MapReduceBuilder b = Workflow.mapReduce("wf");
        if (envFirst.equals("A")) {
            b.env("A", "1").env("B", "2");
        } else {
            b.env("B", "2").env("A", "1");
        }
        return b.secret("TOKEN", secret)
                .setup(Step.shell("echo setup"))
                .map(MapPhase.builder()
                        .input(WorkInput.values(List.of(item)))
                        .maxParallel(3)
                        .agentTemplate(Step.shell(command).retry(RetryPolicy.NONE)))
                .reduce(Step.shell("echo ${map.successful}"))
                .build();
    }

    @Test
    void theSameWorkflowWithMapsInAnotherOrderHasTheSameFingerprint() {
        Workflow a = mapReduce(ordered("n", 1, "fail", false, "sleep", "0.1"), "run ${item.n}", "A", "s1");
        Workflow b = mapReduce(ordered("sleep", "0.1", "fail", false, "n", 1), "run ${item.n}", "B", "s1");
        assertThat(WorkflowFingerprint.of(a))
                .isEqualTo(WorkflowFingerprint.of(b))
                .hasSize(64);
    }

    @Test
    void aChangedAgentCommandOrItemValueChangesTheFingerprint() {
        Workflow base = mapReduce(ordered("n", 1), "run ${item.n} --fast", "A", "s1");
        assertThat(WorkflowFingerprint.of(mapReduce(ordered("n", 1), "run ${item.n} --slow", "A", "s1")))
                .isNotEqualTo(WorkflowFingerprint.of(base));
        assertThat(WorkflowFingerprint.of(mapReduce(ordered("n", 2), "run ${item.n} --fast", "A", "s1")))
                .isNotEqualTo(WorkflowFingerprint.of(base));
    }

    @Test
    void controlsLeftUnsetAreNotPartOfTheCanonicalFormButSetOnesAre() {
        // a control added in a later version (here once_per_worktree) must not change the fingerprint of workflows
        // that do not use it: a run journaled before the upgrade still resumes
        Workflow plain = Workflow.sequential("seq", io.prodigy.api.Step.shell("make"));
        Workflow once =
                Workflow.sequential("seq", io.prodigy.api.Step.shell("make").oncePerWorktree(true));
        assertThat(WorkflowFingerprint.canonical(plain))
                .doesNotContain("oncePerWorktree")
                .doesNotContain("=~;")
                .doesNotContain("=false;");
        assertThat(WorkflowFingerprint.canonical(once)).contains("oncePerWorktree=true;");
        assertThat(WorkflowFingerprint.of(once)).isNotEqualTo(WorkflowFingerprint.of(plain));
    }

    @Test
    void aLongCommandChangedPastItsLabelChangesTheFingerprint() {
        String prefix = "x".repeat(200);
        Workflow a = Workflow.builder("seq")
                .steps(Step.shell(prefix + " one").build())
                .build();
        Workflow b = Workflow.builder("seq")
                .steps(Step.shell(prefix + " two").build())
                .build();
        assertThat(WorkflowFingerprint.of(a)).isNotEqualTo(WorkflowFingerprint.of(b));
    }

    @Test
    void secretValuesAreNotPartOfTheFingerprintButTheirNamesAre() {
        Workflow a = mapReduce(ordered("n", 1), "run", "A", "secret-one");
        Workflow b = mapReduce(ordered("n", 1), "run", "A", "secret-two");
        assertThat(WorkflowFingerprint.of(a)).isEqualTo(WorkflowFingerprint.of(b));
        assertThat(WorkflowFingerprint.canonical(a))
                .doesNotContain("secret-one")
                .contains("TOKEN");
    }
}
