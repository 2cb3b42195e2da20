package io.prodigy.claude.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A mock of the Anthropic Messages API on the loopback interface, for running the real Claude Code CLI offline
 * ({@code ANTHROPIC_BASE_URL=}{@link #baseUrl()}). {@code POST /v1/messages} answers with the next scripted
 * {@link Reply} ({@link #enqueue}), or the {@linkplain #fallback(Reply) fallback} or {@linkplain #responder responder}
 * when the script is used up: SSE
 * exactly as the real API streams it ({@code message_start}, {@code content_block_start}, {@code ping},
 * {@code content_block_delta} with {@code text_delta} or {@code input_json_delta}, {@code content_block_stop},
 * {@code message_delta} with the stop reason and usage, {@code message_stop}), one JSON message when the request
 * does not ask for a stream, an error body ({@code {"type":"error","error":{...},"request_id":...}}) with a
 * {@code retry-after} header, a dropped connection, or no answer at all. Every request is recorded. Any other path
 * gets 200 and an empty JSON object ({@code HEAD /} is the CLI's connectivity probe).
 */
public final class MockMessagesApi implements AutoCloseable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** What one {@code POST /v1/messages} gets. */
    public sealed interface Reply {
        /**
         * @param text the assistant's answer
         * @return a message with one text block, {@code stop_reason:"end_turn"}, the default usage
         */
        static Reply text(String text) {
            return new Message(List.of(new TextBlock(text)), "end_turn", Usage.DEFAULT);
        }

        /**
         * @param text the assistant's text before the call, or null
         * @param tool the tool name, e.g. {@code Bash}
         * @param input the tool input as a JSON object text, e.g. {@code {"command":"ls"}}
         * @return a message with an optional text block and one tool_use block, {@code stop_reason:"tool_use"}
         */
        static Reply toolUse(String text, String tool, String input) {
            List<Block> blocks = new ArrayList<>();
            if (text != null) {
                blocks.add(new TextBlock(text));
            }
            blocks.add(new ToolUseBlock("toolu_mock" + TOOL_IDS.incrementAndGet(), tool, input));
            return new Message(blocks, "tool_use", Usage.DEFAULT);
        }

        /**
         * @param status the HTTP status, e.g. 429, 529, 401, 400
         * @param type the error type, e.g. {@code rate_limit_error}, {@code overloaded_error}
         * @param message the error message
         * @param retryAfterSeconds the {@code retry-after} header, or null for none
         * @return an error reply
         */
        static Reply error(int status, String type, String message, Integer retryAfterSeconds) {
            return new ApiError(status, type, message, retryAfterSeconds);
        }

        /** @return a reply that closes the connection without a response */
        static Reply drop() {
            return Drop.INSTANCE;
        }

        /** @return a reply that never comes: the request stays open until the server is closed */
        static Reply hang() {
            return Hang.INSTANCE;
        }
    }

    /** A content block of a scripted message. */
    public sealed interface Block {}

    /** @param text the text */
    public record TextBlock(String text) implements Block {}

    /** @param id the tool_use id @param name the tool @param input the input, a JSON object text */
    public record ToolUseBlock(String id, String name, String input) implements Block {}

    /**
     * Token counts reported for one message.
     *
     * @param input input tokens
     * @param output output tokens
     * @param cacheRead cache read input tokens
     * @param cacheCreation cache creation input tokens
     */
    public record Usage(long input, long output, long cacheRead, long cacheCreation) {
        /** What a message reports unless told otherwise. */
        public static final Usage DEFAULT = new Usage(120, 40, 0, 0);
    }

    /**
     * An assistant message.
     *
     * @param blocks its content
     * @param stopReason {@code end_turn}, {@code tool_use}, ...
     * @param usage its token counts
     */
    public record Message(List<Block> blocks, String stopReason, Usage usage) implements Reply {
        /** Copies the blocks. */
        public Message {
            blocks = List.copyOf(blocks);
            Objects.requireNonNull(stopReason, "stopReason");
            Objects.requireNonNull(usage, "usage");
        }
    }

    /** An HTTP error. @param status the status @param type the error type @param message the message
     *  @param retryAfterSeconds the retry-after header or null */
    public record ApiError(int status, String type, String message, Integer retryAfterSeconds) implements Reply {}

    /** Closes the connection without a response. */
    public enum Drop implements Reply {
        /** The one instance. */
        INSTANCE
    }

    /** Never answers. */
    public enum Hang implements Reply {
        /** The one instance. */
        INSTANCE
    }

    /**
     * One recorded request.
     *
     * @param method the HTTP method
     * @param uri the path and query
     * @param headers the headers, names lower case
     * @param body the parsed JSON body, or null
     * @param reply what it got (null for requests other than {@code POST /v1/messages})
     */
    public record Request(String method, String uri, Map<String, String> headers, JsonNode body, Reply reply) {
        /** @return whether this is a Messages API call */
        public boolean isMessages() {
            return "POST".equals(method) && uri.startsWith("/v1/messages");
        }

        /** @return the text of every {@code tool_result} block in the request's last user message */
        public List<String> toolResults() {
            List<String> out = new ArrayList<>();
            JsonNode messages = body == null ? null : body.get("messages");
            if (messages == null || !messages.isArray() || messages.isEmpty()) {
                return out;
            }
            JsonNode content = messages.get(messages.size() - 1).get("content");
            if (content != null && content.isArray()) {
                for (JsonNode block : content) {
                    if ("tool_result".equals(block.path("type").asText())) {
                        JsonNode c = block.get("content");
                        out.add(c == null ? "" : c.isTextual() ? c.textValue() : c.toString());
                    }
                }
            }
            return out;
        }
    }

    private static final AtomicInteger TOOL_IDS = new AtomicInteger();
    private static final AtomicInteger IDS = new AtomicInteger();

    private final HttpServer server;
    private final ExecutorService executor;
    private final Deque<Reply> script = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private Function<Request, Reply> responder = request -> Reply.text("OK");

    private MockMessagesApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "mock-messages-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts a server on 127.0.0.1 and a free port.
     *
     * @return the running server; close it
     * @throws IOException if it cannot bind
     */
    public static MockMessagesApi start() throws IOException {
        return new MockMessagesApi();
    }

    /**
     * A loopback URL on which nothing listens (a port bound and released), for a refused connection.
     *
     * @return the URL
     * @throws IOException if no port can be bound
     */
    public static String refusingUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    /** @return {@code http://127.0.0.1:<port>} */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Scripts the next replies, in order.
     *
     * @param replies the replies
     * @return this
     */
    public synchronized MockMessagesApi enqueue(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /**
     * @param reply what every request gets once the script is used up (default a text {@code OK})
     * @return this
     */
    public synchronized MockMessagesApi fallback(Reply reply) {
        Objects.requireNonNull(reply, "reply");
        this.responder = request -> reply;
        return this;
    }

    /**
     * @param answer decides what each request gets once the script is used up, from the request (its
     *               {@link Request#reply()} is null); called concurrently for concurrent sessions
     * @return this
     */
    public synchronized MockMessagesApi responder(Function<Request, Reply> answer) {
        this.responder = Objects.requireNonNull(answer, "answer");
        return this;
    }

    /** @return every request so far, in arrival order */
    public synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    /** @return the Messages API calls so far */
    public synchronized List<Request> messageCalls() {
        return requests.stream().filter(Request::isMessages).toList();
    }

    /**
     * Waits until at least {@code n} Messages API calls arrived.
     *
     * @param n the count
     * @param timeout the longest wait
     * @return whether they arrived
     * @throws InterruptedException if interrupted
     */
    public boolean awaitMessageCalls(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (messageCalls().size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] raw;
        try (InputStream in = exchange.getRequestBody()) {
            raw = in.readAllBytes();
        }
        JsonNode body = null;
        if (raw.length > 0) {
            try {
                body = MAPPER.readTree(raw);
            } catch (IOException e) {
                body = null;
            }
        }
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
        String method = exchange.getRequestMethod();
        String uri = exchange.getRequestURI().toString();
        boolean messages =
                "POST".equals(method) && exchange.getRequestURI().getPath().equals("/v1/messages");
        Reply reply = null;
        Function<Request, Reply> answer;
        synchronized (this) {
            if (messages && !script.isEmpty()) {
                reply = script.poll();
            }
            answer = responder;
        }
        if (messages && reply == null) {
            reply = Objects.requireNonNull(
                    answer.apply(new Request(method, uri, Map.copyOf(headers), body, null)),
                    "the responder returned no reply");
        }
        synchronized (this) {
            requests.add(new Request(method, uri, Map.copyOf(headers), body, reply));
            notifyAll();
        }
        if (!messages) {
            byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("content-type", "application/json");
            if ("HEAD".equals(method)) {
                exchange.sendResponseHeaders(200, -1);
            } else {
                exchange.sendResponseHeaders(200, empty.length);
                exchange.getResponseBody().write(empty);
            }
            exchange.close();
            return;
        }
        String model = body == null ? "claude-mock" : body.path("model").asText("claude-mock");
        boolean stream = body != null && body.path("stream").asBoolean(false);
        if (reply instanceof Drop) {
            // no response: HttpServer closes the connection when a handler throws before sending headers
            throw new IOException("mock: dropping the connection");
        }
        if (reply instanceof Hang) {
            try {
                closed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("mock: closed while hanging");
        }
        exchange.getResponseHeaders().set("request-id", "req_mock" + IDS.incrementAndGet());
        if (reply instanceof ApiError e) {
            ObjectNode err = JSON.objectNode();
            err.put("type", "error");
            err.putObject("error").put("type", e.type()).put("message", e.message());
            err.put("request_id", "req_mock" + IDS.incrementAndGet());
            byte[] bytes = MAPPER.writeValueAsBytes(err);
            exchange.getResponseHeaders().set("content-type", "application/json");
            if (e.retryAfterSeconds() != null) {
                exchange.getResponseHeaders()
                        .set("retry-after", e.retryAfterSeconds().toString());
            }
            exchange.sendResponseHeaders(e.status(), bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            return;
        }
        Message m = (Message) reply;
        String id = "msg_mock" + IDS.incrementAndGet();
        if (!stream) {
            byte[] bytes = MAPPER.writeValueAsBytes(wholeMessage(id, model, m));
            exchange.getResponseHeaders().set("content-type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("content-type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("cache-control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            streamMessage(out, id, model, m);
        }
    }

    private static ObjectNode wholeMessage(String id, String model, Message m) {
        ObjectNode msg = messageHead(id, model, m.usage(), false);
        ArrayNode content = msg.putArray("content");
        for (Block b : m.blocks()) {
            if (b instanceof TextBlock t) {
                content.addObject().put("type", "text").put("text", t.text());
            } else if (b instanceof ToolUseBlock u) {
                ObjectNode block = content.addObject()
                        .put("type", "tool_use")
                        .put("id", u.id())
                        .put("name", u.name());
                block.set("input", parse(u.input()));
            }
        }
        msg.put("stop_reason", m.stopReason());
        msg.putNull("stop_sequence");
        return msg;
    }

    private static ObjectNode messageHead(String id, String model, Usage usage, boolean start) {
        ObjectNode msg = JSON.objectNode();
        msg.put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        if (start) {
            msg.putArray("content");
            msg.putNull("stop_reason");
            msg.putNull("stop_sequence");
        }
        ObjectNode u = msg.putObject("usage");
        u.put("input_tokens", usage.input())
                .put("cache_creation_input_tokens", usage.cacheCreation())
                .put("cache_read_input_tokens", usage.cacheRead())
                .put("output_tokens", start ? 1 : usage.output())
                .put("service_tier", "standard");
        return msg;
    }

    private static void streamMessage(OutputStream out, String id, String model, Message m) throws IOException {
        ObjectNode start = JSON.objectNode().put("type", "message_start");
        start.set("message", messageHead(id, model, m.usage(), true));
        event(out, "message_start", start);
        int index = 0;
        for (Block b : m.blocks()) {
            ObjectNode blockStart =
                    JSON.objectNode().put("type", "content_block_start").put("index", index);
            if (b instanceof TextBlock t) {
                blockStart.putObject("content_block").put("type", "text").put("text", "");
                event(out, "content_block_start", blockStart);
                if (index == 0) {
                    event(out, "ping", JSON.objectNode().put("type", "ping"));
                }
                for (String piece : pieces(t.text())) {
                    ObjectNode delta =
                            JSON.objectNode().put("type", "content_block_delta").put("index", index);
                    delta.putObject("delta").put("type", "text_delta").put("text", piece);
                    event(out, "content_block_delta", delta);
                }
            } else if (b instanceof ToolUseBlock u) {
                blockStart
                        .putObject("content_block")
                        .put("type", "tool_use")
                        .put("id", u.id())
                        .put("name", u.name())
                        .putObject("input");
                event(out, "content_block_start", blockStart);
                ObjectNode empty =
                        JSON.objectNode().put("type", "content_block_delta").put("index", index);
                empty.putObject("delta").put("type", "input_json_delta").put("partial_json", "");
                event(out, "content_block_delta", empty);
                for (String piece : pieces(u.input())) {
                    ObjectNode delta =
                            JSON.objectNode().put("type", "content_block_delta").put("index", index);
                    delta.putObject("delta").put("type", "input_json_delta").put("partial_json", piece);
                    event(out, "content_block_delta", delta);
                }
            }
            event(
                    out,
                    "content_block_stop",
                    JSON.objectNode().put("type", "content_block_stop").put("index", index));
            index++;
        }
        ObjectNode delta = JSON.objectNode().put("type", "message_delta");
        delta.putObject("delta").put("stop_reason", m.stopReason()).putNull("stop_sequence");
        delta.putObject("usage")
                .put("input_tokens", m.usage().input())
                .put("cache_creation_input_tokens", m.usage().cacheCreation())
                .put("cache_read_input_tokens", m.usage().cacheRead())
                .put("output_tokens", m.usage().output());
        event(out, "message_delta", delta);
        event(out, "message_stop", JSON.objectNode().put("type", "message_stop"));
    }

    /** Splits a text into a few pieces, as the API streams it in chunks. */
    private static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int step = Math.max(8, text.length() / 3);
        for (int i = 0; i < text.length(); i += step) {
            out.add(text.substring(i, Math.min(text.length(), i + step)));
        }
        if (out.isEmpty()) {
            out.add("");
        }
        return out;
    }

    private static void event(OutputStream out, String name, ObjectNode data) throws IOException {
        out.write(("event: " + name + "\ndata: " + MAPPER.writeValueAsString(data) + "\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }
}
