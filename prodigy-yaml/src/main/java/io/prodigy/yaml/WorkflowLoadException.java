package io.prodigy.yaml;

import io.prodigy.api.WorkflowDefinitionException;
import java.util.List;

/**
 * A workflow file could not be loaded. The message lists every problem, one per line; {@link #problems()} has them
 * as values (errors and warnings alike).
 */
public final class WorkflowLoadException extends WorkflowDefinitionException {
    private static final long serialVersionUID = 1L;

    private final transient List<Problem> problems;

    /**
     * @param source the file or source name that failed to load
     * @param problems every problem found, at least one of them an error
     */
    public WorkflowLoadException(String source, List<Problem> problems) {
        super(render(source, problems));
        this.problems = List.copyOf(problems);
    }

    /** @return every problem found, errors and warnings, in file order */
    public List<Problem> problems() {
        return problems;
    }

    private static String render(String source, List<Problem> problems) {
        long errors = problems.stream().filter(Problem::isError).count();
        StringBuilder sb = new StringBuilder(source.isEmpty() ? "the workflow" : source)
                .append(" could not be loaded: ")
                .append(errors)
                .append(errors == 1 ? " error" : " errors");
        long warnings = problems.size() - errors;
        if (warnings > 0) {
            sb.append(", ").append(warnings).append(warnings == 1 ? " warning" : " warnings");
        }
        for (Problem p : problems) {
            sb.append("\n  ").append(p);
        }
        return sb.toString();
    }
}
