package io.prodigy.claude.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.claude.testing.MockMessagesApi.Reply;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mock speaks the Messages API's wire format: SSE events, whole JSON messages, error bodies, drops. */
class MockMessagesApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> post(MockMessagesApi api, boolean stream) throws Exception {
        String body = "{\"model\":\"claude-test\",\"max_tokens\":100,\"stream\":" + stream + ",\"messages\":[{\"role\":"
                + "\"user\",\"content\":\"hi\"}]}";
        return http.send(
                HttpRequest.newBuilder(URI.create(api.baseUrl() + "/v1/messages?beta=true"))
                        .header("x-api-key", "test")
                        .header("content-type", "application/json")
                        .timeout(Duration.ofSeconds(10))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aStreamedToolUseIsTheApisEventSequence() throws Exception {
        try (MockMessagesApi api = MockMessagesApi.start()) {
            api.enqueue(Reply.toolUse("Let me look.", "Bash", "{\"command\":\"ls -la\"}"));
            HttpResponse<String> r = post(api, true);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("content-type"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
            List<String> events = new ArrayList<>();
            StringBuilder json = new StringBuilder();
            JsonNode delta = null;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("event: ")) {
                    events.add(line.substring(7));
                } else if (line.startsWith("data: ")) {
                    JsonNode data = JSON.readTree(line.substring(6));
                    if ("input_json_delta"
                            .equals(data.path("delta").path("type").asText())) {
                        json.append(data.path("delta").path("partial_json").asText());
                    }
                    if ("message_delta".equals(data.path("type").asText())) {
                        delta = data;
                    }
                }
            }
            // the text in two pieces; the tool input as an empty delta and three pieces of JSON
            assertThat(events)
                    .containsExactly(
                            "message_start",
                            "content_block_start",
                            "ping",
                            "content_block_delta",
                            "content_block_delta",
                            "content_block_stop",
                            "content_block_start",
                            "content_block_delta",
                            "content_block_delta",
                            "content_block_delta",
                            "content_block_delta",
                            "content_block_stop",
                            "message_delta",
                            "message_stop");
            assertThat(JSON.readTree(json.toString()).path("command").asText()).isEqualTo("ls -la");
            assertThat(delta).isNotNull();
            assertThat(delta.path("delta").path("stop_reason").asText()).isEqualTo("tool_use");
            assertThat(delta.path("usage").path("output_tokens").asLong()).isEqualTo(40);
            assertThat(api.messageCalls())
                    .singleElement()
                    .satisfies(c -> assertThat(c.headers()).containsEntry("x-api-key", "test"));
        }
    }

    @Test
    void aRequestWithoutStreamGetsOneJsonMessage() throws Exception {
        try (MockMessagesApi api = MockMessagesApi.start()) {
            api.fallback(Reply.text("Plain answer."));
            HttpResponse<String> r = post(api, false);
            JsonNode m = JSON.readTree(r.body());
            assertThat(m.path("type").asText()).isEqualTo("message");
            assertThat(m.path("model").asText()).isEqualTo("claude-test");
            assertThat(m.path("content").get(0).path("text").asText()).isEqualTo("Plain answer.");
            assertThat(m.path("stop_reason").asText()).isEqualTo("end_turn");
            assertThat(m.path("usage").path("input_tokens").asLong()).isEqualTo(120);
        }
    }

    @Test
    void errorsCarryTheApisBodyAndRetryAfter() throws Exception {
        try (MockMessagesApi api = MockMessagesApi.start()) {
            api.enqueue(Reply.error(429, "rate_limit_error", "slow down", 7));
            HttpResponse<String> r = post(api, true);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("retry-after")).hasValue("7");
            JsonNode e = JSON.readTree(r.body());
            assertThat(e.path("type").asText()).isEqualTo("error");
            assertThat(e.path("error").path("type").asText()).isEqualTo("rate_limit_error");
            assertThat(e.path("error").path("message").asText()).isEqualTo("slow down");
            assertThat(post(api, true).statusCode()).as("then the fallback").isEqualTo(200);
        }
    }

    @Test
    void aDropClosesTheConnectionAndARefusingUrlRefuses() throws Exception {
        try (MockMessagesApi api = MockMessagesApi.start()) {
            api.fallback(Reply.drop());
            assertThatThrownBy(() -> post(api, true)).isInstanceOf(IOException.class);
        }
        String refusing = MockMessagesApi.refusingUrl();
        assertThat(refusing).startsWith("http://127.0.0.1:");
        assertThatThrownBy(() -> http.send(
                        HttpRequest.newBuilder(URI.create(refusing + "/v1/messages"))
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }
}
