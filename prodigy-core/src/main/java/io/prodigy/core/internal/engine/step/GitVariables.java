package io.prodigy.core.internal.engine.step;

import com.fasterxml.jackson.databind.node.IntNode;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.WorkspaceChanges;
import io.prodigy.core.internal.interpolate.Variables;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets the {@code step.*} variables after a step in a version-controlled workspace: the files its commits added,
 * modified, deleted and changed, the commits themselves, and the line counts.
 */
final class GitVariables {
    private GitVariables() {}

    /**
     * The last control: applies to every step that ran in a version-controlled workspace, succeeded or not.
     *
     * @param run the step that ran
     * @param outcome its outcome
     * @return the outcome, unchanged
     */
    static StepOutcome apply(StepRun run, StepOutcome outcome) {
        if (run.headBefore() != null) {
            run.scope()
                    .workspace()
                    .versionControl()
                    .ifPresent(vc -> set(vc, run.headBefore(), run.scope().vars()));
        }
        return outcome;
    }

    private static void set(VersionControl vc, String headBefore, Variables vars) {
        WorkspaceChanges c = vc.changesSince(headBefore);
        List<String> changed = new ArrayList<>(c.filesAdded());
        changed.addAll(c.filesModified());
        changed.addAll(c.filesDeleted());
        vars.putString("step.files_added", String.join(" ", c.filesAdded()));
        vars.putString("step.files_modified", String.join(" ", c.filesModified()));
        vars.putString("step.files_deleted", String.join(" ", c.filesDeleted()));
        vars.putString("step.files_changed", String.join(" ", changed));
        vars.putString("step.commits", String.join(" ", c.commits()));
        vars.put("step.commit_count", IntNode.valueOf(c.commits().size()));
        vars.put("step.insertions", IntNode.valueOf(c.insertions()));
        vars.put("step.deletions", IntNode.valueOf(c.deletions()));
    }
}
