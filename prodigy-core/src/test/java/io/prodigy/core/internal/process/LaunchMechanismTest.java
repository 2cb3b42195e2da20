package io.prodigy.core.internal.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LaunchMechanismTest {
    @Test
    void vforkIsPreferredOnLinuxBeforeJdk23UnlessTheJdkPropertyOrTheSwitchSaysOtherwise() {
        assertThat(LaunchMechanism.applies("Linux", 17, null, null)).isTrue();
        assertThat(LaunchMechanism.applies("Linux", 21, null, "auto")).isTrue();
        assertThat(LaunchMechanism.applies("Linux", 23, null, null))
                .as("deprecated from JDK 23")
                .isFalse();
        assertThat(LaunchMechanism.applies("Mac OS X", 17, null, null)).isFalse();
        assertThat(LaunchMechanism.applies("Linux", 17, "POSIX_SPAWN", null))
                .as("the host's choice")
                .isFalse();
        assertThat(LaunchMechanism.applies("Linux", 17, null, " JDK "))
                .as("the switch")
                .isFalse();
    }

    @Test
    void aChildStartsWithTheChosenMechanismAndRunsNormally() throws Exception {
        ProcessResult r = ProcessRunner.run(ProcessSpec.shell("echo $$; exit 3")
                .timeout(Duration.ofSeconds(30))
                .build());
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout().strip()).matches("\\d+");
        boolean expected = LaunchMechanism.applies(
                System.getProperty("os.name"),
                Runtime.version().feature(),
                null,
                System.getProperty(LaunchMechanism.PROPERTY, System.getenv(LaunchMechanism.VARIABLE)));
        if (expected) {
            assertThat(System.getProperty(LaunchMechanism.JDK_PROPERTY)).isEqualTo("VFORK");
        }
    }
}
