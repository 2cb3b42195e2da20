package io.prodigy.core.internal.engine.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prodigy.api.StepAction;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepActionsTest {

    @Test
    void theStandardHandlersCoverEveryKindOfAction() {
        StepActions actions = StepActions.standard();

        assertThat(actions.command(new StepAction.Shell("make ${target}")))
                .isEqualTo(new StepActionHandler.Command("shell: ", "make ${target}"));
        assertThat(actions.command(new StepAction.Agent("/fix ${item}")))
                .isEqualTo(new StepActionHandler.Command("claude: ", "/fix ${item}"));
        assertThat(actions.command(new StepAction.WriteFile("out.txt", "x", null, null, false)))
                .isNull();
    }

    @Test
    void aKindWithoutAHandlerIsRefusedWhenTheRegistryIsBuilt() {
        assertThatThrownBy(() -> new StepActions(List.of(new ShellAction(), new AgentAction(), new WriteFileAction())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no handler for the step action Foreach");
    }

    @Test
    void twoHandlersForOneKindAreRefused() {
        assertThatThrownBy(() -> new StepActions(List.of(
                        new ShellAction(),
                        new ShellAction(),
                        new AgentAction(),
                        new WriteFileAction(),
                        new ForeachAction())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two handlers for Shell");
    }
}
