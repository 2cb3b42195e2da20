package io.prodigy.core.internal.expr;

import io.prodigy.api.ExpressionException;
import io.prodigy.core.internal.expr.Token.Kind;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits expression text into {@link Token}s. Strings take single or double quotes and the escapes {@code \\ \' \"
 * \n \r \t \}{@code uXXXX}; any other backslash pair is kept as written, so regular expressions such as
 * {@code '\.rs$'} and {@code '\d+'} need no doubling.
 */
final class Lexer {
    private final String text;
    private int pos;

    private Lexer(String text) {
        this.text = text;
    }

    /**
     * @return the tokens of {@code text}, ending with one {@link Kind#END} token
     * @throws ExpressionException for an unterminated string, an unknown operator or an unexpected character
     */
    static List<Token> tokenize(String text) {
        return new Lexer(text).run();
    }

    private List<Token> run() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
            if (pos >= text.length()) {
                tokens.add(new Token(Kind.END, text.length(), text.length(), ""));
                return tokens;
            }
            tokens.add(next());
        }
    }

    private Token next() {
        int start = pos;
        char c = text.charAt(pos);
        if (c == '\'' || c == '"') {
            return string(c);
        }
        if (isDigit(c) || (c == '-' && pos + 1 < text.length() && isDigit(text.charAt(pos + 1)))) {
            return number();
        }
        if (isWordStart(c)) {
            pos++;
            while (pos < text.length() && isWordPart(text.charAt(pos))) {
                pos++;
            }
            return token(Kind.WORD, start);
        }
        switch (c) {
            case '.':
                return single(Kind.DOT);
            case ',':
                return single(Kind.COMMA);
            case '(':
                return single(Kind.LPAREN);
            case ')':
                return single(Kind.RPAREN);
            case '[':
                return single(Kind.LBRACKET);
            case ']':
                return single(Kind.RBRACKET);
            case '}':
                return single(Kind.RBRACE);
            case ':':
                if (startsWith(":-")) {
                    // ${name:-default}: the default is the raw text up to the closing brace, as in interpolation
                    int end = text.indexOf('}', pos + 2);
                    if (end < 0) {
                        throw error(start, "unclosed '${name:-default}', expected '}' after the default");
                    }
                    pos = end;
                    return new Token(Kind.DEFAULT, start, end, text.substring(start + 2, end));
                }
                throw error(start, "unexpected character ':'");
            case '$':
                if (startsWith("${")) {
                    pos += 2;
                    return token(Kind.VAR_OPEN, start);
                }
                throw error(start, "unexpected '$', expected '${' to start a variable such as ${name}");
            case '=':
                rejectOperator("===", "==");
                rejectOperator("=>", ">=");
                rejectOperator("=<", "<=");
                rejectOperator("=~", "matches");
                return operator(startsWith("==") ? 2 : 1, Kind.EQ);
            case '!':
                rejectOperator("!==", "!=");
                return startsWith("!=") ? operator(2, Kind.NE) : single(Kind.NOT);
            case '<':
                rejectOperator("<>", "!=");
                return startsWith("<=") ? operator(2, Kind.LE) : single(Kind.LT);
            case '>':
                return startsWith(">=") ? operator(2, Kind.GE) : single(Kind.GT);
            case '&':
                if (startsWith("&&")) {
                    return operator(2, Kind.AND);
                }
                throw error(start, "unknown operator '&', did you mean '&&'?");
            case '|':
                if (startsWith("||")) {
                    return operator(2, Kind.OR);
                }
                throw error(start, "unknown operator '|', did you mean '||'?");
            default:
                throw error(
                        start, "unexpected character '" + new String(Character.toChars(text.codePointAt(start))) + "'");
        }
    }

    private Token string(char quote) {
        int start = pos++;
        StringBuilder value = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == quote) {
                pos++;
                return new Token(Kind.STRING, start, pos, value.toString());
            }
            if (c == '\\' && pos + 1 < text.length()) {
                char e = text.charAt(pos + 1);
                switch (e) {
                    case '\\':
                    case '\'':
                    case '"':
                        value.append(e);
                        break;
                    case 'n':
                        value.append('\n');
                        break;
                    case 'r':
                        value.append('\r');
                        break;
                    case 't':
                        value.append('\t');
                        break;
                    case 'u':
                        value.append(unicodeEscape());
                        break;
                    default:
                        value.append(c).append(e);
                        break;
                }
                pos += e == 'u' ? 6 : 2;
                continue;
            }
            value.append(c);
            pos++;
        }
        throw error(start, "unterminated string, expected a closing " + quote + " before end of input");
    }

    private char unicodeEscape() {
        if (pos + 6 <= text.length()) {
            int code = 0;
            boolean valid = true;
            for (int i = pos + 2; i < pos + 6; i++) {
                int digit = Character.digit(text.charAt(i), 16);
                valid &= digit >= 0;
                code = code * 16 + digit;
            }
            if (valid) {
                return (char) code;
            }
        }
        throw error(pos, "invalid unicode escape, expected \\u followed by 4 hex digits");
    }

    private Token number() {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        skipDigits();
        if (pos + 1 < text.length() && text.charAt(pos) == '.' && isDigit(text.charAt(pos + 1))) {
            pos++;
            skipDigits();
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            int mark = pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (pos < text.length() && isDigit(text.charAt(pos))) {
                skipDigits();
            } else {
                pos = mark;
            }
        }
        boolean runsOn = pos < text.length()
                && (isWordPart(text.charAt(pos))
                        || (text.charAt(pos) == '.' && pos + 1 < text.length() && isDigit(text.charAt(pos + 1))));
        if (runsOn) {
            while (pos < text.length() && (isWordPart(text.charAt(pos)) || text.charAt(pos) == '.')) {
                pos++;
            }
            String word = text.substring(start, pos);
            throw error(start, "invalid number '" + word + "', quote text values: '" + word + "'");
        }
        return token(Kind.NUMBER, start);
    }

    private void skipDigits() {
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private void rejectOperator(String operator, String suggestion) {
        if (startsWith(operator)) {
            throw error(pos, "unknown operator '" + operator + "', did you mean '" + suggestion + "'?");
        }
    }

    private boolean startsWith(String s) {
        return text.startsWith(s, pos);
    }

    private Token single(Kind kind) {
        return operator(1, kind);
    }

    private Token operator(int length, Kind kind) {
        int start = pos;
        pos += length;
        return token(kind, start);
    }

    private Token token(Kind kind, int start) {
        return new Token(kind, start, pos, text.substring(start, pos));
    }

    private ExpressionException error(int offset, String reason) {
        return new ExpressionException(text, offset + 1, reason);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordStart(char c) {
        return Character.isLetter(c) || c == '_';
    }

    /** Hyphens are allowed inside names ({@code file-name}); the language has no arithmetic to confuse them with. */
    private static boolean isWordPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-';
    }
}
