package io.prodigy.yaml.internal;

import io.prodigy.api.CaptureFormat;
import io.prodigy.api.CaptureStreams;
import io.prodigy.api.Step;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads where a step's output goes: {@code capture} and {@code capture_output} (the variable), {@code capture_format},
 * {@code capture_streams}, {@code output_file} (and {@code output} where it names a file), and the declared
 * {@code outputs}.
 */
final class StepOutputReader {
    private static final List<String> CAPTURE_FORMATS = List.of("string", "json", "lines", "number", "boolean");
    private static final Set<String> CAPTURE_STREAM_KEYS =
            Set.of("stdout", "stderr", "exit_code", "success", "duration");

    private final Diagnostics d;

    /** @param d where problems go */
    StepOutputReader(Diagnostics d) {
        this.d = d;
    }

    /** Reads {@code capture}, {@code capture_output}, {@code capture_format} and {@code capture_streams}. */
    void capture(Step.Builder b, Fields f) {
        String capture = f.text("capture");
        if (capture != null) {
            b.capture(capture);
        }
        Node co = f.node("capture_output");
        if (co != null && !(co instanceof ScalarNode && ((ScalarNode) co).isNull())) {
            Boolean flag = Scalars.bool(co);
            if (flag == null) {
                String name = f.text("capture_output");
                if (name != null && !name.isBlank()) {
                    if (capture != null && !capture.equals(name)) {
                        f.error(
                                "capture_output",
                                "'capture' and 'capture_output' name different variables (" + Texts.quote(capture)
                                        + " and " + Texts.quote(name) + "); keep one");
                    } else {
                        b.capture(name);
                    }
                }
            }
            // capture_output: true/false: ${shell.output}, ${claude.output} and ${last.output} are always set
        }
        if (f.has("capture_format")) {
            String fmt = f.choice("capture_format", CAPTURE_FORMATS);
            if (fmt != null) {
                b.captureFormat(CaptureFormat.valueOf(fmt.toUpperCase(Locale.ROOT)));
            }
        }
        Node cs = f.node("capture_streams");
        if (cs instanceof ScalarNode && !((ScalarNode) cs).isNull()) {
            String v = f.choice("capture_streams", List.of("stdout", "stderr", "both"));
            if (v != null) {
                b.captureStreams(CaptureStreams.named(v));
            }
        } else if (cs instanceof MapNode) {
            Fields s = Fields.of((MapNode) cs, f.pathOf("capture_streams"), d, CAPTURE_STREAM_KEYS, "capture_streams");
            b.captureStreams(new CaptureStreams(
                    s.bool("stdout", true),
                    s.bool("stderr", false),
                    s.bool("exit_code", true),
                    s.bool("success", true),
                    s.bool("duration", true)));
            s.finish();
        } else if (cs != null && !(cs instanceof ScalarNode)) {
            f.error(
                    "capture_streams",
                    "expected stdout, stderr, both, or a mapping {stdout, stderr, exit_code, "
                            + "success, duration}, found " + cs.describe());
        }
    }

    /** Reads {@code output_file}, and {@code output} as the file in a form where it names one. */
    void outputFile(Step.Builder b, Fields f, Form form) {
        String outputFile = f.text("output_file");
        if (outputFile != null) {
            b.outputFile(TemplateAliases.normalize(outputFile));
        }
        if (f.has("output")) {
            if (form.outputIsFile() && outputFile == null) {
                String out = f.text("output");
                if (out != null) {
                    b.outputFile(TemplateAliases.normalize(out));
                }
            } else {
                f.notActedOn(
                        "output",
                        "the Rust tool 0.4.x ignores it too (its steps have no such key); it only "
                                + "documents a file the step writes; use 'output_file' to write the step's standard output "
                                + "to a file");
            }
        }
    }

    /**
     * {@code outputs: {NAME: {file_pattern: P}}} (or {@code NAME: P}): the step's declared outputs, read as
     * {@code ${ID.NAME}} by later steps.
     */
    void outputs(Step.Builder b, Fields f) {
        Node node = f.node("outputs");
        if (node == null) {
            return;
        }
        if (!(node instanceof MapNode)) {
            f.error(
                    "outputs",
                    "expected a mapping of output names to {file_pattern: PATTERN}, found " + node.describe());
            return;
        }
        for (MapNode.Entry e : ((MapNode) node).entries()) {
            String path = f.pathOf("outputs") + "." + e.key();
            Node v = e.value();
            String pattern = null;
            if (v instanceof ScalarNode sv && sv.type() == ScalarNode.Type.STRING) {
                pattern = sv.text();
            } else if (v instanceof MapNode mv) {
                Fields of = Fields.of(mv, path, d, Set.of("file_pattern"), "an output");
                pattern = of.text("file_pattern");
                if (pattern == null && d.errorCount() == 0) {
                    of.errorHere("an output needs 'file_pattern', the pattern of the file it names");
                }
                of.finish();
            } else {
                d.error(v.location(), path, "expected {file_pattern: PATTERN}, found " + v.describe());
            }
            if (pattern != null && !pattern.isBlank()) {
                b.output(e.key(), pattern);
            }
        }
        if (f.text("id") == null) {
            d.warning(
                    f.keyAt("outputs"),
                    f.pathOf("outputs"),
                    "the step has 'outputs' but no 'id', so later steps "
                            + "cannot read them (they are ${ID.NAME}); add an 'id'");
        }
    }
}
