package io.prodigy.yaml.internal;

/**
 * A position in a source: 1-based line and column, 0 when unknown.
 *
 * @param source the file or source name
 * @param line the 1-based line, or 0
 * @param column the 1-based column, or 0
 */
record Location(String source, int line, int column) {

    /** @param source the source @return a location that concerns the whole source */
    static Location of(String source) {
        return new Location(source, 0, 0);
    }

    /** @return the same position, {@code delta} columns to the right */
    Location shifted(int delta) {
        return column == 0 ? this : new Location(source, line, column + delta);
    }

    @Override
    public String toString() {
        return line == 0 ? source : source + ":" + line + ":" + column;
    }
}
