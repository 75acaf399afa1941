package dev.sluice.protocol;

import dev.sluice.protocol.message.MessageSchema;
import dev.sluice.protocol.message.Schemas;
import dev.sluice.protocol.message.Struct;

/**
 * The Kafka APIs Sluice speaks, with their version ranges taken from the bundled schemas
 * (request and response schemas of an API always share their valid versions).
 *
 * <p>The inter-broker APIs ({@link #isInterBroker()}: LeaderAndIsr, StopReplica, UpdateMetadata from
 * the controller to brokers; ControlledShutdown, AlterPartition from brokers to the controller) come
 * from Kafka 3.9.1's schemas (4.x dropped or changed them); clients never send them, and
 * {@link #clientApis()} leaves them out.
 */
public enum ApiKey {
    PRODUCE(0, "Produce"),
    FETCH(1, "Fetch"),
    LIST_OFFSETS(2, "ListOffsets"),
    METADATA(3, "Metadata"),
    LEADER_AND_ISR(4, "LeaderAndIsr", true),
    STOP_REPLICA(5, "StopReplica", true),
    UPDATE_METADATA(6, "UpdateMetadata", true),
    CONTROLLED_SHUTDOWN(7, "ControlledShutdown", true),
    OFFSET_COMMIT(8, "OffsetCommit"),
    OFFSET_FETCH(9, "OffsetFetch"),
    FIND_COORDINATOR(10, "FindCoordinator"),
    JOIN_GROUP(11, "JoinGroup"),
    HEARTBEAT(12, "Heartbeat"),
    LEAVE_GROUP(13, "LeaveGroup"),
    SYNC_GROUP(14, "SyncGroup"),
    DESCRIBE_GROUPS(15, "DescribeGroups"),
    LIST_GROUPS(16, "ListGroups"),
    SASL_HANDSHAKE(17, "SaslHandshake"),
    API_VERSIONS(18, "ApiVersions"),
    CREATE_TOPICS(19, "CreateTopics"),
    DELETE_TOPICS(20, "DeleteTopics"),
    DELETE_RECORDS(21, "DeleteRecords"),
    INIT_PRODUCER_ID(22, "InitProducerId"),
    OFFSET_FOR_LEADER_EPOCH(23, "OffsetForLeaderEpoch"),
    ADD_PARTITIONS_TO_TXN(24, "AddPartitionsToTxn"),
    ADD_OFFSETS_TO_TXN(25, "AddOffsetsToTxn"),
    END_TXN(26, "EndTxn"),
    WRITE_TXN_MARKERS(27, "WriteTxnMarkers"),
    TXN_OFFSET_COMMIT(28, "TxnOffsetCommit"),
    DESCRIBE_ACLS(29, "DescribeAcls"),
    CREATE_ACLS(30, "CreateAcls"),
    DELETE_ACLS(31, "DeleteAcls"),
    DESCRIBE_CONFIGS(32, "DescribeConfigs"),
    ALTER_CONFIGS(33, "AlterConfigs"),
    ALTER_REPLICA_LOG_DIRS(34, "AlterReplicaLogDirs"),
    DESCRIBE_LOG_DIRS(35, "DescribeLogDirs"),
    SASL_AUTHENTICATE(36, "SaslAuthenticate"),
    CREATE_PARTITIONS(37, "CreatePartitions"),
    DELETE_GROUPS(42, "DeleteGroups"),
    ELECT_LEADERS(43, "ElectLeaders"),
    INCREMENTAL_ALTER_CONFIGS(44, "IncrementalAlterConfigs"),
    ALTER_PARTITION_REASSIGNMENTS(45, "AlterPartitionReassignments"),
    LIST_PARTITION_REASSIGNMENTS(46, "ListPartitionReassignments"),
    OFFSET_DELETE(47, "OffsetDelete"),
    DESCRIBE_CLIENT_QUOTAS(48, "DescribeClientQuotas"),
    ALTER_CLIENT_QUOTAS(49, "AlterClientQuotas"),
    DESCRIBE_USER_SCRAM_CREDENTIALS(50, "DescribeUserScramCredentials"),
    ALTER_USER_SCRAM_CREDENTIALS(51, "AlterUserScramCredentials"),
    ALTER_PARTITION(56, "AlterPartition", true),
    UPDATE_FEATURES(57, "UpdateFeatures"),
    DESCRIBE_CLUSTER(60, "DescribeCluster"),
    DESCRIBE_PRODUCERS(61, "DescribeProducers"),
    DESCRIBE_TRANSACTIONS(65, "DescribeTransactions"),
    LIST_TRANSACTIONS(66, "ListTransactions");

