package dev.sluice.api.record;

/** A record batch that must not be stored or served; the reason maps onto a Kafka error code. */
public class InvalidRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why the input was refused. */
    public enum Reason {
        /** Size, CRC or structure is wrong (Kafka: CORRUPT_MESSAGE). */
        CORRUPT,
        /** Magic other than 2 (Kafka: UNSUPPORTED_VERSION / CORRUPT_MESSAGE). */
        UNSUPPORTED_MAGIC,
        /** Record or batch larger than allowed (Kafka: MESSAGE_TOO_LARGE / RECORD_LIST_TOO_LARGE). */
        TOO_LARGE,
        /** Well-formed but semantically invalid, e.g. bad offsets (Kafka: INVALID_RECORD). */
        INVALID
    }

    private final Reason reason;

    public InvalidRecordException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
