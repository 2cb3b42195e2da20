package io.prodigy.core.internal.interpolate;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * Turns a variable's JSON value into the text that is interpolated.
 *
 * <ul>
 *   <li>string: its text;</li>
 *   <li>number: integers without a fraction ({@code 3}, also for a floating value that is whole, such as
 *       {@code 3.0}, so that shell arithmetic accepts it); other decimals as Jackson writes them;</li>
 *   <li>boolean: {@code true} or {@code false};</li>
 *   <li>null or missing: the empty string;</li>
 *   <li>an array of strings only: the strings joined with {@code ", "} (as upstream does);</li>
 *   <li>any other array or object: compact JSON.</li>
 * </ul>
 */
final class ValueText {
    /** Whole doubles below this magnitude are exactly representable as longs. */
    private static final double MAX_EXACT_DOUBLE = 9.007199254740992E15;

    private ValueText() {}

    static String of(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNull() || value.isMissingNode()) {
            return "";
        }
        if (value.isNumber()) {
            return number(value);
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "true" : "false";
        }
        if (value.isArray() && allTextual(value)) {
            StringBuilder joined = new StringBuilder();
            for (JsonNode element : value) {
                if (joined.length() > 0) {
                    joined.append(", ");
                }
                joined.append(element.textValue());
            }
            return joined.toString();
        }
        return value.toString();
    }

    private static String number(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.asText();
        }
        if (value.isBigDecimal()) {
            BigDecimal decimal = value.decimalValue();
            BigDecimal stripped = decimal.stripTrailingZeros();
            return stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 40
                    ? stripped.toPlainString()
                    : decimal.toString();
        }
        double d = value.doubleValue();
        if (d == Math.rint(d) && Math.abs(d) < MAX_EXACT_DOUBLE) {
            return Long.toString((long) d);
        }
        return value.toString();
    }

    private static boolean allTextual(JsonNode array) {
        for (JsonNode element : array) {
            if (!element.isTextual()) {
                return false;
            }
        }
        return true;
    }
}
