package io.prodigy.core.internal.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Comparator;

/**
 * The value semantics shared by expressions, sorting and distinct. All methods take non-null nodes and treat
 * {@link com.fasterxml.jackson.databind.node.MissingNode} like JSON null.
 *
 * <p>Numbers compare by value whatever their JSON representation ({@code 1 == 1.0}); integers beyond 2^53 and big
 * decimals compare exactly. With {@code coerce} (conditions, where variables are usually strings) a string that
 * parses as a number compares numerically with a number or with another numeric string when ordering, and a string
 * {@code "true"}/{@code "false"} equals the matching boolean.
 */
final class JsonValues {
    /** Returned by {@link #compare} when the two values have no order. */
    static final int INCOMPARABLE = Integer.MIN_VALUE;

    /** Integers up to this magnitude are exact as doubles; a long, since a long compared with a double is rounded. */
    private static final long EXACT_DOUBLE_LIMIT = 1L << 53;

    private static final Object NULL_KEY = new Object();
    private static final Comparator<JsonNode> NUMERIC_LEAVES =
            (x, y) -> x.isNumber() && y.isNumber() ? compareNumbers(x, y) : (x.equals(y) ? 0 : 1);

    private JsonValues() {}

    static boolean isAbsent(JsonNode n) {
        return n.isNull() || n.isMissingNode();
    }

    /**
     * Equality with null semantics: missing and null equal each other and nothing else. Numbers by value, strings,
     * booleans, arrays and objects (deeply, numbers by value) by type; other type pairs are unequal unless
     * {@code coerce} applies.
     */
    static boolean equal(JsonNode a, JsonNode b, boolean coerce) {
        boolean aAbsent = isAbsent(a);
        boolean bAbsent = isAbsent(b);
        if (aAbsent || bAbsent) {
            return aAbsent && bAbsent;
        }
        if (a.isNumber() && b.isNumber()) {
            return compareNumbers(a, b) == 0;
        }
        if (a.isTextual() && b.isTextual()) {
            return a.textValue().equals(b.textValue());
        }
        if (a.isBoolean() && b.isBoolean()) {
            return a.booleanValue() == b.booleanValue();
        }
        if (coerce) {
            if (a.isTextual() != b.isTextual()) {
                JsonNode other = a.isTextual() ? b : a;
                String s = (a.isTextual() ? a : b).textValue();
                if (other.isNumber()) {
                    JsonNode n = parseNumber(s);
                    return n != null && compareNumbers(other, n) == 0;
                }
                if (other.isBoolean()) {
                    return s.strip().equalsIgnoreCase(other.booleanValue() ? "true" : "false");
                }
            }
        }
        if (a.isContainerNode() && b.isContainerNode()) {
            return a.equals(NUMERIC_LEAVES, b);
        }
        return false;
    }

    /**
     * Ordering for {@code < <= > >=}: number with number, string with string (lexically, by UTF-16 code unit),
     * and under {@code coerce} numeric strings as numbers.
     *
     * @return a negative number, zero or a positive number, or {@link #INCOMPARABLE} when either side is null or
     *     missing or the types have no order
     */
    static int compare(JsonNode a, JsonNode b, boolean coerce) {
        if (isAbsent(a) || isAbsent(b)) {
            return INCOMPARABLE;
        }
        if (a.isNumber() && b.isNumber()) {
            return compareNumbers(a, b);
        }
        if (a.isTextual() && b.isTextual()) {
            if (coerce) {
                JsonNode x = parseNumber(a.textValue());
                JsonNode y = x == null ? null : parseNumber(b.textValue());
                if (y != null) {
                    return compareNumbers(x, y);
                }
            }
            return Integer.signum(a.textValue().compareTo(b.textValue()));
        }
        if (coerce && a.isNumber() && b.isTextual()) {
            JsonNode y = parseNumber(b.textValue());
            return y == null ? INCOMPARABLE : compareNumbers(a, y);
        }
        if (coerce && a.isTextual() && b.isNumber()) {
            JsonNode x = parseNumber(a.textValue());
            return x == null ? INCOMPARABLE : compareNumbers(x, b);
        }
        return INCOMPARABLE;
    }

