package dev.sluice.api.security;

/**
 * How an ACL's resource name matches: {@link #LITERAL} (the name itself, or every resource when it is
 * {@code *}) or {@link #PREFIXED} (every name starting with it). {@link #ANY} and {@link #MATCH} occur
 * only in filters: MATCH selects the ACLs that would apply to a concrete resource (its literal, the
 * wildcard and every prefix of it). Kafka's wire codes. Immutable; any thread.
 */
public enum PatternType implements KafkaCoded {
    UNKNOWN(0),
    ANY(1),
    MATCH(2),
    LITERAL(3),
    PREFIXED(4);

    private static final KafkaCodes<PatternType> CODES = new KafkaCodes<>(values(), UNKNOWN);

    private final byte code;

    PatternType(int code) {
        this.code = (byte) code;
    }

    @Override
    public byte code() {
        return code;
    }

    /** Kafka names pattern types by their constants: {@code LITERAL}, {@code PREFIXED}. */
    @Override
    public String kafkaName() {
        return name();
    }

    public static PatternType fromCode(byte code) {
        return CODES.fromCode(code);
    }

    public static PatternType fromName(String name) {
        return CODES.fromName(name);
    }

    /** LITERAL or PREFIXED: a pattern an ACL can be stored under. */
    public boolean isSpecific() {
        return this == LITERAL || this == PREFIXED;
    }
}
