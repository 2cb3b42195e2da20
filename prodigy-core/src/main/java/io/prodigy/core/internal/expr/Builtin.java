package io.prodigy.core.internal.expr;

import io.prodigy.core.text.Spelling;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The whitelisted functions; nothing else can be called. Names are matched case-insensitively. */
enum Builtin {
    CONTAINS(2, 2),
    STARTS_WITH(2, 2),
    ENDS_WITH(2, 2),
    MATCHES(2, 2),
    IS_NULL(1, 1),
    IS_NOT_NULL(1, 1),
    IS_NUMBER(1, 1),
    IS_STRING(1, 1),
    IS_BOOL(1, 1),
    IS_ARRAY(1, 1),
    IS_OBJECT(1, 1),
    /** {@code length(f)} is the length of a string, array or object; {@code length(f, n)} tests it equals n. */
    LENGTH(1, 2),
    EXISTS(1, 1);

    private final String spelling = name().toLowerCase(Locale.ROOT);
    private final int minArguments;
    private final int maxArguments;

    Builtin(int minArguments, int maxArguments) {
        this.minArguments = minArguments;
        this.maxArguments = maxArguments;
    }

    /** @return the name as written in expressions, e.g. {@code starts_with} */
    String spelling() {
        return spelling;
    }

    int minArguments() {
        return minArguments;
    }

    int maxArguments() {
        return maxArguments;
    }

    /** @return the function called {@code name} (any case), or {@code null} */
    static Builtin named(String name) {
        for (Builtin b : values()) {
            if (b.spelling.equalsIgnoreCase(name)) {
                return b;
            }
        }
        return null;
    }

    /** @return the function whose name is closest to {@code name} within a small edit distance, or {@code null} */
    static Builtin closestTo(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> spellings = new ArrayList<>();
        for (Builtin b : values()) {
            spellings.add(b.spelling);
        }
        String best = Spelling.closest(lower, spellings, Math.max(2, lower.length() / 3));
        return best == null ? null : named(best);
    }

    /** @return the names of all functions, comma-separated */
    static String allSpellings() {
        StringBuilder sb = new StringBuilder();
        for (Builtin b : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(b.spelling);
        }
        return sb.toString();
    }
}