    /** Compares two number nodes by value: longs exactly, doubles as doubles, anything larger via BigDecimal. */
    static int compareNumbers(JsonNode a, JsonNode b) {
        if (isLong(a) && isLong(b)) {
            return Long.compare(a.longValue(), b.longValue());
        }
        if (isDoubleExact(a) && isDoubleExact(b) || isNonFinite(a) || isNonFinite(b)) {
            return compareDoubles(a.doubleValue(), b.doubleValue());
        }
        return a.decimalValue().compareTo(b.decimalValue());
    }

    /** Compares doubles numerically, with {@code -0.0 == 0.0}; NaN sorts after everything. */
    static int compareDoubles(double x, double y) {
        return x < y ? -1 : x > y ? 1 : x == y ? 0 : Double.compare(x, y);
    }

    /**
     * Truthiness: true; a non-zero number; a string that is not blank, {@code "0"} or {@code "false"} (any case,
     * surrounding whitespace ignored); a non-empty array or object. Null and missing are false.
     */
    static boolean truthy(JsonNode n) {
        switch (n.getNodeType()) {
            case BOOLEAN:
                return n.booleanValue();
            case NUMBER:
                if (isLong(n)) {
                    return n.longValue() != 0;
                }
                if (n.isDouble() || n.isFloat()) {
                    return n.doubleValue() != 0;
                }
                return n.isBigInteger()
                        ? n.bigIntegerValue().signum() != 0
                        : n.decimalValue().signum() != 0;
            case STRING:
                String s = n.textValue().strip();
                return !s.isEmpty() && !s.equals("0") && !s.equalsIgnoreCase("false");
            case ARRAY:
            case OBJECT:
                return n.size() > 0;
            case NULL:
            case MISSING:
                return false;
            default:
                return true;
        }
    }

    /**
     * @return the text that string functions ({@code contains}, {@code starts_with}, ...) work on: a string's value,
     *     and under {@code coerce} also a number or boolean as written; otherwise {@code null}
     */
    static String text(JsonNode n, boolean coerce) {
        if (n.isTextual()) {
            return n.textValue();
        }
        if (coerce && n.isNumber()) {
            return canonicalNumber(n);
        }
        if (coerce && n.isBoolean()) {
            return n.booleanValue() ? "true" : "false";
        }
        return null;
    }

