package io.prodigy.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.ExpressionException;
import io.prodigy.api.MapPhase;
import io.prodigy.api.WorkInput;
import io.prodigy.api.WorkflowDefinitionException;
import io.prodigy.core.internal.input.WorkItemReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The items a map phase would process, read and selected the way the engine does it, for inputs that can be read
 * without running anything: a JSON file (with its {@code json_path}) and values the host gave. A dry run uses it to
 * show the plan of a workflow.
 */
public final class MapItemsPreview {
    private MapItemsPreview() {}

    /**
     * What a preview found.
     *
     * @param selected the items the phase would process, in order (after filter, sort, distinct, offset and max)
     * @param inputCount how many items the input holds before selection
     */
    public record Items(List<JsonNode> selected, int inputCount) {
        /** Copies the list. */
        public Items {
            selected = List.copyOf(selected);
        }
    }

    /**
     * Reads and selects a map phase's items.
     *
     * @param map the map phase
     * @param projectDirectory the directory relative input paths are resolved against
     * @return the items, or empty when the input is only known when the run starts: a command's output, a file
     *         whose path holds {@code ${...}}, or a name that is no file yet (a file the setup makes)
     * @throws WorkflowDefinitionException if the input file is missing, empty or not JSON, or the json_path is
     *                                     invalid (the message says which and where)
     * @throws ExpressionException if the filter, sort specification or distinct path is malformed
     * @throws io.prodigy.api.ProdigyException if the input file exists but cannot be read
     * @throws NullPointerException if an argument is null
     */
    public static Optional<Items> of(MapPhase map, Path projectDirectory) {
        Objects.requireNonNull(map, "map");
        Objects.requireNonNull(projectDirectory, "projectDirectory");
        WorkInput in = map.input();
        List<JsonNode> raw;
        if (in instanceof WorkInput.JsonFile f && !f.path().contains("${")) {
            raw = WorkItemReader.fromJsonFile(projectDirectory.resolve(f.path()), f.jsonPath());
        } else if (in instanceof WorkInput.Detect d
                && !d.input().contains("${")
                && WorkItemReader.looksLikeFile(projectDirectory, d.input())) {
            raw = WorkItemReader.fromJsonFile(projectDirectory.resolve(d.input().strip()), d.jsonPath());
        } else if (in instanceof WorkInput.Values v) {
            raw = WorkItemReader.fromValues(v.values());
        } else {
            return Optional.empty();
        }
        return Optional.of(new Items(ItemSelection.of(map).apply(raw, name -> null), raw.size()));
    }
}
