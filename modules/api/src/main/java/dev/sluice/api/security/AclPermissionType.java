package dev.sluice.api.security;

/**
 * Whether an ACL grants or forbids; a matching DENY always wins over ALLOW. Kafka's wire codes and
 * names; {@link #ANY} and {@link #UNKNOWN} occur only in filters and on the wire. Immutable; any thread.
 */
public enum AclPermissionType implements KafkaCoded {
    UNKNOWN(0, "Unknown"),
    ANY(1, "Any"),
    DENY(2, "Deny"),
    ALLOW(3, "Allow");

    private static final KafkaCodes<AclPermissionType> CODES = new KafkaCodes<>(values(), UNKNOWN);

    private final byte code;
    private final String kafkaName;

    AclPermissionType(int code, String kafkaName) {
        this.code = (byte) code;
        this.kafkaName = kafkaName;
    }

    @Override
    public byte code() {
        return code;
    }

    @Override
    public String kafkaName() {
        return kafkaName;
    }

    public static AclPermissionType fromCode(byte code) {
        return CODES.fromCode(code);
    }

    public static AclPermissionType fromName(String name) {
        return CODES.fromName(name);
    }
}
