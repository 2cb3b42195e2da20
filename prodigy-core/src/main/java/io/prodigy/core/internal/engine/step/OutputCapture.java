package io.prodigy.core.internal.engine.step;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import io.prodigy.api.CaptureFormat;
import io.prodigy.api.CaptureStreams;
import io.prodigy.api.InterpolationException;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.SetupCapture;
import io.prodigy.api.Step;
import io.prodigy.api.StepAction;
import io.prodigy.core.internal.Json;
import io.prodigy.core.internal.input.JsonPathQuery;
import io.prodigy.core.internal.interpolate.Variables;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what a command printed into variables: a step's {@code capture:} (with its format and streams) and the
 * per-kind names ({@code shell.output}, {@code last.output}), and a setup phase's {@code capture_outputs}.
 */
public final class OutputCapture {
    private OutputCapture() {}

    /** Names under {@code shell.} that the engine itself sets; a capture never shadows them. */
    private static final Set<String> SHELL_OWN = Set.of("output", "stderr", "exit_code", "attempt");

    /**
     * Stores the step's output in variables: the per-type name, {@code last.output}, and {@code capture:} (for a
     * shell step also as {@code shell.<capture>}), with the streams {@code capture_streams} names.
     *
     * @param step the step
     * @param outcome its outcome (after its action, whether it succeeded or not)
     * @param vars where the values go
     * @throws InterpolationException if the output does not have the step's {@code capture_format}
     */
    public static void store(Step step, StepOutcome outcome, Variables vars) {
        String stdout = outcome.stdout() == null ? "" : outcome.stdout();
        if (step.action() instanceof StepAction.Shell) {
            vars.putString("shell.output", stdout);
            vars.putString("shell.stderr", outcome.stderr() == null ? "" : outcome.stderr());
            if (outcome.exitCode() != null) {
                vars.put("shell.exit_code", IntNode.valueOf(outcome.exitCode()));
            }
        }
        vars.putString("last.output", stdout);
        String name = step.capture();
        if (name == null) {
            return;
        }
        CaptureStreams streams = step.captureStreams();
        if (streams.stdout()) {
            JsonNode value = convert(step.captureFormat(), stdout, outcome.success(), name);
            vars.put(name, value);
            if (step.action() instanceof StepAction.Shell && !SHELL_OWN.contains(name)) {
                // the Rust tool's own workflows read a shell step's capture as ${shell.<name>} too (spec.yml)
                vars.put("shell." + name, value);
            }
        }
        if (streams.stderr()) {
            String stderr = outcome.stderr() == null ? "" : outcome.stderr();
            vars.putString(name + ".stderr", stderr.endsWith("\n") ? stderr.substring(0, stderr.length() - 1) : stderr);
        }
        if (streams.exitCode()) {
            vars.put(
                    name + ".exit_code",
                    outcome.exitCode() == null
                            ? IntNode.valueOf(outcome.success() ? 0 : -1)
                            : IntNode.valueOf(outcome.exitCode()));
        }
        if (streams.success()) {
            vars.put(name + ".success", BooleanNode.valueOf(outcome.success()));
        }
        if (streams.duration()) {
            vars.put(name + ".duration", DoubleNode.valueOf(outcome.duration().toMillis() / 1000.0));
        }
    }

