package io.prodigy.core.internal.interpolate;

import io.prodigy.core.internal.interpolate.Part.HereDocument;
import io.prodigy.core.internal.interpolate.Part.Literal;
import io.prodigy.core.internal.interpolate.Part.Placeholder;
import io.prodigy.core.internal.interpolate.Part.Placement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a template into literal text and placeholders.
 *
 * <p>{@link #parsePlain} knows no shell: every placeholder is found, wherever it stands.
 *
 * <p>{@link #parseShell} reads the template the way POSIX {@code sh} and bash will read the interpolated
 * command, keeping a stack of the constructs it is inside: quotes ({@code '...'}, {@code "..."},
 * {@code $'...'}), command substitution ({@code $(...)}, backquotes), the shell's own parameter expansions
 * ({@code ${x%%.*}}), comments, here-documents, and the places where bash evaluates text as arithmetic, which
 * runs command substitutions hidden in array subscripts even when the text was quoted ({@code $((...))},
 * {@code ((...))}, {@code $[...]}, {@code name[...]}, {@code let}, the operands of {@code -eq} and its
 * siblings in {@code [[ ... ]]}). Each placeholder records the {@link Placement} it stands in, which decides
 * how its value is quoted. Where the shell's reading cannot be followed with certainty, placeholders are
 * marked {@link Placement#UNSAFE}, so that rendering fails rather than guesses.
 */
final class TemplateParser {
    private static final String CASE_REASON = "after a 'case' statement inside $(...), where the quoting context "
            + "cannot be determined; move the case statement out of the command substitution";

    private static final String QUOTE_IN_EXPANSION_REASON = "after a single quote inside a shell expansion"
            + " ${...} within double quotes or a here-document, which shells read differently; avoid the quote or"
            + " move the expansion out of the quotes";

    private static final String DIALECT_REASON = "after text inside ((...)) or $[...] that sh (dash) and bash read"
            + " differently (a quote, << or a comment), so the quoting context cannot be determined; use $((...))"
            + " and keep quotes out of it";

    private static final String ANSI_C_ESCAPED_QUOTE_REASON = "after an escaped quote \\' inside $'...', which"
            + " sh (dash) and bash read differently, so the quoting context cannot be determined";

    private static final Set<String> ARITHMETIC_TEST_OPERATORS = Set.of("-eq", "-ne", "-lt", "-le", "-gt", "-ge");

    /** Reserved words after which a command starts. */
    private static final Set<String> COMMAND_PREFIXES =
            Set.of("if", "then", "else", "elif", "do", "while", "until", "time", "!", "{");

    private enum Kind {
        ROOT,
        COMMAND_SUBSTITUTION,
        BACKQUOTE,
        SINGLE,
        DOUBLE,
        ANSI_C,
        PARAMETER,
        /** {@code $((...))} or {@code ((...))}. */
        ARITHMETIC,
        /** bash's {@code $[...]}. */
        BRACKET_ARITHMETIC,
        /** {@code name[...]}: an array subscript, evaluated as arithmetic for indexed arrays. */
        SUBSCRIPT,
        /** bash's {@code [[ ... ]]}. */
        TEST,
        /** The arguments of {@code let}. */
        LET,
        HERE_DOCUMENT,
        HERE_DOCUMENT_LITERAL
    }

    private static final class Frame {
        final Kind kind;
        /** Why placeholders in this frame cannot be quoted, or null when they can. */
        final String unsafeReason;
        /** Where bash evaluates this frame's text as arithmetic, or null when it does not. */
        final String arithmeticReason;
        /** For ARITHMETIC: opened by {@code $((} rather than {@code ((}. */
        final boolean fromDollar;
        /** For PARAMETER: {@code '} does not quote (the expansion stands in "..." or a here-document). */
        final boolean singleQuotesLiteral;
        /** For PARAMETER: {@code "} does not quote (the expansion stands in a here-document). */
        final boolean doubleQuotesLiteral;
        /** Open parentheses inside this frame (COMMAND_SUBSTITUTION, ARITHMETIC, SUBSCRIPT). */
        int parens;
        /** Open brackets inside this frame (BRACKET_ARITHMETIC, SUBSCRIPT). */
        int brackets;
        /** For TEST: where the current word starts, or -1 between words. */
        int wordStart = -1;
        /** For TEST: the previous word, and the placeholders (indexes into the parts) in it and in this one. */
        String previousWord = "";

        List<Integer> previousPlaceholders = new ArrayList<>();
        List<Integer> wordPlaceholders = new ArrayList<>();

        Frame(
                Kind kind,
                String unsafeReason,
                String arithmeticReason,
                boolean fromDollar,
                boolean singleQuotesLiteral,
                boolean doubleQuotesLiteral) {
            this.kind = kind;
            this.unsafeReason = unsafeReason;
            this.arithmeticReason = arithmeticReason;
            this.fromDollar = fromDollar;
            this.singleQuotesLiteral = singleQuotesLiteral;
            this.doubleQuotesLiteral = doubleQuotesLiteral;
        }
    }

    private record PendingHereDocument(String delimiter, boolean stripTabs, boolean quoted) {}

    private final String src;
    private final int start;
    private final int end;
    private int pos;
    /** Set once the shell's reading can no longer be followed: every later placeholder is refused. */
    private String uncertainReason;

    private final List<Part> parts = new ArrayList<>();
    private final StringBuilder literal = new StringBuilder();
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private final List<PendingHereDocument> pending = new ArrayList<>();

    private TemplateParser(String src, int start, int end, Frame base, String uncertainReason) {
        this.src = src;
        this.start = start;
        this.end = end;
        this.pos = start;
        this.uncertainReason = uncertainReason;
        frames.push(base);
    }

    /** Parses a template for rendering without shell quoting. */
    static List<Part> parsePlain(String src) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int n = src.length();
        int i = 0;
        while (i < n) {
            int dollar = src.indexOf('$', i);
            if (dollar < 0) {
                literal.append(src, i, n);
                break;
            }
            literal.append(src, i, dollar);
            char next = dollar + 1 < n ? src.charAt(dollar + 1) : '\0';
            if (next == '$') {
                boolean escape = dollar + 2 < n && src.charAt(dollar + 2) == '{';
                literal.append(escape ? "${" : "$$");
                i = dollar + (escape ? 3 : 2);
            } else if (next == '{') {
                Placeholder placeholder = placeholderAt(src, dollar, n, Placement.NONE, null);
                if (placeholder == null) {
                    literal.append("${");
                    i = dollar + 2;
                } else {
                    flush(literal, parts);
                    parts.add(placeholder);
                    i = dollar + placeholder.source().length();
                }
            } else if (VariablePath.isNameStart(next) || VariablePath.isAsciiDigit(next)) {
                int nameEnd = shortNameEnd(src, dollar + 1, n);
                flush(literal, parts);
                parts.add(shortPlaceholder(src, dollar, nameEnd, Placement.NONE, null));
                i = nameEnd;
            } else {
                literal.append('$');
                i = dollar + 1;
            }
        }
        flush(literal, parts);
        return parts;
    }

    /** Parses a template that will run as a POSIX shell command. */
    static List<Part> parseShell(String src) {
        TemplateParser parser =
                new TemplateParser(src, 0, src.length(), new Frame(Kind.ROOT, null, null, false, false, false), null);
        parser.scan();
        return parser.parts;
    }

    /**
     * Finds the line of a here-document body that ends it.
     *
     * @param text the text holding the body
     * @param from where the body starts (the start of a line)
     * @param to where the text to search ends
     * @param delimiter the delimiter after quote removal
     * @param stripTabs whether leading tabs are ignored ({@code <<-})
     * @param quoted whether the delimiter was quoted; if not, a line ending in an unescaped backslash
     *     continues on the next line, which then cannot end the document
     * @return the start of the delimiter line, or -1 when no line in range ends the document
     */
    static int findDelimiterLine(
            CharSequence text, int from, int to, String delimiter, boolean stripTabs, boolean quoted) {
        int lineStart = from;
        boolean continued = false;
        while (lineStart < to) {
            int lineEnd = lineStart;
            while (lineEnd < to && text.charAt(lineEnd) != '\n') {
                lineEnd++;
            }
            if (!continued && isDelimiterLine(text, lineStart, lineEnd, delimiter, stripTabs)) {
                return lineStart;
            }
            continued = !quoted && endsWithEscape(text, lineStart, lineEnd);
            lineStart = lineEnd + 1;
        }
        return -1;
    }

    private static boolean isDelimiterLine(
            CharSequence text, int lineStart, int lineEnd, String delimiter, boolean stripTabs) {
        int s = lineStart;
        if (stripTabs) {
            while (s < lineEnd && text.charAt(s) == '\t') {
                s++;
            }
        }
        if (lineEnd - s != delimiter.length()) {
            return false;
        }
        for (int i = 0; i < delimiter.length(); i++) {
            if (text.charAt(s + i) != delimiter.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWithEscape(CharSequence text, int lineStart, int lineEnd) {
        int backslashes = 0;
        for (int i = lineEnd - 1; i >= lineStart && text.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /**
     * Reads a {@code ${...}} placeholder of ours at {@code at} (which holds {@code $}).
     *
     * @return the placeholder, or null when the braces hold something else (a shell expansion)
     */
    private static Placeholder placeholderAt(String src, int at, int limit, Placement placement, String reason) {
        int close = src.indexOf('}', at + 2);
        if (close < 0 || close >= limit) {
            return null;
        }
        String content = src.substring(at + 2, close);
        if (content.indexOf('\n') >= 0) {
            return null;
        }
        boolean raw = false;
        String pathText = content;
        String defaultText = null;
        int separator = content.indexOf(":-");
        if (separator >= 0) {
            pathText = content.substring(0, separator);
            defaultText = content.substring(separator + 2);
            if (defaultText.endsWith("|raw")) {
                raw = true;
                defaultText = defaultText.substring(0, defaultText.length() - 4);
            }
            if (defaultText.indexOf('$') >= 0 || defaultText.indexOf('`') >= 0) {
                return null;
            }
        }
        if (pathText.endsWith("|raw")) {
            raw = true;
            pathText = pathText.substring(0, pathText.length() - 4);
        }
        VariablePath path = VariablePath.parse(pathText);
        if (path == null) {
            return null;
        }
        return new Placeholder(path, src.substring(at, close + 1), defaultText, raw, false, placement, reason);
    }

    private static int shortNameEnd(String src, int nameStart, int limit) {
        if (VariablePath.isAsciiDigit(src.charAt(nameStart))) {
            return nameStart + 1;
        }
        int i = nameStart + 1;
        while (i < limit && VariablePath.isNamePart(src.charAt(i))) {
            i++;
        }
        return i;
    }

    private static Placeholder shortPlaceholder(String src, int at, int nameEnd, Placement placement, String reason) {
        return new Placeholder(
                VariablePath.simple(src.substring(at + 1, nameEnd)),
                src.substring(at, nameEnd),
                null,
                false,
                true,
                placement,
                reason);
    }

    private static void flush(StringBuilder literal, List<Part> parts) {
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString()));
            literal.setLength(0);
        }
    }

    private void scan() {
        while (pos < end) {
            Frame frame = frames.peek();
            char c = src.charAt(pos);
            switch (frame.kind) {
                case ROOT, COMMAND_SUBSTITUTION, SUBSCRIPT, TEST, LET -> code(frame, c);
                case SINGLE -> {
                    if (c == '\'') {
                        frames.pop();
                        emitChar();
                    } else if (c == '$') {
                        dollar(frame);
                    } else {
                        emitChar();
                    }
                }
                case ANSI_C -> {
                    if (c == '\\') {
                        if (charAt(pos + 1) == '\'') {
                            uncertain(ANSI_C_ESCAPED_QUOTE_REASON);
                        }
                        emitEscape();
                    } else if (c == '\'') {
                        frames.pop();
                        emitChar();
                    } else if (c == '$') {
                        dollar(frame);
                    } else {
                        emitChar();
                    }
                }
                case DOUBLE, HERE_DOCUMENT -> {
                    if (c == '\\') {
                        emitEscape();
                    } else if (c == '"' && frame.kind == Kind.DOUBLE) {
                        frames.pop();
                        emitChar();
                    } else if (c == '`') {
                        push(Kind.BACKQUOTE, false, pos);
                        emitChar();
                    } else if (c == '$') {
                        dollar(frame);
                    } else {
                        emitChar();
                    }
                }
                case BACKQUOTE -> {
                    if (c == '\\') {
                        emitEscape();
                    } else if (c == '`') {
                        frames.pop();
                        emitChar();
                    } else if (c == '$') {
                        dollar(frame);
                    } else {
                        emitChar();
                    }
                }
                case PARAMETER -> parameter(frame, c);
                case ARITHMETIC, BRACKET_ARITHMETIC -> arithmetic(frame, c);
                case HERE_DOCUMENT_LITERAL -> {
                    if (c == '$') {
                        dollar(frame);
                    } else {
                        emitChar();
                    }
                }
                default -> throw new IllegalStateException("unknown frame " + frame.kind);
            }
        }
        flush(literal, parts);
    }

    /** Unquoted shell code: the top level, {@code $(...)}, and the code-like frames inside them. */
    private void code(Frame frame, char c) {
        if (!beforeCode(frame, c)) {
            return;
        }
        switch (c) {
            case '\\' -> emitEscape();
            case '\'' -> {
                push(Kind.SINGLE, false, pos);
                emitChar();
            }
            case '"' -> {
                push(Kind.DOUBLE, false, pos);
                emitChar();
            }
            case '`' -> {
                push(Kind.BACKQUOTE, false, pos);
                emitChar();
            }
            case '$' -> dollar(frame);
            case '#' -> {
                if (atWordStart()) {
                    int newline = src.indexOf('\n', pos);
                    int commentEnd = newline < 0 || newline > end ? end : newline;
                    literal.append(src, pos, commentEnd);
                    pos = commentEnd;
                } else {
                    emitChar();
                }
            }
            case '(' -> {
                if (charAt(pos + 1) == '(') {
                    push(Kind.ARITHMETIC, false, pos);
                    literal.append("((");
                    pos += 2;
                } else {
                    frame.parens++;
                    emitChar();
                }
            }
            case ')' -> {
                if (frame.parens > 0) {
                    frame.parens--;
                } else if (frame.kind == Kind.COMMAND_SUBSTITUTION) {
                    frames.pop();
                }
                emitChar();
            }
            case '[' -> {
                if (frame.kind != Kind.TEST && atWordStart() && charAt(pos + 1) == '[' && isWordEndOrEnd(pos + 2)) {
                    push(Kind.TEST, false, pos);
                    literal.append("[[");
                    pos += 2;
                } else if (opensSubscript()) {
                    push(Kind.SUBSCRIPT, false, pos);
                    emitChar();
                } else {
                    emitChar();
                }
            }
            case '<' -> {
                if (charAt(pos + 1) == '<') {
                    hereDocumentOperator();
                } else {
                    emitChar();
                }
            }
            case '\n' -> {
                emitChar();
                if (!pending.isEmpty()) {
                    hereDocumentBodies(frame);
                }
            }
            case 'c' -> {
                if (frame.kind == Kind.COMMAND_SUBSTITUTION
                        && atWordStart()
                        && src.startsWith("case", pos)
                        && isBlank(charAt(pos + 4))) {
                    uncertain(CASE_REASON);
                }
                emitChar();
            }
            case 'l' -> {
                if (atWordStart() && src.startsWith("let", pos) && isBlank(charAt(pos + 3)) && atCommandPosition()) {
                    literal.append("let");
                    pos += 3;
                    push(Kind.LET, false, pos);
                } else {
                    emitChar();
                }
            }
            default -> emitChar();
        }
    }

    /**
     * Handles what is particular to the code-like frames that end with a word or a command.
     *
     * @return true when {@code c} is still to be read as code in {@code frame}
     */
    private boolean beforeCode(Frame frame, char c) {
        switch (frame.kind) {
            case SUBSCRIPT -> {
                if (c == '[') {
                    frame.brackets++;
                    emitChar();
                    return false;
                }
                if (c == ']') {
                    if (frame.brackets > 0) {
                        frame.brackets--;
                    } else {
                        frames.pop();
                    }
                    emitChar();
                    return false;
                }
                if (isBlank(c)
                        || c == ';'
                        || c == '&'
                        || c == '|'
                        || c == '<'
                        || c == '>'
                        || (c == ')' && frame.parens == 0)) {
                    frames.pop(); // the word ends without "]": read c again in the enclosing frame
                    return false;
                }
                return true;
            }
            case LET -> {
                if (c == ';' || c == '&' || c == '|' || c == '\n' || (c == ')' && frame.parens == 0)) {
                    frames.pop(); // the command ends: read c again in the enclosing frame
                    return false;
                }
                return true;
            }
            case TEST -> {
                // Only bash has [[ ... ]]; to sh it is a command like any other. So this frame only marks the
                // operands of -eq and its siblings, and everything else is read as ordinary code.
                if (isWordBoundary(c)) {
                    finishTestWord(frame);
                    if (c == ')' && frame.parens == 0) {
                        frames.pop(); // to sh, this closes an enclosing $(...)
                        return false;
                    }
                    return true;
                }
                if (frame.wordStart < 0) {
                    if (c == ']' && charAt(pos + 1) == ']' && isWordEndOrEnd(pos + 2)) {
                        frames.pop();
                        literal.append("]]");
                        pos += 2;
                        return false;
                    }
                    frame.wordStart = pos;
                }
                return true;
            }
            default -> {
                return true;
            }
        }
    }

    /** Ends a word inside {@code [[ ... ]]}: operands of {@code -eq} and its siblings are arithmetic. */
    private void finishTestWord(Frame test) {
        if (test.wordStart < 0) {
            return;
        }
        String word = src.substring(test.wordStart, pos);
        if (ARITHMETIC_TEST_OPERATORS.contains(test.previousWord)) {
            markArithmetic(test.wordPlaceholders, "as an operand of " + test.previousWord + " in [[ ... ]]");
        }
        if (ARITHMETIC_TEST_OPERATORS.contains(word)) {
            markArithmetic(test.previousPlaceholders, "as an operand of " + word + " in [[ ... ]]");
        }
        test.previousWord = word;
        test.previousPlaceholders = test.wordPlaceholders;
        test.wordPlaceholders = new ArrayList<>();
        test.wordStart = -1;
    }

    private void markArithmetic(List<Integer> placeholders, String reason) {
        for (int index : placeholders) {
            Placeholder p = (Placeholder) parts.get(index);
            if (p.placement() != Placement.UNSAFE && p.placement() != Placement.ARITHMETIC) {
                parts.set(
                        index,
                        new Placeholder(
                                p.path(),
                                p.source(),
                                p.defaultText(),
                                p.raw(),
                                p.shortForm(),
                                Placement.ARITHMETIC,
                                reason));
            }
        }
    }

    /** Inside the shell's own {@code ${...}} expansion. */
    private void parameter(Frame frame, char c) {
        if (c == '\\') {
            emitEscape();
        } else if (c == '}') {
            frames.pop();
            emitChar();
        } else if (c == '\'' && !frame.singleQuotesLiteral) {
            push(Kind.SINGLE, false, pos);
            emitChar();
        } else if (c == '\'') {
            // In "${x%'...'}" dash and bash's pattern operators quote, bash's ${x:-'...'} does not.
            uncertain(QUOTE_IN_EXPANSION_REASON);
            emitChar();
        } else if (c == '"' && !frame.doubleQuotesLiteral) {
            push(Kind.DOUBLE, false, pos);
            emitChar();
        } else if (c == '`') {
            push(Kind.BACKQUOTE, false, pos);
            emitChar();
        } else if (c == '$') {
            dollar(frame);
        } else {
            emitChar();
        }
    }

    /**
     * Inside {@code $((...))}, {@code ((...))} or {@code $[...]}, which shells read like double-quoted text:
     * a single quote is an ordinary character there.
     */
    private void arithmetic(Frame frame, char c) {
        if (!frame.fromDollar || frame.kind == Kind.BRACKET_ARITHMETIC) {
            // sh (dash) has no ((...)) command and no $[...]: it reads their text as ordinary code.
            if (c == '\''
                    || (c == '<' && charAt(pos + 1) == '<')
                    || (c == '#' && atWordStart())
                    || (c == ')' && frame.parens == 0 && frame.kind == Kind.BRACKET_ARITHMETIC)) {
                uncertain(DIALECT_REASON);
            }
        }
        switch (c) {
            case '\\' -> emitEscape();
            case '"' -> {
                push(Kind.DOUBLE, false, pos);
                emitChar();
            }
            case '`' -> {
                push(Kind.BACKQUOTE, false, pos);
                emitChar();
            }
            case '$' -> dollar(frame);
            case '[' -> {
                frame.brackets++;
                emitChar();
            }
            case ']' -> {
                if (frame.kind == Kind.BRACKET_ARITHMETIC && frame.brackets == 0) {
                    frames.pop();
                } else if (frame.brackets > 0) {
                    frame.brackets--;
                }
                emitChar();
            }
            case '(' -> {
                frame.parens++;
                emitChar();
            }
            case ')' -> {
                if (frame.parens > 0) {
                    frame.parens--;
                    emitChar();
                } else if (frame.kind == Kind.BRACKET_ARITHMETIC) {
                    emitChar();
                } else if (charAt(pos + 1) == ')') {
                    frames.pop();
                    literal.append("))");
                    pos += 2;
                } else {
                    // Not arithmetic after all: "$((cmd) ...)" or "((cmd) ...)" nest a subshell.
                    frames.pop();
                    if (frame.fromDollar) {
                        push(Kind.COMMAND_SUBSTITUTION, false, pos);
                    } else {
                        frames.peek().parens++;
                    }
                    emitChar();
                }
            }
            default -> emitChar();
        }
    }

    private void dollar(Frame frame) {
        char next = charAt(pos + 1);
        if (next == '$') {
            if (charAt(pos + 2) == '{') {
                // "$${" is the escape for a literal "${": the shell sees its own expansion.
                literal.append("${");
                int at = pos + 1;
                pos += 3;
                if (opensExpansions(frame.kind)) {
                    push(Kind.PARAMETER, false, at);
                }
            } else {
                literal.append("$$");
                pos += 2;
            }
            return;
        }
        if (next == '{') {
            Placeholder placeholder = placeholderAt(src, pos, end, placementOf(frame), reasonOf(frame));
            if (placeholder != null) {
                addPlaceholder(placeholder);
                pos += placeholder.source().length();
                return;
            }
            literal.append("${");
            int at = pos;
            pos += 2;
            if (opensExpansions(frame.kind)) {
                push(Kind.PARAMETER, false, at);
            }
            return;
        }
        if (VariablePath.isNameStart(next) || VariablePath.isAsciiDigit(next)) {
            int nameEnd = shortNameEnd(src, pos + 1, end);
            if (frame.kind == Kind.SINGLE || frame.kind == Kind.ANSI_C || frame.kind == Kind.HERE_DOCUMENT_LITERAL) {
                // The shell does not expand here: "$1" in awk '{print $1}' belongs to awk.
                literal.append(src, pos, nameEnd);
            } else {
                addPlaceholder(shortPlaceholder(src, pos, nameEnd, placementOf(frame), reasonOf(frame)));
            }
            pos = nameEnd;
            return;
        }
        if (opensExpansions(frame.kind)) {
            if (next == '(') {
                if (charAt(pos + 2) == '(') {
                    push(Kind.ARITHMETIC, true, pos);
                    literal.append("$((");
                    pos += 3;
                } else {
                    push(Kind.COMMAND_SUBSTITUTION, false, pos);
                    literal.append("$(");
                    pos += 2;
                }
                return;
            }
            if (next == '[') {
                push(Kind.BRACKET_ARITHMETIC, true, pos);
                literal.append("$[");
                pos += 2;
                return;
            }
            if ((next == '\'' || next == '"') && quotesActive(frame, next)) {
                push(next == '\'' ? Kind.ANSI_C : Kind.DOUBLE, false, pos);
                literal.append('$').append(next);
                pos += 2;
                return;
            }
        }
        emitChar();
    }

    private void addPlaceholder(Placeholder placeholder) {
        flush(literal, parts);
        parts.add(placeholder);
        for (Frame frame : frames) {
            if (frame.kind == Kind.TEST) {
                frame.wordPlaceholders.add(parts.size() - 1);
                return;
            }
        }
    }

    private void hereDocumentOperator() {
        if (charAt(pos + 2) == '<') {
            literal.append("<<<");
            pos += 3;
            return;
        }
        int p = pos + 2;
        boolean stripTabs = false;
        if (charAt(p) == '-') {
            stripTabs = true;
            p++;
        }
        while (p < end && (src.charAt(p) == ' ' || src.charAt(p) == '\t')) {
            p++;
        }
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        while (p < end) {
            char c = src.charAt(p);
            if (c == '\'') {
                quoted = true;
                int close = src.indexOf('\'', p + 1);
                close = close < 0 || close > end ? end : close;
                word.append(src, p + 1, close);
                p = Math.min(close + 1, end);
            } else if (c == '"') {
                quoted = true;
                p++;
                while (p < end && src.charAt(p) != '"') {
                    if (src.charAt(p) == '\\' && p + 1 < end) {
                        p++;
                    }
                    word.append(src.charAt(p));
                    p++;
                }
                p = Math.min(p + 1, end);
            } else if (c == '\\') {
                quoted = true;
                if (p + 1 < end) {
                    word.append(src.charAt(p + 1));
                }
                p = Math.min(p + 2, end);
            } else if (isWordBoundary(c)) {
                break;
            } else {
                word.append(c);
                p++;
            }
        }
        if (word.length() == 0 && !quoted) {
            literal.append("<<");
            pos += 2;
            return;
        }
        literal.append(src, pos, p);
        pending.add(new PendingHereDocument(word.toString(), stripTabs, quoted));
        pos = p;
    }

    /** Called at the start of the line after a command that opened here-documents: reads their bodies. */
    private void hereDocumentBodies(Frame frame) {
        List<PendingHereDocument> documents = List.copyOf(pending);
        pending.clear();
        for (int i = 0; i < documents.size(); i++) {
            PendingHereDocument document = documents.get(i);
            if (i > 0 && pos < end && src.charAt(pos) == '\n') {
                emitChar();
            }
            int bodyStart = pos;
            int delimiterLine = findDelimiterLine(
                    src, bodyStart, end, document.delimiter(), document.stripTabs(), document.quoted());
            int bodyEnd = delimiterLine < 0 ? end : delimiterLine;
            int delimiterEnd = end;
            if (delimiterLine >= 0) {
                int newline = src.indexOf('\n', delimiterLine);
                delimiterEnd = newline < 0 || newline > end ? end : newline;
            }
            Kind kind = document.quoted() ? Kind.HERE_DOCUMENT_LITERAL : Kind.HERE_DOCUMENT;
            TemplateParser body = new TemplateParser(
                    src,
                    bodyStart,
                    bodyEnd,
                    new Frame(kind, frame.unsafeReason, frame.arithmeticReason, false, false, false),
                    uncertainReason);
            body.scan();
            uncertain(body.uncertainReason);
            if (body.parts.stream().anyMatch(part -> !(part instanceof Literal))) {
                flush(literal, parts);
                parts.add(new HereDocument(body.parts, document.delimiter(), document.stripTabs(), document.quoted()));
            } else {
                for (Part part : body.parts) {
                    literal.append(((Literal) part).text());
                }
            }
            literal.append(src, bodyEnd, delimiterEnd);
            pos = delimiterEnd;
        }
    }

    private void push(Kind kind, boolean fromDollar, int at) {
        Frame parent = frames.peek();
        String unsafe = parent.unsafeReason != null ? parent.unsafeReason : ownUnsafeReason(kind, at);
        String arithmetic =
                parent.arithmeticReason != null ? parent.arithmeticReason : ownArithmeticReason(kind, fromDollar);
        boolean singleQuotesLiteral = false;
        boolean doubleQuotesLiteral = false;
        if (kind == Kind.PARAMETER) {
            singleQuotesLiteral = parent.kind == Kind.DOUBLE
                    || parent.kind == Kind.HERE_DOCUMENT
                    || parent.kind == Kind.ARITHMETIC
                    || parent.kind == Kind.BRACKET_ARITHMETIC
                    || (parent.kind == Kind.PARAMETER && parent.singleQuotesLiteral);
            doubleQuotesLiteral =
                    parent.kind == Kind.HERE_DOCUMENT || (parent.kind == Kind.PARAMETER && parent.doubleQuotesLiteral);
        }
        frames.push(new Frame(kind, unsafe, arithmetic, fromDollar, singleQuotesLiteral, doubleQuotesLiteral));
    }

    private String ownUnsafeReason(Kind kind, int at) {
        return switch (kind) {
            case BACKQUOTE -> "inside backquotes `...`, where no quoting is reliable; use $(...) instead";
            case ANSI_C -> "inside $'...', which shells read differently; close the $'...' string before it";
            case PARAMETER ->
                "inside the shell's own expansion '" + snippet(at)
                        + "', which cannot be quoted reliably; assign the value to a shell variable first"
                        + " (v=${...}) and expand that";
            default -> null;
        };
    }

    private static String ownArithmeticReason(Kind kind, boolean fromDollar) {
        return switch (kind) {
            case ARITHMETIC -> fromDollar ? "inside $((...))" : "inside ((...))";
            case BRACKET_ARITHMETIC -> "inside $[...]";
            case SUBSCRIPT -> "inside an array subscript [...]";
            case LET -> "in the arguments of let";
            default -> null;
        };
    }

    /** The template text from {@code at}, cut at a line end or after 24 characters. */
    private String snippet(int at) {
        int snippetEnd = Math.min(end, at + 24);
        int newline = src.indexOf('\n', at);
        if (newline >= 0 && newline < snippetEnd) {
            return src.substring(at, newline);
        }
        return src.substring(at, snippetEnd) + (snippetEnd < end ? "..." : "");
    }

    private Placement placementOf(Frame frame) {
        if (frame.unsafeReason != null || uncertainReason != null) {
            return Placement.UNSAFE;
        }
        if (frame.arithmeticReason != null) {
            return Placement.ARITHMETIC;
        }
        return switch (frame.kind) {
            case SINGLE -> Placement.SINGLE_QUOTED;
            case DOUBLE -> Placement.DOUBLE_QUOTED;
            case HERE_DOCUMENT -> Placement.HERE_DOCUMENT;
            case HERE_DOCUMENT_LITERAL -> Placement.HERE_DOCUMENT_LITERAL;
            case ROOT, COMMAND_SUBSTITUTION, TEST -> Placement.UNQUOTED;
            // The other frames always carry an unsafe or an arithmetic reason.
            default -> throw new IllegalStateException("no placement for " + frame.kind);
        };
    }

    private String reasonOf(Frame frame) {
        if (frame.unsafeReason != null) {
            return frame.unsafeReason;
        }
        return uncertainReason != null ? uncertainReason : frame.arithmeticReason;
    }

    private void uncertain(String reason) {
        if (uncertainReason == null) {
            uncertainReason = reason;
        }
    }

    private static boolean opensExpansions(Kind kind) {
        return switch (kind) {
            case ROOT,
                    COMMAND_SUBSTITUTION,
                    SUBSCRIPT,
                    TEST,
                    LET,
                    DOUBLE,
                    PARAMETER,
                    ARITHMETIC,
                    BRACKET_ARITHMETIC,
                    HERE_DOCUMENT -> true;
            default -> false;
        };
    }

    private static boolean quotesActive(Frame frame, char quote) {
        return switch (frame.kind) {
            case ROOT, COMMAND_SUBSTITUTION, SUBSCRIPT, TEST, LET -> true;
            case ARITHMETIC, BRACKET_ARITHMETIC -> quote == '"';
            case PARAMETER -> quote == '\'' ? !frame.singleQuotesLiteral : !frame.doubleQuotesLiteral;
            default -> false;
        };
    }

    /**
     * Whether the {@code [} at {@code pos} opens an array subscript: it follows a name that starts a word
     * ({@code arr[...]}), or it starts a word and is not the test command ({@code [i]=v} in
     * {@code arr=([i]=v)}). A glob such as {@code file[0-9]} is read the same way, which only makes
     * placeholders inside it stricter.
     */
    private boolean opensSubscript() {
        if (atWordStart()) {
            char next = charAt(pos + 1);
            return next != '\0' && !isBlank(next) && next != ']';
        }
        int i = pos - 1;
        while (i >= start && VariablePath.isNamePart(src.charAt(i))) {
            i--;
        }
        return i < pos - 1
                && VariablePath.isNameStart(src.charAt(i + 1))
                && (i < start || isWordBoundary(src.charAt(i)));
    }

    /** Whether the word at {@code pos} stands where a command name does. */
    private boolean atCommandPosition() {
        int i = pos - 1;
        while (i >= start && (src.charAt(i) == ' ' || src.charAt(i) == '\t')) {
            i--;
        }
        if (i < start) {
            return true;
        }
        char previous = src.charAt(i);
        if (previous == ';' || previous == '&' || previous == '|' || previous == '(' || previous == '\n') {
            return true;
        }
        int wordEnd = i + 1;
        while (i >= start && !isWordBoundary(src.charAt(i))) {
            i--;
        }
        return COMMAND_PREFIXES.contains(src.substring(i + 1, wordEnd));
    }

    private boolean atWordStart() {
        return pos == start || isWordBoundary(src.charAt(pos - 1));
    }

    private static boolean isWordBoundary(char c) {
        return isBlank(c) || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '<' || c == '>';
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\n';
    }

    private boolean isWordEndOrEnd(int i) {
        return i >= end || isWordBoundary(src.charAt(i));
    }

    private char charAt(int i) {
        return i < end ? src.charAt(i) : '\0';
    }

    private void emitChar() {
        literal.append(src.charAt(pos++));
    }

    private void emitEscape() {
        literal.append('\\');
        pos++;
        if (pos < end) {
            literal.append(src.charAt(pos++));
        }
    }
}