    /**
     * @return the string form {@code in} compares: a string as is, a number in canonical form ({@code 3}, {@code 3.0}
     *     and {@code 3e0} are all {@code "3"}), a boolean as {@code "true"}/{@code "false"}; {@code null} otherwise
     */
    static String membershipKey(JsonNode n) {
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isNumber()) {
            return canonicalNumber(n);
        }
        if (n.isBoolean()) {
            return n.booleanValue() ? "true" : "false";
        }
        return null;
    }

    /** @return a number without exponent or trailing zeros, integral values without a fraction */
    static String canonicalNumber(JsonNode n) {
        if (isLong(n)) {
            return Long.toString(n.longValue());
        }
        if (n.isBigInteger()) {
            return n.bigIntegerValue().toString();
        }
        if (n.isDouble() || n.isFloat()) {
            double d = n.doubleValue();
            if (!Double.isFinite(d)) {
                return Double.toString(d);
            }
            if (d == Math.rint(d) && Math.abs(d) < EXACT_DOUBLE_LIMIT) {
                return Long.toString((long) d);
            }
            return plain(BigDecimal.valueOf(d));
        }
        return plain(n.decimalValue());
    }

    /**
     * @return a key for {@code distinct}: equal for values that {@link #equal} (without coercion) considers equal;
     *     null and missing share one key
     */
    static Object distinctKey(JsonNode n) {
        if (isAbsent(n)) {
            return NULL_KEY;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isNumber()) {
            if (isLong(n)) {
                return n.longValue();
            }
            if ((n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue())) {
                return n.doubleValue();
            }
            BigDecimal value = n.decimalValue().stripTrailingZeros();
            try {
                return value.longValueExact();
            } catch (ArithmeticException notALong) {
                return value;
            }
        }
        return new ContainerKey(n.toString());
    }

    /** Distinct key of an array or object: its JSON text, kept apart from strings with the same text. */
    private record ContainerKey(String json) {}

    /**
     * Orders two non-null, non-missing values for sorting: by type rank (boolean, number, string, array, object),
     * then numbers by value, strings lexically, booleans false before true, arrays and objects by size.
     */
    static int compareForSort(JsonNode a, JsonNode b) {
        int rank = typeRank(a);
        int other = typeRank(b);
        if (rank != other) {
            return Integer.compare(rank, other);
        }
        switch (rank) {
            case 1:
                return Boolean.compare(a.booleanValue(), b.booleanValue());
            case 2:
                return compareNumbers(a, b);
            case 3:
                return a.textValue().compareTo(b.textValue());
            case 4:
            case 5:
                return Integer.compare(a.size(), b.size());
            default:
                return 0;
        }
    }

    /** @return the sort rank of a value's type: 0 for null and missing, then boolean 1 ... object 5, other 6 */
    static int typeRank(JsonNode n) {
        switch (n.getNodeType()) {
            case NULL:
            case MISSING:
                return 0;
            case BOOLEAN:
                return 1;
            case NUMBER:
                return 2;
            case STRING:
                return 3;
            case ARRAY:
                return 4;
            case OBJECT:
                return 5;
            default:
                return 6;
        }
    }

    /**
     * Parses a number literal: integers as longs (or big integers), decimals as doubles when the double is exactly
     * the decimal written, otherwise as big decimals.
     */
    static JsonNode numberLiteral(String text) {
        if (text.indexOf('.') < 0 && text.indexOf('e') < 0 && text.indexOf('E') < 0) {
            try {
                return LongNode.valueOf(Long.parseLong(text));
            } catch (NumberFormatException tooBig) {
                return BigIntegerNode.valueOf(new BigInteger(text));
            }
        }
        BigDecimal exact = new BigDecimal(text);
        double d = exact.doubleValue();
        if (Double.isFinite(d) && new BigDecimal(Double.toString(d)).compareTo(exact) == 0) {
            return DoubleNode.valueOf(d);
        }
        return DecimalNode.valueOf(exact);
    }

    /**
     * @return the number a string spells (optional sign, digits, optional fraction and exponent; surrounding
     *     whitespace ignored), or {@code null} when it is not one
     */
    static JsonNode parseNumber(String s) {
        String t = s.strip();
        int i = 0;
        int n = t.length();
        if (i < n && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
            i++;
        }
        int digits = i;
        while (i < n && isDigit(t.charAt(i))) {
            i++;
        }
        if (i == digits) {
            return null;
        }
        if (i < n && t.charAt(i) == '.') {
            int fraction = ++i;
            while (i < n && isDigit(t.charAt(i))) {
                i++;
            }
            if (i == fraction) {
                return null;
            }
        }
        if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            i++;
            if (i < n && (t.charAt(i) == '-' || t.charAt(i) == '+')) {
                i++;
            }
            int exponent = i;
            while (i < n && isDigit(t.charAt(i))) {
                i++;
            }
            if (i == exponent) {
                return null;
            }
        }
        return i == n ? numberLiteral(t.charAt(0) == '+' ? t.substring(1) : t) : null;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLong(JsonNode n) {
        return n.isInt() || n.isLong() || n.isShort();
    }

    /** @return whether the number's double value is exactly its value */
    static boolean isDoubleExact(JsonNode n) {
        if (n.isDouble() || n.isFloat()) {
            return true;
        }
        if (isLong(n)) {
            long v = n.longValue();
            return v >= -EXACT_DOUBLE_LIMIT && v <= EXACT_DOUBLE_LIMIT;
        }
        return false;
    }

    private static boolean isNonFinite(JsonNode n) {
        return (n.isDouble() || n.isFloat()) && !Double.isFinite(n.doubleValue());
    }

    private static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() <= 0 ? stripped.toBigInteger().toString() : stripped.toPlainString();
    }
}