    /**
     * @param format the capture format
     * @param stdout the output
     * @param success whether the step succeeded (a non-boolean output of a BOOLEAN capture)
     * @param name the capture's name (for messages)
     * @return the output as a value of that format
     * @throws InterpolationException if the output does not have the format
     */
    public static JsonNode convert(CaptureFormat format, String stdout, boolean success, String name) {
        String text = stdout.endsWith("\n") ? stdout.substring(0, stdout.length() - 1) : stdout;
        switch (format) {
            case JSON:
                try {
                    return Json.parse(text);
                } catch (JsonProcessingException e) {
                    throw new InterpolationException(
                            name,
                            "capture '" + name + "' expects JSON output, but the " + "output is not valid JSON: "
                                    + e.getOriginalMessage());
                }
            case LINES: {
                ArrayNode arr = Json.NODES.arrayNode();
                for (String line : text.split("\n")) {
                    if (!line.isBlank()) {
                        arr.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
                    }
                }
                return arr;
            }
            case NUMBER: {
                String t = text.strip();
                try {
                    if (t.matches("-?\\d{1,18}")) {
                        return LongNode.valueOf(Long.parseLong(t));
                    }
                    return DoubleNode.valueOf(Double.parseDouble(t));
                } catch (NumberFormatException e) {
                    throw new InterpolationException(
                            name,
                            "capture '" + name + "' expects a number, but the output " + "was '"
                                    + (t.length() > 80 ? t.substring(0, 80) + "..." : t) + "'");
                }
            }
            case BOOLEAN: {
                String t = text.strip();
                if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                    return BooleanNode.valueOf(Boolean.parseBoolean(t.toLowerCase(java.util.Locale.ROOT)));
                }
                return BooleanNode.valueOf(success);
            }
            case STRING:
            default:
                return Json.text(text);
        }
    }

    /**
     * The value of a setup phase's {@code capture_outputs} entry: the chosen stream of its command, narrowed by
     * its pattern or JSON path, shaped by its multiline mode, or its default when nothing matched.
     *
     * @param name the variable's name (for messages)
     * @param c how to capture
     * @param o the outcome of the setup command {@code c.commandIndex()}
     * @return the value
     * @throws ProdigyException if nothing matched and there is no default
     */
    public static JsonNode setupValue(String name, SetupCapture c, StepOutcome o) {
        String stdout = o.stdout() == null ? "" : o.stdout();
        String stderr = o.stderr() == null ? "" : o.stderr();
        String text;
        switch (c.source()) {
            case STDERR:
                text = stderr;
                break;
            case BOTH:
            case COMBINED:
                text = stdout + stderr;
                break;
            case STDOUT:
            default:
                text = stdout;
        }
        if (c.pattern() != null) {
            Matcher m = Pattern.compile(c.pattern(), Pattern.MULTILINE).matcher(text);
            if (m.find()) {
                text = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
            } else if (c.defaultValue() != null) {
                return Json.text(c.defaultValue());
            } else {
                throw new ProdigyException("capture_outputs '" + name + "': pattern '" + c.pattern()
                        + "' matched nothing in the output of setup command " + c.commandIndex());
            }
        }
        if (c.jsonPath() != null) {
            try {
                List<JsonNode> found = JsonPathQuery.compile(c.jsonPath()).select(Json.parse(text));
                if (found.isEmpty()) {
                    if (c.defaultValue() != null) {
                        return Json.text(c.defaultValue());
                    }
                    throw new ProdigyException(
                            "capture_outputs '" + name + "': json_path '" + c.jsonPath() + "' matched nothing");
                }
                return found.size() == 1 ? found.get(0) : Json.MAPPER.valueToTree(found);
            } catch (JsonProcessingException e) {
                if (c.defaultValue() != null) {
                    return Json.text(c.defaultValue());
                }
                throw new ProdigyException("capture_outputs '" + name + "': the output of setup command "
                        + c.commandIndex() + " is not JSON: " + e.getOriginalMessage());
            }
        }
        if (text.isEmpty() && c.defaultValue() != null) {
            return Json.text(c.defaultValue());
        }
        String trimmed = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        String[] lines = trimmed.split("\n", -1);
        switch (c.multiline()) {
            case JOIN:
                return Json.text(String.join(" ", lines).strip());
            case FIRST_LINE:
                return Json.text(lines[0]);
            case LAST_LINE:
                return Json.text(lines[lines.length - 1]);
            case ARRAY: {
                ArrayNode arr = Json.NODES.arrayNode();
                for (String l : lines) {
                    arr.add(l);
                }
                return arr;
            }
            case PRESERVE:
            default:
                return Json.text(trimmed);
        }
    }
}
