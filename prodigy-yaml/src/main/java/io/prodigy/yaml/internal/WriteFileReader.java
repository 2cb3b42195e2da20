package io.prodigy.yaml.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.prodigy.api.FileFormat;
import io.prodigy.api.StepAction;
import io.prodigy.api.WorkflowDefinitionException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a {@code write_file} action: {@code {path, content, format, mode, create_dirs}}, with content written as
 * text or as a YAML mapping or list (rendered as JSON for format json, as YAML otherwise).
 */
final class WriteFileReader {
    private static final List<String> FILE_FORMATS = List.of("text", "json", "yaml");
    private static final Set<String> WRITE_FILE_KEYS = Set.of("path", "content", "format", "mode", "create_dirs");
    private static final ObjectMapper YAML_OUT = YAMLMapper.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build();
    private static final ObjectMapper JSON_OUT = new ObjectMapper();

    private final Diagnostics d;

    /** @param d where problems go */
    WriteFileReader(Diagnostics d) {
        this.d = d;
    }

    /** @return the action, or null when it is invalid (reported) */
    StepAction read(Node node, String path) {
        if (!(node instanceof MapNode)) {
            d.error(
                    node.location(),
                    path,
                    "expected {path, content, format, mode, create_dirs}, found " + node.describe());
            return null;
        }
        Fields f = Fields.of((MapNode) node, path, d, WRITE_FILE_KEYS, "write_file");
        String file = f.requiredText("path");
        String format = f.has("format") ? f.choice("format", FILE_FORMATS) : "text";
        FileFormat ff = format == null ? FileFormat.TEXT : FileFormat.valueOf(format.toUpperCase(Locale.ROOT));
        String content = "";
        Node c = f.node("content");
        if (c instanceof ScalarNode) {
            content = ((ScalarNode) c).isNull() ? "" : ((ScalarNode) c).text();
        } else if (c != null) {
            content = structuredContent(c, ff, f.pathOf("content"));
        }
        String mode = f.text("mode");
        Boolean createDirs = f.bool("create_dirs");
        f.finish();
        if (file == null) {
            return null;
        }
        try {
            return new StepAction.WriteFile(
                    TemplateAliases.normalize(file),
                    TemplateAliases.normalize(content),
                    ff,
                    mode,
                    createDirs != null && createDirs);
        } catch (WorkflowDefinitionException e) {
            f.error("mode", e.getMessage());
            return null;
        }
    }

    /** Content written as a YAML mapping or list: JSON text for format json, YAML text otherwise. */
    private String structuredContent(Node c, FileFormat format, String path) {
        JsonNode json = Trees.toJson(c);
        try {
            if (format == FileFormat.JSON) {
                return JSON_OUT.writerWithDefaultPrettyPrinter().writeValueAsString(json);
            }
            return YAML_OUT.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            d.error(c.location(), path, "could not render the content: " + e.getOriginalMessage());
            return "";
        }
    }
}
