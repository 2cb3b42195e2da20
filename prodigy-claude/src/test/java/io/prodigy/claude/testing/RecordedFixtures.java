package io.prodigy.claude.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prodigy.api.spi.AgentResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The stream-json the real Claude Code CLI printed in {@code RealClaudeCliTest}, kept as decoder fixtures in
 * {@code src/test/resources/io/prodigy/claude/fixtures/claude-code-<version>/<scenario>.jsonl} (machine paths
 * replaced by {@code /fixture}, the mock's port by 8080) with the exit codes in {@code exit-codes.properties}.
 * Re-record them with {@code -Dprodigy.claude.recordFixtures=<directory>} and copy them over.
 *
 * <p>{@link #shape(List)} reduces a stream to what the runner depends on, so the test double can be held to it.
 */
public final class RecordedFixtures {
    /** The system property naming the directory that receives recorded fixtures. */
    public static final String RECORD_PROPERTY = "prodigy.claude.recordFixtures";
    /** The classpath folder of the fixtures of the pinned version. */
    public static final String RESOURCE_FOLDER =
            "/io/prodigy/claude/fixtures/claude-code-" + RealClaudeCli.VERSION + "/";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RecordedFixtures() {}

    /**
     * Writes the run's transcript as the fixture {@code name} when {@value #RECORD_PROPERTY} is set.
     *
     * @param name the scenario, or null to record nothing
     * @param result the run's result (its transcript and exit code)
     * @param scratch the test's temporary directory, replaced by {@code /fixture} in the text
     * @throws IOException if the fixture cannot be written
     */
    public static void recordIfAsked(String name, AgentResult result, Path scratch) throws IOException {
        String dir = System.getProperty(RECORD_PROPERTY);
        if (name == null || dir == null || dir.isBlank() || result.transcript() == null) {
            return;
        }
        Path target = Files.createDirectories(Path.of(dir, "claude-code-" + RealClaudeCli.VERSION));
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(result.transcript(), StandardCharsets.UTF_8)) {
            lines.add(scrub(line, scratch));
        }
        Files.write(target.resolve(name + ".jsonl"), lines, StandardCharsets.UTF_8);
        Path exits = target.resolve("exit-codes.properties");
        Properties p = new Properties();
        if (Files.exists(exits)) {
            try (InputStream in = Files.newInputStream(exits)) {
                p.load(in);
            }
        }
        p.setProperty(name, String.valueOf(result.exitCode()));
        StringBuilder text = new StringBuilder(
                "# exit codes of Claude Code " + RealClaudeCli.VERSION + " in the recorded scenarios\n");
        new TreeMap<>(p).forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(exits, text.toString(), StandardCharsets.UTF_8);
    }

    static String scrub(String line, Path scratch) {
        String s = line.replace(scratch.toString(), "/fixture")
                .replace(scratch.toString().replaceAll("[^A-Za-z0-9]", "-"), "-fixture");
        s = s.replaceAll("/tmp/cc-socks/[0-9]+\\.sock", "/fixture/cc.sock");
        s = s.replaceAll("127\\.0\\.0\\.1:[0-9]+", "127.0.0.1:8080");
        return s.replace("/tmp/", "/fixture/tmp/");
    }

    /**
     * @param name a recorded scenario
     * @return its lines
     */
    public static List<String> load(String name) {
        try (InputStream in = RecordedFixtures.class.getResourceAsStream(RESOURCE_FOLDER + name + ".jsonl")) {
            Objects.requireNonNull(in, () -> "no fixture " + RESOURCE_FOLDER + name + ".jsonl");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name a recorded scenario
     * @return the CLI's exit code in it
     */
    public static int exitCode(String name) {
        try (InputStream in = RecordedFixtures.class.getResourceAsStream(RESOURCE_FOLDER + "exit-codes.properties")) {
            Objects.requireNonNull(in, "no exit-codes.properties");
            Properties p = new Properties();
            p.load(in);
            return Integer.parseInt(Objects.requireNonNull(p.getProperty(name), () -> "no exit code of " + name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The shape of a stream: one entry per line, consecutive repeats folded, each naming its type and the fields
     * the runner reads. {@code system/init}: that the fields the runner reads are there; {@code system/api_retry}:
     * {@code error_status}, {@code error}; {@code assistant}: whether it is synthetic, its {@code error}, its block
     * types (one line per block); {@code user}: its block types and {@code is_error}; {@code result}: {@code subtype},
     * {@code is_error}, {@code terminal_reason}, {@code api_error_status}, {@code api_error}, whether {@code errors}
     * and {@code result} are there, whether the cost is zero, whether {@code usage} is at least
     * {@code modelUsage}. Ids, texts, timestamps and figures are left out.
     *
     * @param lines the stream
     * @return its shape
     */
    public static List<String> shape(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            JsonNode n;
            try {
                n = MAPPER.readTree(line);
            } catch (IOException e) {
                continue;
            }
            if (n == null || !n.isObject()) {
                continue;
            }
            String key = key(n);
            if (out.isEmpty() || !out.get(out.size() - 1).equals(key)) {
                out.add(key);
            }
        }
        return out;
    }

    private static String key(JsonNode n) {
        String type = n.path("type").asText();
        switch (type) {
            case "system": {
                String sub = n.path("subtype").asText();
                if (sub.equals("init")) {
                    List<String> missing = new ArrayList<>();
                    for (String f : List.of(
                            "cwd",
                            "session_id",
                            "tools",
                            "mcp_servers",
                            "model",
                            "permissionMode",
                            "slash_commands",
                            "apiKeySource",
                            "claude_code_version")) {
                        if (!n.has(f)) {
                            missing.add(f);
                        }
                    }
                    return "system/init missing=" + missing;
                }
                if (sub.equals("api_retry")) {
                    return "system/api_retry error_status=" + n.path("error_status") + " error="
                            + n.path("error").asText(null) + " fields=" + n.has("attempt") + n.has("max_retries")
                            + n.has("retry_delay_ms");
                }
                return "system/" + sub;
            }
            case "assistant": {
                JsonNode m = n.path("message");
                List<String> blocks = new ArrayList<>();
                m.path("content").forEach(b -> blocks.add(b.path("type").asText()));
                return "assistant synthetic="
                        + "<synthetic>".equals(m.path("model").asText()) + " error="
                        + n.path("error").asText(null) + " api_error_status=" + n.path("api_error_status")
                        + " blocks=" + blocks;
            }
            case "user": {
                List<String> blocks = new ArrayList<>();
                n.path("message")
                        .path("content")
                        .forEach(b -> blocks.add(
                                b.path("type").asText() + (b.path("is_error").asBoolean(false) ? "(error)" : "")));
                return "user blocks=" + blocks;
            }
            case "result": {
                long usage = n.path("usage").path("input_tokens").asLong()
                        + n.path("usage").path("output_tokens").asLong();
                long[] models = {0};
                n.path("modelUsage")
                        .forEach(m -> models[0] += m.path("inputTokens").asLong()
                                + m.path("outputTokens").asLong());
                return "result subtype=" + n.path("subtype").asText() + " is_error="
                        + n.path("is_error").asBoolean()
                        + " terminal_reason=" + n.path("terminal_reason").asText(null) + " api_error_status="
                        + (n.path("api_error_status").isNumber()
                                ? n.path("api_error_status").asInt()
                                : "null")
                        + " api_error=" + n.path("api_error").asText(null)
                        + " errors="
                        + (n.path("errors").isArray() && !n.path("errors").isEmpty())
                        + " result=" + n.has("result") + " cost_zero="
                        + (n.path("total_cost_usd").asDouble(0) == 0) + " usage_covers_model_usage="
                        + (usage >= models[0]);
            }
            default:
                return type;
        }
    }
}
