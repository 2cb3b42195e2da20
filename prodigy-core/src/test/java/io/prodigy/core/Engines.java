package io.prodigy.core;

import io.prodigy.api.event.RunEvent;
import io.prodigy.api.event.RunListener;
import io.prodigy.api.spi.AgentRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Test fixtures: an engine on temporary directories and a recording listener. */
final class Engines {
    private Engines() {}

    static Prodigy.Builder on(Path dir) {
        return Prodigy.builder()
                .workingDirectory(dir)
                .home(dir.resolve(".prodigy-home"))
                .isolation(DirectoryIsolation.shared());
    }

    static Prodigy on(Path dir, AgentRunner agent, RunListener listener) {
        return on(dir).agentRunner(agent).listener(listener).build();
    }

    /** Records every event; thread-safe. */
    static final class Recorder implements RunListener {
        final List<RunEvent> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onEvent(RunEvent event) {
            events.add(event);
        }

        <T extends RunEvent> List<T> of(Class<T> type) {
            List<T> out = new ArrayList<>();
            synchronized (events) {
                for (RunEvent e : events) {
                    if (type.isInstance(e)) {
                        out.add(type.cast(e));
                    }
                }
            }
            return out;
        }
    }
}
