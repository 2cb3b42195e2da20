package io.prodigy.cli;

import io.prodigy.api.MapPhase;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.Stage;
import io.prodigy.api.Step;
import io.prodigy.api.WorkInput;
import io.prodigy.api.Workflow;
import io.prodigy.core.expr.MapItemsPreview;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code run --dry-run}: the plan of a workflow, without running anything. */
final class DryRun {
    private DryRun() {}

    static void print(CliContext ctx, Workflow wf, Path file, Integer maxParallel, List<String> args) {
        PrintStream out = ctx.out;
        boolean git = CliContext.isGitRepository(ctx.project());
        out.println(
                "Workflow: " + wf.name() + " (" + (wf.isMapReduce() ? "mapreduce" : "sequential") + ") from " + file);
        out.println("Project: " + ctx.project()
                + (git
                        ? " (git: a worktree per run and per item, merged back)"
                        : " (not a git repository: steps run in the directory itself)"));
        if (!args.isEmpty()) {
            out.println("Arguments: " + String.join(" ", args));
        }
        int n = 1;
        for (Stage stage : wf.stages()) {
            if (stage instanceof Stage.Steps s) {
                out.println("Stage " + n + " '" + s.name() + "': " + s.steps().size() + " step(s)");
                steps(out, s.steps(), "  ");
            } else if (stage instanceof Stage.MapReduce m) {
                out.println("Stage " + n + " '" + m.name() + "': mapreduce");
                if (m.setup() != null && !m.setup().steps().isEmpty()) {
                    out.println("  setup: " + m.setup().steps().size() + " step(s)");
                    steps(out, m.setup().steps(), "    ");
                }
                MapPhase map = m.map();
                out.println("  map: input " + describe(map.input())
                        + (map.filter() != null ? "; filter " + map.filter() : "")
                        + (map.sortBy() != null ? "; sort by " + map.sortBy() : "")
                        + (map.maxItems() != null ? "; max items " + map.maxItems() : "")
                        + "; max parallel " + (maxParallel != null ? maxParallel + " (override)" : map.maxParallel())
                        + (map.agentTimeout() != null
                                ? "; agent timeout " + ProgressDisplay.duration(map.agentTimeout())
                                : ""));
                out.println("    items: " + items(ctx, map));
                out.println("    each item runs " + map.agentTemplate().size() + " step(s):");
                steps(out, map.agentTemplate(), "      ");
                if (!m.reduce().isEmpty()) {
                    out.println("  reduce: " + m.reduce().size() + " step(s)");
                    steps(out, m.reduce(), "    ");
                }
            }
            n++;
        }
        if (!wf.merge().isEmpty()) {
            out.println("Merge steps: " + wf.merge().size());
            steps(out, wf.merge(), "  ");
        }
        out.println("Dry run: nothing was run.");
    }

    private static void steps(PrintStream out, List<Step> steps, String indent) {
        for (Step s : steps) {
            out.println(indent + "- " + ProgressDisplay.oneLine(s.label())
                    + (s.commitRequired() ? " [commit required]" : "")
                    + (s.oncePerWorktree() ? " [once per worktree]" : ""));
        }
    }

    private static String describe(WorkInput in) {
        if (in instanceof WorkInput.JsonFile f) {
            return f.path() + (f.jsonPath() == null || f.jsonPath().isEmpty() ? "" : " at " + f.jsonPath());
        } else if (in instanceof WorkInput.Command c) {
            return "the output of `" + c.command() + "`";
        } else if (in instanceof WorkInput.Values v) {
            return v.values().size() + " given value(s)";
        } else if (in instanceof WorkInput.Detect d) {
            return d.input() + (d.jsonPath() == null || d.jsonPath().isEmpty() ? "" : " at " + d.jsonPath());
        }
        return String.valueOf(in);
    }

    private static String items(CliContext ctx, MapPhase map) {
        try {
            return MapItemsPreview.of(map, ctx.project())
                    .map(found -> found.selected().size() + " (of " + found.inputCount() + " in the input)")
                    .orElse("resolved when the run starts (a command or a file the setup makes is not run in a "
                            + "dry run)");
        } catch (ProdigyException | IllegalArgumentException e) {
            return "cannot be resolved now: " + e.getMessage();
        }
    }
}
