package io.prodigy.yaml;

import io.prodigy.api.Workflow;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of loading a workflow file: the workflow when it loaded, and every problem found, in one pass.
 *
 * <p>A result with errors has no workflow. A result with only warnings has one: the warnings name keys that were
 * ignored (unknown keys) or accepted without effect (keys the model cannot express yet).
 */
public final class LoadResult {
    private final String source;
    private final WorkflowKind kind;
    private final Workflow workflow;
    private final List<Problem> problems;

    LoadResult(String source, WorkflowKind kind, Workflow workflow, List<Problem> problems) {
        this.source = source;
        this.kind = kind;
        this.problems = List.copyOf(problems);
        this.workflow = hasErrors() ? null : workflow;
        if (this.workflow == null && !hasErrors()) {
            throw new IllegalStateException("a load result without a workflow must have an error");
        }
    }

    /** @return the file or source name that was loaded */
    public String source() {
        return source;
    }

    /** @return the form the file is written in, or empty when it could not be told (for example a YAML syntax error) */
    public Optional<WorkflowKind> kind() {
        return Optional.ofNullable(kind);
    }

    /** @return the workflow, or empty when the file has errors */
    public Optional<Workflow> workflow() {
        return Optional.ofNullable(workflow);
    }

    /** @return every problem, errors and warnings, in file order */
    public List<Problem> problems() {
        return problems;
    }

    /** @return the errors only */
    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }

    /** @return the warnings only */
    public List<Problem> warnings() {
        return problems.stream().filter(p -> !p.isError()).toList();
    }

    /** @return whether at least one problem is an error (and so there is no workflow) */
    public boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    /**
     * @return the workflow
     * @throws WorkflowLoadException listing every problem, when the file has errors
     */
    public Workflow orThrow() {
        if (workflow == null) {
            throw new WorkflowLoadException(source, problems);
        }
        return workflow;
    }

    /** @return every problem rendered on its own line, or an empty string when there is none */
    public String report() {
        StringBuilder sb = new StringBuilder();
        for (Problem p : problems) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(p);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "LoadResult[" + source + ", " + (workflow != null ? "loaded" : "failed") + ", " + problems.size()
                + " problem(s)]";
    }
}
