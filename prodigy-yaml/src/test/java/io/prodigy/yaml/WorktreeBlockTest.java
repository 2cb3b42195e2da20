package io.prodigy.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import io.prodigy.api.IsolationHints;
import io.prodigy.api.IsolationHints.Mode;
import io.prodigy.api.IsolationHints.OnConflict;
import io.prodigy.api.Workflow;
import java.time.Duration;
import java.util.List;
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

    @Test
    void warmAndColdDirectoriesAreReadCheckedWhereWrittenAndRoundTrip() {
        Workflow wf = load("name: w\nmode: mapreduce\nworktree:\n  mode: reuse\n"
                        + "  warm_directories: [target, node_modules/, .venv]\n  cold_directories: build\n"
                        + "map:\n  input: items.json\n  agent_template:\n    - shell: make\n")
                .orThrow();
        assertThat(wf.isolation())
                .isEqualTo(IsolationHints.NONE
                        .withMode(Mode.REUSE)
                        .withWarmDirectories(List.of("target", "node_modules", ".venv"))
                        .withColdDirectories(List.of("build")));
        assertThat(WorkflowLoader.create()
                        .load(WorkflowWriter.write(wf), "again.yml")
                        .orThrow())
                .isEqualTo(wf);
        Workflow none = load("worktree: {warm_directories: []}\ncommands: [{shell: a}]\n")
                .orThrow();
        assertThat(none.isolation().warmDirectories()).isEmpty();
        assertThat(WorkflowLoader.create()
                        .load(WorkflowWriter.write(none), "again.yml")
                        .orThrow())
                .isEqualTo(none);

        LoadResult bad = load("worktree:\n  warm_directories:\n    - target\n    - src/gen\n"
                + "  cold_directories: [\"/abs\"]\ncommands: [{shell: a}]\n");
        assertThat(bad.errors()).hasSize(2);
        assertThat(bad.errors().get(0)).satisfies(p -> {
            assertThat(p.path()).isEqualTo("worktree.warm_directories[1]");
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.column()).isEqualTo(7);
            assertThat(p.message()).contains("not a plain directory name");
        });
        assertThat(bad.errors().get(1).message()).contains("cold directory '/abs'");
        assertThat(load("worktree: {warm_directories: {add: [x]}}\ncommands: [{shell: a}]\n")
                        .errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("expected a list of strings"));
        assertThat(load("worktree: {mode: on_demand, warm_directories: [x]}\ncommands: [{shell: a}]\n")
                        .errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("applies to the reused worktrees"));
        assertThat(load("worktree: {warm_directory: [x]}\ncommands: [{shell: a}]\n")
                        .errors())
                .singleElement()
                .satisfies(p -> assertThat(p.message()).contains("did you mean 'warm_directories'"));
    }
}
