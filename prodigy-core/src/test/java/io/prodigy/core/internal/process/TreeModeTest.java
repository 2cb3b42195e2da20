package io.prodigy.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TreeModeTest {
    @Test
    void theConfiguredModeWinsWhereItCanWork() {
        assertThat(TreeMode.choose(null, true)).isEqualTo(TreeMode.PROCESS_GROUP);
        assertThat(TreeMode.choose("auto", true)).isEqualTo(TreeMode.PROCESS_GROUP);
        assertThat(TreeMode.choose(null, false)).isEqualTo(TreeMode.DESCENDANTS);
        assertThat(TreeMode.choose("descendants", true)).isEqualTo(TreeMode.DESCENDANTS);
        assertThat(TreeMode.choose(" Descendants ", true)).isEqualTo(TreeMode.DESCENDANTS);
        assertThat(TreeMode.choose("process-group", true)).isEqualTo(TreeMode.PROCESS_GROUP);
        // process groups need setsid and /proc; an unknown value means auto
        assertThat(TreeMode.choose("process-group", false)).isEqualTo(TreeMode.DESCENDANTS);
        assertThat(TreeMode.choose("fastest", true)).isEqualTo(TreeMode.PROCESS_GROUP);
    }

    @Test
    void theModeInUseFollowsTheEnvironment() {
        String configured = System.getProperty(TreeMode.MODE_PROPERTY, System.getenv(TreeMode.MODE_VARIABLE));
        assertThat(TreeMode.DEFAULT).isEqualTo(TreeMode.choose(configured, TreeMode.SETSID.isPresent()));
    }
}
