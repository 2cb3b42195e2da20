package io.prodigy.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.InterpolationException;
import io.prodigy.core.internal.interpolate.Interpolator;
import io.prodigy.core.internal.interpolate.Variables;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Fills {@code ${name}} placeholders the way steps do, over a fixed set of variables: {@link #render(String)} as
 * for agent prompts and file contents (values inserted as they are), {@link #renderForShell(String)} as for shell
 * commands (each value quoted for the place it stands). Immutable once built; thread-safe to render from.
 */
public final class Interpolation {
    private final Variables variables;

    private Interpolation(Variables variables) {
        this.variables = variables;
    }

    /** @return a builder without variables */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The first names of the variables the engine owns ({@code item}, {@code map}, {@code shell}, {@code workflow},
     * ...): a plain {@code ${name}} with such a root is always the engine's, never the shell's, so an undefined one is
     * an error rather than something left for the shell. A workflow checker uses the same set as the engine.
     *
     * @return the roots, immutable
     */
    public static Set<String> engineVariableRoots() {
        return Interpolator.engineRoots();
    }

    /**
     * @param template the text with placeholders such as {@code ${item.path}} or {@code ${name:-default}}
     * @return the text with values inserted as they are
     * @throws InterpolationException if a variable is undefined and has no default
     * @throws NullPointerException if {@code template} is null
     */
    public String render(String template) {
        return Interpolator.interpolate(
                Objects.requireNonNull(template, "template"), variables, Interpolator.Quoting.NONE, null);
    }

    /**
     * @param template a POSIX shell command with placeholders
     * @return the command with each value quoted for where it stands; {@code ${NAME}} that names no variable is
     *         left for the shell
     * @throws InterpolationException if a variable is undefined and has no default, or a value cannot be inserted
     *                                safely where it stands
     * @throws NullPointerException if {@code template} is null
     */
    public String renderForShell(String template) {
        return Interpolator.interpolate(
                Objects.requireNonNull(template, "template"), variables, Interpolator.Quoting.SHELL, null);
    }

    /** Builds an {@link Interpolation}. Not thread-safe. */
    public static final class Builder {
        private Variables variables = Variables.root(Map.of()).child();

        private Builder() {}

        /**
         * @param name the variable's name; a dotted name ({@code map.total}) is reachable as written
         * @param value its JSON value (objects and arrays can be walked: {@code ${item.file.path}})
         * @return this
         * @throws NullPointerException if an argument is null
         */
        public Builder put(String name, JsonNode value) {
            variables.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @param name the variable's name
         * @param value its text
         * @return this
         * @throws NullPointerException if an argument is null
         */
        public Builder putString(String name, String value) {
            variables.putString(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @return the interpolation over the variables put so far; the builder starts over empty
         */
        public Interpolation build() {
            Interpolation built = new Interpolation(variables);
            variables = Variables.root(Map.of()).child();
            return built;
        }
    }
}
