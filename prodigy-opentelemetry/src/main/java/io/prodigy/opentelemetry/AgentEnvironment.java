package io.prodigy.opentelemetry;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.prodigy.api.spi.AgentRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The environment an agent process gets so that its own telemetry joins the trace. */
final class AgentEnvironment {
    static final String RESOURCE_ATTRIBUTES = "OTEL_RESOURCE_ATTRIBUTES";

    private AgentEnvironment() {}

    /**
     * @param context the agent span's context (with the run's baggage)
     * @param propagator writes the trace headers
     * @param extra the configured telemetry variables; the step's own environment wins over them
     * @param request the agent request
     * @return the request's environment plus the telemetry variables and the trace context headers
     */
    static Map<String, String> of(
            Context context, TextMapPropagator propagator, Map<String, String> extra, AgentRequest request) {
        Map<String, String> env = new LinkedHashMap<>(extra);
        env.putAll(request.environment());
        propagator.inject(context, env, (carrier, key, value) -> {
            if (carrier != null) {
                carrier.put(variable(key), value);
            }
        });
        String existing = env.getOrDefault(RESOURCE_ATTRIBUTES, System.getenv(RESOURCE_ATTRIBUTES));
        StringBuilder attributes = new StringBuilder();
        if (existing != null && !existing.isBlank()) {
            attributes.append(existing.strip()).append(',');
        }
        attributes.append(ProdigyTracing.RUN_ID_KEY).append('=').append(encode(request.runId()));
        if (request.itemId() != null) {
            attributes.append(",prodigy.item.id=").append(encode(request.itemId()));
        }
        env.put(RESOURCE_ATTRIBUTES, attributes.toString());
        return env;
    }

    /** {@code traceparent} becomes {@code TRACEPARENT}; {@code x-b3-traceid} becomes {@code X_B3_TRACEID}. */
    static String variable(String header) {
        return header.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** Percent-encodes a value as OTEL_RESOURCE_ATTRIBUTES requires (W3C baggage octets). */
    static String encode(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
