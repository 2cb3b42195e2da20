package io.prodigy.yaml.internal;

/**
 * A YAML scalar: its text exactly as written (after YAML unquoting), what YAML reads it as, and how it was quoted.
 * A string is taken from {@link #text()}, so {@code version: 1.10} stays {@code "1.10"} and {@code DEBUG: yes} stays
 * {@code "yes"}.
 *
 * @param location where the scalar starts (its quote or block indicator included)
 * @param type what YAML reads the scalar as
 * @param text the text
 * @param style how it was written
 */
record ScalarNode(Location location, Type type, String text, Style style) implements Node {

    /** What YAML reads a scalar as. */
    enum Type {
        /** Text. */
        STRING,
        /** A whole number. */
        INTEGER,
        /** A number with a fraction or exponent. */
        FLOAT,
        /** {@code true} or {@code false} (and YAML 1.1's {@code yes}, {@code no}, {@code on}, {@code off}). */
        BOOLEAN,
        /** {@code null}, {@code ~} or nothing. */
        NULL
    }

    /** How a scalar was written in the file. */
    enum Style {
        /** Unquoted. */
        PLAIN,
        /** {@code '...'}. */
        SINGLE_QUOTED,
        /** {@code "..."} (and every JSON string). */
        DOUBLE_QUOTED,
        /** {@code |} block. */
        LITERAL,
        /** {@code >} block. */
        FOLDED,
        /** Made by the loader (a parameter value, a substitution): its text does not stand in the file as is. */
        SYNTHETIC
    }

    /** @param location where @param text the text @return a plain string scalar made by the loader itself */
    static ScalarNode string(Location location, String text) {
        return new ScalarNode(location, Type.STRING, text, Style.SYNTHETIC);
    }

    /** @return whether YAML reads it as null */
    boolean isNull() {
        return type == Type.NULL;
    }

    /** @return the boolean value; only for {@link Type#BOOLEAN} */
    boolean booleanValue() {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        return t.equals("true") || t.equals("yes") || t.equals("on") || t.equals("y");
    }

    @Override
    public String describe() {
        switch (type) {
            case NULL:
                return "null";
            case BOOLEAN:
                return "the boolean " + text;
            case INTEGER:
            case FLOAT:
                return "the number " + text;
            case STRING:
            default:
                return "the string " + Texts.quote(text);
        }
    }
}
