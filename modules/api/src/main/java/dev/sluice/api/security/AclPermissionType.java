package dev.sluice.api.security;

/**
 * Whether an ACL grants or forbids; a matching DENY always wins over ALLOW. Kafka's wire codes and
 * names; {@link #ANY} and {@link #UNKNOWN} occur only in filters and on the wire. Immutable; any thread.
 */
public enum AclPermissionType {
    UNKNOWN(0, "Unknown"),
    ANY(1, "Any"),
    DENY(2, "Deny"),
    ALLOW(3, "Allow");

    private final byte code;
    private final String kafkaName;

    AclPermissionType(int code, String kafkaName) {
        this.code = (byte) code;
        this.kafkaName = kafkaName;
    }

    public byte code() {
        return code;
    }

    public String kafkaName() {
        return kafkaName;
    }

    public static AclPermissionType fromCode(byte code) {
        for (AclPermissionType p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return UNKNOWN;
    }

    public static AclPermissionType fromName(String name) {
        for (AclPermissionType p : values()) {
            if (p.kafkaName.equalsIgnoreCase(name)) {
                return p;
            }
        }
        return UNKNOWN;
    }
}
