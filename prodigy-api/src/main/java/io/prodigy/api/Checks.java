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
    private Checks() {}

    static <T> T notNull(T value, String field) {
        return WorkflowDefinitionException.requireNonNull(value, field);
    }

    /**
     * @param values a varargs array
     * @param field the parameter's name
     * @return the values as an unmodifiable list
     * @throws WorkflowDefinitionException naming the parameter (and the index) when the array or an element is null
     */
    @SafeVarargs
    static <T> List<T> elements(String field, T... values) {
        notNull(values, field);
        List<T> out = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            out.add(notNull(values[i], field + "[" + i + "]"));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * @param values a list argument
     * @param field the parameter's name
     * @return a copy
     * @throws WorkflowDefinitionException naming the parameter (and the index) when the list or an element is null
     */
    static <T> List<T> elements(List<T> values, String field) {
        notNull(values, field);
        List<T> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(notNull(values.get(i), field + "[" + i + "]"));
        }
        return out;
    }

    /**
     * @param field the parameter's name
     * @param steps step builders, built in order
     * @return the built steps
     * @throws WorkflowDefinitionException naming the parameter (and the index) when the array or an element is null,
     *     or when a step is invalid
     */
    static List<Step> built(String field, Step.Builder... steps) {
        List<Step> out = new ArrayList<>(steps == null ? 0 : steps.length);
        for (Step.Builder s : elements(field, steps)) {
            out.add(s.build());
        }
        return Collections.unmodifiableList(out);
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
