package io.prodigy.core.internal.expr;

/**
 * One lexical token.
 *
 * @param kind what the token is
 * @param start 0-based offset of its first character in the expression text
 * @param end 0-based offset just past its last character
 * @param value the decoded content for {@link Kind#STRING}, otherwise the source text
 */
record Token(Kind kind, int start, int end, String value) {

    /** Token kinds. Words (names and keywords alike) are all {@link #WORD}; the parser decides by position. */
    enum Kind {
        WORD,
        NUMBER,
        STRING,
        DOT,
        COMMA,
        LPAREN,
        RPAREN,
        LBRACKET,
        RBRACKET,
        VAR_OPEN,
        RBRACE,
        DEFAULT,
        EQ,
        NE,
        LT,
        LE,
        GT,
        GE,
        AND,
        OR,
        NOT,
        END
    }

    /** @return the 1-based column of the token's first character */
    int column() {
        return start + 1;
    }

    boolean is(Kind k) {
        return kind == k;
    }

    /** @return whether this is the word {@code word}, compared case-insensitively */
    boolean isWord(String word) {
        return kind == Kind.WORD && value.equalsIgnoreCase(word);
    }

    /** @return how the token reads in an error message, e.g. {@code '>='}, {@code string 'abc'}, {@code end of input} */
    String describe(String text) {
        if (kind == Kind.END) {
            return "end of input";
        }
        String source = text.substring(start, end);
        if (source.length() > 24) {
            source = source.substring(0, 21) + "...";
        }
        return kind == Kind.STRING ? "string " + source : "'" + source + "'";
    }
}
