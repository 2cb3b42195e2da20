package io.prodigy.yaml.internal;

import io.prodigy.yaml.Problem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects the problems of one load, so that every problem is reported in one pass. Not thread-safe. */
final class Diagnostics {
    private final boolean strict;
    private final List<Problem> problems = new ArrayList<>();
    private final Map<String, SourceText> sources = new LinkedHashMap<>();
    private final Map<io.prodigy.api.Step, Location> stepLocations = new java.util.HashMap<>();

    /** @param strict whether every warning is an error (unknown keys are errors in any case) */
    Diagnostics(boolean strict) {
        this.strict = strict;
    }

    /**
     * Remembers where a step was read, for problems found on the built workflow. Equal steps keep the first
     * location.
     *
     * @param step the step
     * @param at where it is written
     */
    void locate(io.prodigy.api.Step step, Location at) {
        stepLocations.putIfAbsent(step, at);
    }

    /** @param step a step read in this load @return where it is written, or null when unknown */
    Location locationOf(io.prodigy.api.Step step) {
        return stepLocations.get(step);
    }

    /** @param source a text problems may point into (for placing expression errors on their column) */
    void register(SourceText source) {
        sources.putIfAbsent(source.name(), source);
    }

    /** @param name a source name @return its text, or null when it was not registered */
    SourceText source(String name) {
        return sources.get(name);
    }

    /** Records an error: the workflow cannot be loaded. */
    void error(Location at, String path, String message) {
        add(Problem.Severity.ERROR, at, path, message);
    }

    /** Records a warning: the workflow loads, but something in the file has no effect (an error in strict mode). */
    void warning(Location at, String path, String message) {
        add(strict ? Problem.Severity.ERROR : Problem.Severity.WARNING, at, path, message);
    }

    /**
     * Records an unknown key or value: an error, since a misspelled key would silently drop the check it asks for
     * (the message names the closest valid key).
     */
    void unknown(Location at, String path, String message) {
        add(Problem.Severity.ERROR, at, path, message);
    }

    /** @return whether an error was recorded */
    boolean hasErrors() {
        return problems.stream().anyMatch(Problem::isError);
    }

    /** @return the number of errors recorded so far */
    int errorCount() {
        return (int) problems.stream().filter(Problem::isError).count();
    }

    /** @return the problems, grouped by source in the order sources were first seen, then by line and column */
    List<Problem> problems() {
        Map<String, Integer> order = new LinkedHashMap<>();
        for (Problem p : problems) {
            order.putIfAbsent(p.source(), order.size());
        }
        List<Problem> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.<Problem>comparingInt(p -> order.get(p.source()))
                .thenComparingInt(Problem::line)
                .thenComparingInt(Problem::column));
        return sorted;
    }

    private void add(Problem.Severity severity, Location at, String path, String message) {
        Problem p = new Problem(severity, at.source(), at.line(), at.column(), path, message);
        if (!problems.contains(p)) {
            problems.add(p);
        }
    }
}
