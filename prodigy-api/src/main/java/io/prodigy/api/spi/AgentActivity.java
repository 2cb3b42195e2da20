package io.prodigy.api.spi;

import java.util.Map;

/**
 * Something an agent did while it ran (a tool call, a message, its session starting), reported by an
 * {@link AgentRunner} through {@link AgentRequest#activity()} and forwarded to run listeners as
 * {@link io.prodigy.api.event.RunEvent.AgentActivity}.
 *
 * @param type a short type such as {@code session_started}, {@code tool_use}, {@code message}, {@code usage}
 * @param summary one line for humans, e.g. {@code Edit src/main.rs}
 * @param details extra fields (tool name, model, token counts) as text
 * @since 0.1
 */
public record AgentActivity(String type, String summary, Map<String, String> details) {
    /**
     * Copies.
     *
     * @param type a short type such as {@code session_started}, {@code tool_use}, {@code message}, {@code usage}
     * @param summary one line for humans, e.g. {@code Edit src/main.rs}
     * @param details extra fields (tool name, model, token counts) as text
     */
    public AgentActivity {
        details = details == null ? Map.of() : Map.copyOf(details);
        summary = summary == null ? "" : summary;
    }
}
