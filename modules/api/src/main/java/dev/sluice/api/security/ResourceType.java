package dev.sluice.api.security;

/**
 * What an ACL protects, with Kafka's wire codes (CreateAcls, DescribeAcls, DeleteAcls) and the names
 * Kafka writes in ZooKeeper ({@code /kafka-acl/Topic/orders}). {@link #ANY} and {@link #UNKNOWN}
 * occur only in filters and on the wire. Immutable; any thread.
 */
public enum ResourceType implements KafkaCoded {
    UNKNOWN(0, "Unknown"),
    ANY(1, "Any"),
    TOPIC(2, "Topic"),
    GROUP(3, "Group"),
    CLUSTER(4, "Cluster"),
    TRANSACTIONAL_ID(5, "TransactionalId"),
    DELEGATION_TOKEN(6, "DelegationToken"),
    USER(7, "User");

    private static final KafkaCodes<ResourceType> CODES = new KafkaCodes<>(values(), UNKNOWN);

    private final byte code;
    private final String kafkaName;

    ResourceType(int code, String kafkaName) {
        this.code = (byte) code;
        this.kafkaName = kafkaName;
    }

    @Override
    public byte code() {
        return code;
    }

    /** Kafka's name: {@code Topic}, {@code TransactionalId}, ... (ZooKeeper paths, kafka-acls.sh output). */
    @Override
    public String kafkaName() {
        return kafkaName;
    }

    /**
     * The operations an ACL on a resource of this type can grant (Kafka's {@code AclEntry.supportedOperations}):
     * what KIP-430's authorized operations of a topic, group or the cluster are chosen from. Empty for
     * {@link #ANY} and {@link #UNKNOWN}.
     */
    public java.util.Set<AclOperation> supportedOperations() {
        return switch (this) {
            case TOPIC -> java.util.EnumSet.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DESCRIBE,
                    AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
            case GROUP -> java.util.EnumSet.of(AclOperation.READ, AclOperation.DESCRIBE, AclOperation.DELETE);
            case CLUSTER -> java.util.EnumSet.of(AclOperation.CREATE, AclOperation.CLUSTER_ACTION, AclOperation.DESCRIBE_CONFIGS,
                    AclOperation.ALTER_CONFIGS, AclOperation.IDEMPOTENT_WRITE, AclOperation.ALTER, AclOperation.DESCRIBE);
            case TRANSACTIONAL_ID -> java.util.EnumSet.of(AclOperation.DESCRIBE, AclOperation.WRITE);
            case DELEGATION_TOKEN -> java.util.EnumSet.of(AclOperation.DESCRIBE);
            case USER -> java.util.EnumSet.of(AclOperation.CREATE_TOKENS, AclOperation.DESCRIBE_TOKENS);
            case ANY, UNKNOWN -> java.util.EnumSet.noneOf(AclOperation.class);
        };
    }

    /** The type of a wire code; {@link #UNKNOWN} for codes this broker does not know. */
    public static ResourceType fromCode(byte code) {
        return CODES.fromCode(code);
    }

    /** Kafka's name ({@code Topic}) or the enum name ({@code topic}, {@code TRANSACTIONAL_ID}), case-insensitive. */
    public static ResourceType fromName(String name) {
        return CODES.fromName(name);
    }
}
