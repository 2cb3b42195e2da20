package io.prodigy.claude;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.claude.internal.AgentInvocation;
import io.prodigy.claude.internal.ProcessTimeouts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Both runner builders take their time limits through one {@link ProcessTimeouts}: same checks, same messages. */
class RunnerTimeoutsTest {

    @Test
    void bothBuildersRejectTheSameValuesWithTheSameMessages() {
        ClaudeCodeRunner.Builder claude = ClaudeCodeRunner.builder();
        CommandAgentRunner.Builder command = CommandAgentRunner.builder("agent", "{prompt}");

        assertThatThrownBy(() -> claude.resultGrace(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resultGrace must be positive, got PT0S");
        assertThatThrownBy(() -> command.resultGrace(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("resultGrace must be positive, got PT0S");
        assertThatThrownBy(() -> claude.resultGrace(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("resultGrace");
        assertThatThrownBy(() -> command.resultGrace(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("resultGrace");
        assertThatThrownBy(() -> claude.startupTimeout(Duration.ofSeconds(-1)))
                .hasMessage("startupTimeout must be positive, got PT-1S");
        assertThatThrownBy(() -> command.startupTimeout(Duration.ofSeconds(-1)))
                .hasMessage("startupTimeout must be positive, got PT-1S");
        assertThatThrownBy(() -> claude.killGracePeriod(Duration.ofSeconds(-1)))
                .hasMessage("killGracePeriod cannot be negative, got PT-1S");
        assertThatThrownBy(() -> command.killGracePeriod(Duration.ofSeconds(-1)))
                .hasMessage("killGracePeriod cannot be negative, got PT-1S");
        assertThatThrownBy(() -> command.killGracePeriod(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("killGracePeriod");
    }

    @Test
    void aRejectedValueLeavesTheOthersAndNullStartupMeansNoLimit() {
        ProcessTimeouts t = ProcessTimeouts.defaults(Duration.ofMinutes(2)).withKillGracePeriod(Duration.ZERO);
        assertThatThrownBy(() -> t.withResultGrace(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThat(t).isEqualTo(new ProcessTimeouts(Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ZERO));
        assertThat(t.withStartupTimeout(null).startupTimeout()).isNull();
        assertThat(t.settings("Codex"))
                .isEqualTo(new AgentInvocation.Settings(
                        "Codex", Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ZERO));
    }
}
