package io.prodigy.core.store;

/**
 * A record is well-formed JSON but not a record this version can read (a missing field, an unknown type, a
 * newer format version). Readers turn it into a {@link io.prodigy.api.StoreException} naming file and line.
 */
final class RecordFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RecordFormatException(String reason) {
        super(reason, null, false, false);
    }
}
