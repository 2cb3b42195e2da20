package io.prodigy.core.internal.engine.step;

import io.prodigy.api.ErrorKind;
import io.prodigy.api.ItemError;
import io.prodigy.api.ProdigyException;
import io.prodigy.api.Step;
import io.prodigy.api.spi.VersionControl;
import io.prodigy.api.spi.WorkspaceChanges;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a step's declared {@link Step#outputs() outputs} ({@code outputs: {NAME: {file_pattern: P}}}) into the
 * variables {@code ${ID.NAME}}, as the Rust tool does: the first file of the step's commits (or, when the step
 * made none, of the last commit) whose name matches the pattern; its absolute path is the value.
 */
final class StepOutputs {
    private static final Logger LOG = LoggerFactory.getLogger(StepOutputs.class);

    private StepOutputs() {}

    /**
     * The control for a succeeded step with {@code outputs}.
     *
     * @param run the step being run
     * @param outcome its outcome so far
     * @return the outcome, failed when an output matches no file
     */
    static StepOutcome apply(StepRun run, StepOutcome outcome) {
        if (!outcome.success() || run.step().outputs().isEmpty()) {
            return outcome;
        }
        return resolve(run.step(), run.scope(), run.headBefore(), run.where(), outcome);
    }

    /**
     * @param step the step that succeeded
     * @param scope where it ran
     * @param headBefore the commit before the step, or null outside version control
     * @param where names the step for messages
     * @param outcome the step's outcome so far
     * @return the outcome, failed when an output matches no file
     */
    static StepOutcome resolve(Step step, StepScope scope, String headBefore, String where, StepOutcome outcome) {
        Optional<VersionControl> vcs = scope.workspace().versionControl();
        if (vcs.isEmpty() || headBefore == null) {
            return fail(
                    step,
                    outcome,
                    ErrorKind.CONFIGURATION,
                    "outputs of " + where + " are found in its commits, but it runs in plain " + "directory '"
                            + scope.workspace().name() + "'; use the git worktree isolation");
        }
        List<String> files;
        try {
            files = changedFiles(vcs.get(), headBefore);
        } catch (ProdigyException | UnsupportedOperationException e) {
            return fail(
                    step,
                    outcome,
                    ErrorKind.WORKSPACE,
                    "cannot list the files of the last commit for the outputs of " + where + ": " + e.getMessage());
        }
        Path root = scope.workspace().directory();
        for (Map.Entry<String, String> output : step.outputs().entrySet()) {
            String pattern = output.getValue();
            String match =
                    files.stream().filter(f -> matches(f, pattern)).findFirst().orElse(null);
            if (match == null) {
                return fail(
                        step,
                        outcome,
                        ErrorKind.COMMAND_FAILED,
                        "output '" + output.getKey() + "' of " + where + ": no file matching '"
                                + pattern + "' in the step's commits"
                                + (files.isEmpty()
                                        ? " (they changed no file)"
                                        : " (changed: "
                                                + String.join(", ", files.subList(0, Math.min(10, files.size())))
                                                + (files.size() > 10 ? ", ..." : "") + ")"));
            }
            String value = root.resolve(match).toAbsolutePath().normalize().toString();
            if (step.id() != null) {
                scope.vars().putString(step.id() + "." + output.getKey(), value);
            }
            LOG.info(
                    "{}: output '{}' is {}",
                    where,
                    step.id() == null ? output.getKey() : step.id() + "." + output.getKey(),
                    value);
        }
        return outcome;
    }

    /** The files the step's commits added or modified; when HEAD did not move, those of the last commit. */
    private static List<String> changedFiles(VersionControl vc, String headBefore) {
        String head = vc.head();
        WorkspaceChanges c = head.equals(headBefore) ? vc.changesSince(head + "~1") : vc.changesSince(headBefore);
        List<String> files = new ArrayList<>(c.filesAdded());
        files.addAll(c.filesModified());
        return files;
    }

    /**
     * The Rust tool's matching: {@code *suffix} is a suffix of the path; another pattern with one {@code *} is a
     * prefix and a suffix of the file name; a pattern without {@code *} is a substring of the file name.
     *
     * @param file a repository-relative path
     * @param pattern the file pattern
     * @return whether it matches
     */
    static boolean matches(String file, String pattern) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*") && pattern.indexOf('*', 1) < 0) {
            return file.endsWith(pattern.substring(1));
        }
        int star = pattern.indexOf('*');
        if (star >= 0) {
            if (pattern.indexOf('*', star + 1) >= 0) {
                return globMatches(name, pattern) || globMatches(file, pattern);
            }
            return name.startsWith(pattern.substring(0, star)) && name.endsWith(pattern.substring(star + 1));
        }
        return name.contains(pattern);
    }

    /** Several {@code *}: each piece in order (the Rust tool matches nothing there; this is more useful). */
    private static boolean globMatches(String text, String pattern) {
        String[] pieces = pattern.split("\\*", -1);
        if (!text.startsWith(pieces[0])) {
            return false;
        }
        int at = pieces[0].length();
        for (int i = 1; i < pieces.length - 1; i++) {
            int found = text.indexOf(pieces[i], at);
            if (found < 0) {
                return false;
            }
            at = found + pieces[i].length();
        }
        String last = pieces[pieces.length - 1];
        return text.length() - last.length() >= at && text.endsWith(last);
    }

    private static StepOutcome fail(Step step, StepOutcome outcome, ErrorKind kind, String message) {
        return outcome.withSuccess(false, new ItemError(kind, message, outcome.exitCode(), step.label()));
    }
}
