package io.prodigy.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.IsolationHints;
import io.prodigy.api.IsolationHints.Mode;
import io.prodigy.api.IsolationHints.OnConflict;
import io.prodigy.api.Workflow;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorktreeBlockTest {
    private static LoadResult load(String yaml) {
        return WorkflowLoader.create().load(yaml, "wf.yml");
    }

    @Test
    void theWorktreeBlockSelectsTheModeAndTheConflictHandlingAndRoundTrips() {
        Workflow wf = load("name: w\nmode: mapreduce\nworktree:\n  mode: pooled\n  pool_size: 3\n"
                        + "  on_conflict: agent\n  conflict_timeout: 300\nmap:\n  input: items.json\n"
                        + "  agent_template:\n    - shell: make\n")
                .orThrow();
        assertThat(wf.isolation())
                .isEqualTo(IsolationHints.NONE
                        .withMode(Mode.POOLED)
                        .withPoolSize(3)
                        .withOnConflict(OnConflict.AGENT)
                        .withConflictTimeout(Duration.ofMinutes(5)));
        assertThat(WorkflowLoader.create()
                        .load(WorkflowWriter.write(wf), "again.yml")
                        .orThrow())
                .isEqualTo(wf);
        assertThat(load("worktree: {on_conflict: merge_steps}\nmerge: [{shell: fix}]\ncommands: [{shell: a}]\n")
                        .orThrow()
                        .isolation()
                        .onConflict())
                .isEqualTo(OnConflict.MERGE_STEPS);
        assertThat(load("commands: [{shell: a}]\n").orThrow().isolation()).isEqualTo(IsolationHints.NONE);
    }

    @Test
    void mistakesAreErrorsWithTheirPlace() {
        assertThat(load("worktree: {mode: pool}\ncommands: [{shell: a}]\n").errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("did you mean 'pooled'"));
        assertThat(load("worktree: {mode: dedicated}\ncommands: [{shell: a}]\n").errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("needs a 'name'"));
        assertThat(load("worktree: {on_conflict: merge_steps}\ncommands: [{shell: a}]\n")
                        .errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("has none"));
        assertThat(load("worktree: {mode: reuse, pool_size: 2}\ncommands: [{shell: a}]\n")
                        .errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("pool_size applies to mode: pooled"));
        assertThat(load("worktree: {mdoe: reuse}\ncommands: [{shell: a}]\n").errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("did you mean 'mode'"));
    }
}
