package dev.sluice.api.security;

import java.util.Set;

/**
 * What a principal does to a resource, with Kafka's wire codes and names ({@code Read},
 * {@code DescribeConfigs}: ZooKeeper's ACL JSON, kafka-acls.sh). {@link #ALL} in an ACL stands for
 * every operation; {@link #ANY} and {@link #UNKNOWN} occur only in filters and on the wire.
 * Immutable; any thread.
 */
public enum AclOperation implements KafkaCoded {
    UNKNOWN(0, "Unknown"),
    ANY(1, "Any"),
    ALL(2, "All"),
    READ(3, "Read"),
    WRITE(4, "Write"),
    CREATE(5, "Create"),
    DELETE(6, "Delete"),
    ALTER(7, "Alter"),
    DESCRIBE(8, "Describe"),
    CLUSTER_ACTION(9, "ClusterAction"),
    DESCRIBE_CONFIGS(10, "DescribeConfigs"),
    ALTER_CONFIGS(11, "AlterConfigs"),
    IDEMPOTENT_WRITE(12, "IdempotentWrite"),
    CREATE_TOKENS(13, "CreateTokens"),
    DESCRIBE_TOKENS(14, "DescribeTokens");

    private static final KafkaCodes<AclOperation> CODES = new KafkaCodes<>(values(), UNKNOWN);

    private final byte code;
    private final String kafkaName;

    AclOperation(int code, String kafkaName) {
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

    /**
     * The operations whose ALLOW grants this one too, itself included (Kafka's implied operations):
     * READ, WRITE, DELETE and ALTER imply DESCRIBE; ALTER_CONFIGS implies DESCRIBE_CONFIGS. ALL is
     * not listed: it grants everything.
     */
    public Set<AclOperation> grantedBy() {
        return switch (this) {
            case DESCRIBE -> Set.of(DESCRIBE, READ, WRITE, DELETE, ALTER);
            case DESCRIBE_CONFIGS -> Set.of(DESCRIBE_CONFIGS, ALTER_CONFIGS);
            default -> Set.of(this);
        };
    }

    public static AclOperation fromCode(byte code) {
        return CODES.fromCode(code);
    }

    /** Kafka's name ({@code DescribeConfigs}) or the enum name ({@code describe_configs}), case-insensitive. */
    public static AclOperation fromName(String name) {
        return CODES.fromName(name.replace("-", "_"));
    }
}
