package io.prodigy.core.internal;

import io.prodigy.api.Workflow;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The SHA-256 of a workflow's canonical form: every value of the model (stages, steps with all their controls, map
 * input values, policies, env, secrets' names but not their values), with map entries sorted by key and set
 * elements sorted, so that the same workflow built in another JVM (where {@code Map.of} and {@code Set.of} iterate
 * in another order) has the same fingerprint, and any change of a command or a control changes it. Values left unset
 * (null, false, empty) are not written, so a control added later changes no fingerprint of a workflow without it.
 */
public final class WorkflowFingerprint {
    private static final Set<String> SKIPPED = Set.of("toString", "hashCode", "toBuilder", "getClass");

    private WorkflowFingerprint() {}

    /**
     * @param workflow the workflow
     * @return its fingerprint, 64 hex digits
     */
    public static String of(Workflow workflow) {
        StringBuilder sb = new StringBuilder(4096);
        new Writer(sb).write(workflow);
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** @return the canonical text the fingerprint hashes (for tests) */
    static String canonical(Object value) {
        StringBuilder sb = new StringBuilder();
        new Writer(sb).write(value);
        return sb.toString();
    }

    private static final class Writer {
        private final StringBuilder sb;
        private final Map<Object, Boolean> path = new IdentityHashMap<>();

        Writer(StringBuilder sb) {
            this.sb = sb;
        }

        void write(Object o) {
            if (o == null) {
                sb.append('~');
            } else if (o instanceof CharSequence s) {
                sb.append('"').append(s.length()).append(':').append(s).append('"');
            } else if (o instanceof Number
                    || o instanceof Boolean
                    || o instanceof Character
                    || o instanceof Enum<?>
                    || o instanceof java.time.temporal.TemporalAmount) {
                sb.append(o);
            } else if (o instanceof Optional<?> opt) {
                write(opt.orElse(null));
            } else if (o instanceof Map<?, ?> m) {
                List<String[]> entries = new ArrayList<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    entries.add(new String[] {canonical(e.getKey()), canonical(e.getValue())});
                }
                entries.sort(Comparator.comparing((String[] e) -> e[0]));
                sb.append('{');
                entries.forEach(e -> sb.append(e[0]).append('=').append(e[1]).append(','));
                sb.append('}');
            } else if (o instanceof Set<?> set) {
                List<String> parts = new ArrayList<>();
                set.forEach(v -> parts.add(canonical(v)));
                parts.sort(null);
                sb.append('<');
                parts.forEach(p -> sb.append(p).append(','));
                sb.append('>');
            } else if (o instanceof Collection<?> c) {
                sb.append('[');
                c.forEach(v -> {
                    write(v);
                    sb.append(',');
                });
                sb.append(']');
            } else if (o.getClass().isArray()) {
                write(Arrays.asList(o instanceof Object[] a ? a : boxed(o)));
            } else if (path.containsKey(o)) {
                sb.append("<cycle>");
            } else if (o instanceof Record || o.getClass().getPackageName().startsWith("io.prodigy.api")) {
                path.put(o, Boolean.TRUE);
                writeModel(o);
                path.remove(o);
            } else {
                sb.append(o.getClass().getName()).append(':').append(o);
            }
        }

        private static boolean isUnset(Object value) {
            return value == null
                    || Boolean.FALSE.equals(value)
                    || (value instanceof Optional<?> opt && opt.isEmpty())
                    || (value instanceof Collection<?> c && c.isEmpty())
                    || (value instanceof Map<?, ?> m && m.isEmpty());
        }

        private static Object[] boxed(Object array) {
            Object[] out = new Object[java.lang.reflect.Array.getLength(array)];
            for (int i = 0; i < out.length; i++) {
                out[i] = java.lang.reflect.Array.get(array, i);
            }
            return out;
        }

        private void writeModel(Object o) {
            Class<?> type = o.getClass();
            sb.append(type.getName()).append('(');
            List<Method> accessors = new ArrayList<>();
            if (type.isRecord()) {
                for (RecordComponent c : type.getRecordComponents()) {
                    accessors.add(c.getAccessor());
                }
            } else {
                for (Method m : type.getMethods()) {
                    if (m.getParameterCount() == 0
                            && !Modifier.isStatic(m.getModifiers())
                            && m.getReturnType() != void.class
                            && m.getDeclaringClass() != Object.class
                            && !SKIPPED.contains(m.getName())
                            && !m.getReturnType().getSimpleName().equals("Builder")) {
                        accessors.add(m);
                    }
                }
                accessors.sort(Comparator.comparing(Method::getName));
            }
            for (Method m : accessors) {
                Object value;
                try {
                    m.setAccessible(true);
                    value = m.invoke(o);
                } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
                    value = "<" + e.getClass().getSimpleName() + ">";
                }
                if (o instanceof Workflow && m.getName().equals("secrets") && value instanceof Map<?, ?> secrets) {
                    value = new java.util.TreeSet<>(
                            secrets.keySet().stream().map(String::valueOf).toList());
                }
                if (isUnset(value)) {
                    // a control left at its default is not written: a control added in a later version leaves the
                    // fingerprints of workflows that do not use it (and runs journaled before it) unchanged
                    continue;
                }
                sb.append(m.getName()).append('=');
                write(value);
                sb.append(';');
            }
            sb.append(')');
        }
    }
}
