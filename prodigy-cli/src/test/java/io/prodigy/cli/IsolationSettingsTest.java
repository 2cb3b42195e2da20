package io.prodigy.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.IsolationHints;
import io.prodigy.api.IsolationHints.Mode;
import io.prodigy.api.IsolationHints.OnConflict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IsolationSettingsTest {
    @TempDir
    Path tmp;

    @Test
    void theWorkflowWinsKeyByKeyOverTheConfiguration() {
        IsolationHints config = new IsolationHints(Mode.POOLED, 8, null, OnConflict.AGENT, "/resolve",
                Duration.ofMinutes(5));
        IsolationHints workflow = new IsolationHints(null, null, null, OnConflict.AGENT, null, null);
        IsolationHints merged = IsolationSettings.merged(config, workflow);
        assertThat(merged).isEqualTo(config);
        IsolationHints other = IsolationSettings.merged(config, new IsolationHints(Mode.REUSE, null, null,
                OnConflict.DLQ, null, null));
        // settings of the configuration's mode and resolver do not leak into others
        assertThat(other).isEqualTo(new IsolationHints(Mode.REUSE, null, null, OnConflict.DLQ, null, null));
        assertThat(IsolationSettings.merged(IsolationHints.NONE, IsolationHints.NONE).isEmpty()).isTrue();
    }

    @Test
    void configYmlReadsTheWorktreeModeAndConflictHandling() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Files.writeString(home.resolve("config.yml"), "worktree:\n  mode: pooled\n  pool_size: 3\n"
                + "  on_conflict: agent\n  conflict_timeout: 10m\n");
        CliConfig c = CliConfig.load(home, null);
        assertThat(c.worktree()).isEqualTo(new IsolationHints(Mode.POOLED, 3, null, OnConflict.AGENT, null,
                Duration.ofMinutes(10)));
        Files.writeString(home.resolve("config.yml"), "worktree:\n  mode: pooles\n");
        assertThatThrownBy(() -> CliConfig.load(home, null)).isInstanceOf(CliException.class)
                .hasMessageContaining("worktree.mode").hasMessageContaining("pooled");
        Files.writeString(home.resolve("config.yml"), "worktree:\n  mode: dedicated\n");
        assertThatThrownBy(() -> CliConfig.load(home, null)).isInstanceOf(CliException.class)
                .hasMessageContaining("needs a 'name'");
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
