package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.IsolationHints;
import io.prodigy.api.IsolationHints.Mode;
import io.prodigy.api.IsolationHints.OnConflict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsolationSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void theWorkflowWinsKeyByKeyOverTheConfiguration() {
        IsolationHints config = IsolationHints.NONE
                .withMode(Mode.POOLED)
                .withPoolSize(8)
                .withOnConflict(OnConflict.AGENT)
                .withConflictCommand("/resolve")
                .withConflictTimeout(Duration.ofMinutes(5));
        IsolationHints workflow = IsolationHints.NONE.withOnConflict(OnConflict.AGENT);
        IsolationHints merged = IsolationSettings.merged(config, workflow);
        assertThat(merged).isEqualTo(config);
        IsolationHints reuse = IsolationHints.NONE.withMode(Mode.REUSE).withOnConflict(OnConflict.DLQ);
        IsolationHints other = IsolationSettings.merged(config, reuse);
        // settings of the configuration's mode and resolver do not leak into others
        assertThat(other).isEqualTo(reuse);
        assertThat(IsolationSettings.merged(IsolationHints.NONE, IsolationHints.NONE)
                        .isEmpty())
                .isTrue();
    }

    @Test
    void configYmlReadsTheWorktreeModeAndConflictHandling() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(
                home.resolve("config.yml"),
                "worktree:\n  mode: pooled\n  pool_size: 3\n" + "  on_conflict: agent\n  conflict_timeout: 10m\n");
        CliConfig c = CliConfig.load(home, null);
        assertThat(c.worktree())
                .isEqualTo(IsolationHints.NONE
                        .withMode(Mode.POOLED)
                        .withPoolSize(3)
                        .withOnConflict(OnConflict.AGENT)
                        .withConflictTimeout(Duration.ofMinutes(10)));
        Files.writeString(home.resolve("config.yml"), "worktree:\n  mode: pooles\n");
        assertThatThrownBy(() -> CliConfig.load(home, null))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("worktree.mode")
                .hasMessageContaining("pooled");
        Files.writeString(home.resolve("config.yml"), "worktree:\n  mode: dedicated\n");
        assertThatThrownBy(() -> CliConfig.load(home, null))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("needs a 'name'");
    }

    @Test
    void configYmlReadsWarmAndColdDirectoriesAndTheWorkflowWinsKeyByKey() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path project = Files.createDirectories(tmp.resolve("project/.prodigy")).getParent();
        Files.writeString(home.resolve("config.yml"), "worktree:\n  warm_directories: [target/, node_modules]\n");
        Files.writeString(project.resolve(".prodigy/config.yml"), "worktree:\n  cold_directories: build\n");
        CliConfig c = CliConfig.load(home, project);
        assertThat(c.worktree())
                .isEqualTo(IsolationHints.NONE
                        .withWarmDirectories(List.of("target", "node_modules"))
                        .withColdDirectories(List.of("build")));
        IsolationHints merged = IsolationSettings.merged(
                c.worktree(), IsolationHints.NONE.withMode(Mode.REUSE).withWarmDirectories(List.of(".venv")));
        assertThat(merged.warmDirectories()).containsExactly(".venv");
        assertThat(merged.coldDirectories()).containsExactly("build");
        assertThat(IsolationSettings.merged(c.worktree(), IsolationHints.NONE.withColdDirectories(List.of()))
                        .coldDirectories())
                .as("an empty list in the workflow wins too")
                .isEmpty();

        Files.writeString(home.resolve("config.yml"), "worktree:\n  warm_directories: [target, src/gen]\n");
        assertThatThrownBy(() -> CliConfig.load(home, null))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("config.yml: error: worktree.warm_directories[1]")
                .hasMessageContaining("not a plain directory name");
        Files.writeString(home.resolve("config.yml"), "worktree:\n  cold_directories: [{a: 1}]\n");
        assertThatThrownBy(() -> CliConfig.load(home, null))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("worktree.cold_directories[0]")
                .hasMessageContaining("expected a directory name");
        Files.writeString(home.resolve("config.yml"), "worktree:\n  warm_directory: [target]\n");
        assertThatThrownBy(() -> CliConfig.load(home, null))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("did you mean 'warm_directories'");
    }

    @Test
    void mapInputsAreTheFileNamesUpToTheirFirstDash() throws Exception {
        Files.createDirectories(tmp.resolve("specs/sub"));
        Files.writeString(tmp.resolve("specs/65-cook-refactor.md"), "");
        Files.writeString(tmp.resolve("specs/plain.md"), "");
        Files.writeString(tmp.resolve("specs/sub/70-deep.md"), "");
        Files.writeString(tmp.resolve("specs/notes.txt"), "");
        assertThat(MapInputs.of(tmp, "specs/*.md")).containsExactly("65", "plain");
        assertThat(MapInputs.of(tmp, "specs/**/*.md")).containsExactly("70");
        assertThat(MapInputs.of(tmp, "missing/*.md")).isEmpty();
    }
}
