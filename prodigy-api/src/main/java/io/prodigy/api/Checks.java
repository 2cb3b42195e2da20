package io.prodigy.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Argument checks shared by the model's builders; messages name the field. */
final class Checks {
    private Checks() {
    }

    static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new WorkflowDefinitionException(field + " must not be null");
        }
        return value;
    }

    static String notBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new WorkflowDefinitionException(field + " must not be blank");
        }
        return value;
    }

    static int positive(int value, String field) {
        if (value < 1) {
            throw new WorkflowDefinitionException(field + " must be at least 1, was " + value);
        }
        return value;
    }

    static int nonNegative(int value, String field) {
        if (value < 0) {
            throw new WorkflowDefinitionException(field + " must not be negative, was " + value);
        }
        return value;
    }

    static Duration positive(Duration value, String field) {
        if (value != null && (value.isNegative() || value.isZero())) {
            throw new WorkflowDefinitionException(field + " must be positive, was " + value);
        }
        return value;
    }

    static Duration nonNegative(Duration value, String field) {
        if (value != null && value.isNegative()) {
            throw new WorkflowDefinitionException(field + " must not be negative, was " + value);
        }
        return value;
    }

    static <T> List<T> list(List<T> values, String field) {
        if (values == null || values.isEmpty()) {
            return List.of(); // shared: a run of a million items holds a million of these
        }
        List<T> copy = new ArrayList<>(values.size());
        for (T v : values) {
            copy.add(notNull(v, field + " element"));
        }
        return Collections.unmodifiableList(copy);
    }

    static <K, V> Map<K, V> map(Map<K, V> values, String field) {
        if (values == null) {
            return Map.of();
        }
        Map<K, V> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> copy.put(notNull(k, field + " key"), notNull(v, field + " value for " + k)));
        return Collections.unmodifiableMap(copy);
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static boolean equal(Object a, Object b) {
        return Objects.equals(a, b);
    }
}
