package dev.sluice.api.security;

/**
 * A value of one of Kafka's ACL enums ({@link ResourceType}, {@link AclOperation}, {@link AclPermissionType},
 * {@link PatternType}): its wire code and the name Kafka writes for it. Immutable; any thread.
 */
interface KafkaCoded {
    /** The wire code (CreateAcls, DescribeAcls, DeleteAcls). */
    byte code();

    /** Kafka's name: {@code Topic}, {@code DescribeConfigs}, {@code Allow} (ZooKeeper's ACL znodes and JSON, kafka-acls.sh). */
    String kafkaName();
}