    private static final ApiKey[] BY_ID = new ApiKey[128];
    private static final java.util.List<ApiKey> CLIENT_APIS;

    static {
        java.util.List<ApiKey> clientApis = new java.util.ArrayList<>();
        for (ApiKey api : values()) {
            BY_ID[api.id] = api;
            if (!api.interBroker) {
                clientApis.add(api);
            }
        }
        CLIENT_APIS = java.util.List.copyOf(clientApis);
    }

    private final short id;
    private final String name;
    private final boolean interBroker;
    private volatile MessageSchema request;
    private volatile MessageSchema response;

    ApiKey(int id, String name) {
        this(id, name, false);
    }

    ApiKey(int id, String name, boolean interBroker) {
        this.id = (short) id;
        this.name = name;
        this.interBroker = interBroker;
    }

    /** Every API except the inter-broker control APIs: what Kafka 4.x clients know. */
    public static java.util.List<ApiKey> clientApis() {
        return CLIENT_APIS;
    }

    /** An inter-broker API of Kafka's ZooKeeper mode (schemas from Kafka 3.9.1). */
    public boolean isInterBroker() {
        return interBroker;
    }

    /** The API for a wire id, or null if Sluice does not implement it. */
    public static ApiKey forId(int id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    public short id() {
        return id;
    }

    /** Kafka's name for the API, e.g. {@code OffsetForLeaderEpoch}. */
    public String apiName() {
        return name;
    }

    public MessageSchema requestSchema() {
        MessageSchema s = request;
        if (s == null) {
            s = Schemas.get(name + "Request");
            request = s;
        }
        return s;
    }

    public MessageSchema responseSchema() {
        MessageSchema s = response;
        if (s == null) {
            s = Schemas.get(name + "Response");
            response = s;
        }
        return s;
    }

    public short oldestVersion() {
        return requestSchema().validVersions().lowest();
    }

    public short latestVersion() {
        return requestSchema().validVersions().highest();
    }

    /** The highest version to advertise in ApiVersions: Kafka hides an unstable latest version. */
    public short latestStableVersion() {
        short latest = latestVersion();
        return requestSchema().latestVersionUnstable() ? (short) (latest - 1) : latest;
    }

    public boolean isVersionSupported(short version) {
        return requestSchema().validVersions().contains(version);
    }

    /**
     * Request header v2 (with tagged fields) for flexible request versions, else v1. (Kafka 3.x sent
     * ControlledShutdown v0 with header v0, which 4.x's header schema no longer has; Sluice does not answer it.)
     */
    public short requestHeaderVersion(short version) {
        return requestSchema().flexibleIn(version) ? (short) 2 : (short) 1;
    }

    /**
     * Response header v1 for flexible versions, else v0; ApiVersions always answers with v0 so a
     * client that does not yet know the broker's versions can read the response.
     */
    public short responseHeaderVersion(short version) {
        if (this == API_VERSIONS) {
            return 0;
        }
        return responseSchema().flexibleIn(version) ? (short) 1 : (short) 0;
    }

    public Struct newRequest() {
        return requestSchema().newStruct();
    }

    public Struct newResponse() {
        return responseSchema().newStruct();
    }
}
