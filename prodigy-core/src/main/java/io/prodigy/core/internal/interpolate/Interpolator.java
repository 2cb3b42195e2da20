package io.prodigy.core.internal.interpolate;

import com.fasterxml.jackson.databind.JsonNode;
import io.prodigy.api.InterpolationException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replaces {@code ${...}} placeholders in step commands, prompts and file contents with variable values.
 *
 * <h2>Syntax</h2>
 * <ul>
 *   <li>{@code ${path}}: a variable path ({@code item}, {@code item.tags[1]}, {@code map.total}), looked up as
 *       {@link Variables#resolve(String)} describes. Undefined without a default, it is an error.</li>
 *   <li>{@code ${path:-default}}: the default (the literal text after the first {@code :-}, possibly empty)
 *       stands in when the variable is undefined or JSON null. A default containing {@code $} or a backquote
 *       makes the whole {@code ${...}} a shell expansion instead, left to the shell.</li>
 *   <li>{@code ${path|raw}} and {@code ${path:-default|raw}}: insert the value without any quoting, even in
 *       shell commands. <b>This is the only way for a value to become code</b>; use it only for trusted
 *       values that are meant to be shell syntax.</li>
 *   <li>{@code $NAME} and {@code $1}: replaced only when NAME is a workflow variable (the environment is not
 *       consulted); otherwise left as written, since it is usually the shell's own variable.</li>
 *   <li><code>$${</code>: a literal <code>${</code>, for text that must reach the shell or a file as
 *       {@code ${name}}.</li>
 *   <li>A {@code ${...}} that does not hold a variable path, such as the shell expansions {@code ${x%%.*}},
 *       {@code ${#arr}}, {@code ${x/a/b}} or {@code ${x-default}}, is left as written.</li>
 * </ul>
 * Values are rendered as text: strings as they are, whole numbers without a fraction, booleans as
 * {@code true}/{@code false}, null as the empty string, arrays of strings joined with {@code ", "}, other arrays
 * and objects as compact JSON.
 *
 * <h2>Shell quoting</h2>
 * With {@link Quoting#SHELL}, the template is read as the POSIX shell will read the result (as dash, and as
 * bash where the two differ), and each value is quoted for the place it stands, so that it reaches the command
 * as exactly one piece of data and never runs:
 * <ul>
 *   <li>unquoted ({@code echo ${v}}, {@code file_${v}.txt}, inside {@code $(...)}): a single-quoted word,
 *       each {@code '} written {@code '\''};</li>
 *   <li>inside {@code '...'}: each {@code '} written {@code '\''}; {@code $NAME} is left alone there, since
 *       the shell does not expand it ({@code awk '{print $1}'});</li>
 *   <li>inside {@code "..."}: {@code \ " $ `} escaped with a backslash;</li>
 *   <li>in a here-document body: {@code \ $ `} escaped (nothing when the delimiter is quoted), and a value
 *       that would produce the delimiter line is refused;</li>
 *   <li>where bash evaluates text as arithmetic, which runs command substitutions hidden in array subscripts
 *       even in quoted text ({@code $((...))}, {@code ((...))}, {@code $[...]}, {@code arr[...]},
 *       {@code let}, the operands of {@code -eq} and its siblings in {@code [[ ... ]]}): only integers;</li>
 *   <li>after a backslash ({@code \${v}}) and in comments: left as written, as the shell sees no expansion;</li>
 *   <li>inside backquotes, {@code $'...'}, the shell's own {@code ${...}} expansions, and after text that the
 *       template's reading cannot follow with certainty (a {@code case} statement inside {@code $(...)},
 *       constructs that dash and bash read differently): refused with an {@link InterpolationException},
 *       because no quoting is reliable there.</li>
 * </ul>
 * Quoting protects how the shell parses the command. A command that itself evaluates its arguments as code
 * ({@code eval}, {@code sh -c "$1"}) or a value stored in a variable that bash later evaluates as arithmetic
 * ({@code x=${v}; echo $((x))}, {@code declare -i}) can still be made to run a value; that is the workflow's
 * choice.
 *
 * <p>Templates are compiled once and cached; rendering does no regular-expression work and templates without
 * {@code $} are returned as they are.
 */
public final class Interpolator {
    private static final int CACHE_LIMIT = 4096;
    private static final ConcurrentHashMap<String, Template> CACHE = new ConcurrentHashMap<>();

    /** @return the first names of the variables the engine owns (an undefined {@code ${name}} with one is an error) */
    public static java.util.Set<String> engineRoots() {
        return Renderer.OWNED_ROOTS;
    }

    private Interpolator() {}

    /** How interpolated values are written into the result. */
    public enum Quoting {
        /** Values are inserted as they are (agent prompts, file contents, messages). */
        NONE,
        /**
         * The result is a POSIX shell command: each value is quoted for the place it stands. A plain
         * {@code ${name}} that names no workflow variable (and no root the engine owns, such as {@code item},
         * {@code map} or {@code shell}) belongs to the shell and is left as written, as are {@code $NAME} and
         * {@code ${NAME}} of variables exported to the command's environment ({@code env:}).
         */
        SHELL,
        /**
         * An agent prompt: values are inserted as they are, and an undefined variable without a default is left
         * as written, as the Rust tool does, with a warning (once per placeholder of a prompt template in a
         * process, not once per map item).
         */
        PROMPT
    }

    /**
     * Interpolates a template.
     *
     * @param template the text with placeholders
     * @param variables the scope to resolve variables in
     * @param quoting how values are written
     * @param where names the step for error messages, e.g. {@code step 3 'shell: make' in map}; may be null
     * @return the interpolated text
     * @throws InterpolationException when a variable is undefined and has no default, or when a value cannot
     *     be inserted safely where it stands in a shell command; the message says which and what to do
     */
    public static String interpolate(String template, Variables variables, Quoting quoting, String where) {
        Objects.requireNonNull(template, "template");
        Objects.requireNonNull(variables, "variables");
        Objects.requireNonNull(quoting, "quoting");
        if (template.indexOf('$') < 0) {
            return template;
        }
        Template compiled = CACHE.get(template);
        if (compiled == null) {
            compiled = compile(template);
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear();
            }
            CACHE.putIfAbsent(template, compiled);
        }
        return compiled.render(variables, quoting, where);
    }

    /**
     * Renders a value as interpolation inserts it (before any quoting): strings as text, numbers canonically,
     * null as empty, arrays of strings joined with ", ", other arrays and objects as compact JSON.
     *
     * @param value the value, may be null or missing
     * @return its text
     */
    public static String render(JsonNode value) {
        return value == null || value.isMissingNode() ? "" : ValueText.of(value);
    }

    /**
     * Compiles a template once, for rendering many times. Compiling never fails: problems are reported when
     * rendering, with the variables at hand.
     *
     * @param template the text with placeholders
     * @return the compiled template
     */
    public static Template compile(String template) {
        Objects.requireNonNull(template, "template");
        if (template.indexOf('$') < 0) {
            return new Template(template, List.of(), List.of());
        }
        return new Template(template, TemplateParser.parsePlain(template), TemplateParser.parseShell(template));
    }

    /** A compiled template: immutable and safe to share between threads. */
    public static final class Template {
        private final String source;
        private final List<Part> plain;
        private final List<Part> shell;

        private Template(String source, List<Part> plain, List<Part> shell) {
            this.source = source;
            this.plain = List.copyOf(plain);
            this.shell = List.copyOf(shell);
        }

        /** @return the template text as written */
        public String source() {
            return source;
        }

        /**
         * Renders the template; see {@link Interpolator#interpolate}.
         *
         * @param variables the scope to resolve variables in
         * @param quoting how values are written
         * @param where names the step for error messages; may be null
         * @return the interpolated text
         * @throws InterpolationException as {@link Interpolator#interpolate} does
         */
        public String render(Variables variables, Quoting quoting, String where) {
            Objects.requireNonNull(variables, "variables");
            Objects.requireNonNull(quoting, "quoting");
            if (plain.isEmpty()) {
                return source;
            }
            boolean quoted = quoting == Quoting.SHELL;
            return Renderer.render(
                    source.length(), quoted ? shell : plain, variables, quoted, quoting == Quoting.PROMPT, where);
        }

        @Override
        public String toString() {
            return source;
        }
    }
}
