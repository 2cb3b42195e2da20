package io.prodigy.yaml;

import io.prodigy.api.spi.AgentRequest;
import io.prodigy.api.spi.AgentResult;
import io.prodigy.api.spi.AgentRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Stands in for Claude: records every agent command (as interpolated by the engine), optionally acts on the
 * workspace, and succeeds with {@code done: <command>} as its output.
 */
final class RecordingAgent implements AgentRunner {
    private final List<String> commands = new ArrayList<>();
    private final BiConsumer<String, Path> action;

    RecordingAgent() {
        this((command, workspace) -> {});
    }

    /** @param action what the agent does in the workspace for a command (may throw IOException wrapped) */
    RecordingAgent(BiConsumer<String, Path> action) {
        this.action = action;
    }

    @Override
    public AgentResult run(AgentRequest request) {
        synchronized (commands) {
            commands.add(request.command());
        }
        action.accept(request.command(), request.workspace());
        return AgentResult.success("done: " + request.command());
    }

    /** @return the commands run so far, in order of arrival */
    List<String> commands() {
        synchronized (commands) {
            return List.copyOf(commands);
        }
    }

    /** Rethrows an IOException unchecked, for agent actions. */
    static void io(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An action that may fail with an IOException. */
    interface IoAction {
        void run() throws IOException;
    }
}
