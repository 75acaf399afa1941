package dev.sluice.broker.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.protocol.ApiKey;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which handler answers each Kafka API, and the versions this broker claims for it in
 * ApiVersions. An API is claimed only when its handler implements every claimed version.
 */
public final class ApiRouter {
    private final Map<ApiKey, ApiHandler> handlers = new EnumMap<>(ApiKey.class);
    private final Map<ApiKey, short[]> versions = new LinkedHashMap<>();
    /** Answered but not advertised in ApiVersions: the controller's requests. */
    private final Map<ApiKey, short[]> interBrokerVersions = new EnumMap<>(ApiKey.class);
    private final ClusterHandlers cluster;
    private final ControllerHandlers controller = new ControllerHandlers();
    private final ElectLeadersHandler electLeaders;
    private final Authorization authorization;

    public ApiRouter(BrokerState broker, boolean deleteTopicEnable) {
        this(broker, deleteTopicEnable, "PLAINTEXT");
    }

    /** @param clientListener the listener clients use: UpdateMetadata's endpoints are taken from it */
    public ApiRouter(BrokerState broker, boolean deleteTopicEnable, String clientListener) {
        this(broker, deleteTopicEnable, clientListener, null);
    }

    /**
     * @param clusterAdmin in a cluster, where CreateTopics places and writes topics (the controller
     *                     then elects their leaders); null on a single node
     */
    public ApiRouter(BrokerState broker, boolean deleteTopicEnable, String clientListener,
                     dev.sluice.broker.controller.ClusterTopicAdmin clusterAdmin) {
        this.cluster = new ClusterHandlers(broker, versions);
        TopicAdminHandlers topics = new TopicAdminHandlers(broker, deleteTopicEnable, clusterAdmin);
        ConfigHandlers configs = new ConfigHandlers(broker);
        PartitionAdminHandlers partitions = new PartitionAdminHandlers(broker);

        register(ApiKey.PRODUCE, new ProduceHandler(broker));
        register(ApiKey.FETCH, new FetchHandler(broker));
        register(ApiKey.LIST_OFFSETS, new ListOffsetsHandler(broker));
        register(ApiKey.METADATA, new MetadataHandler(broker, clusterAdmin));
        register(ApiKey.API_VERSIONS, cluster::apiVersions);
        register(ApiKey.CREATE_TOPICS, topics::createTopics);
        register(ApiKey.DELETE_TOPICS, topics::deleteTopics);
        register(ApiKey.DELETE_RECORDS, partitions::deleteRecords);
        register(ApiKey.INIT_PRODUCER_ID, cluster::initProducerId);
        register(ApiKey.OFFSET_FOR_LEADER_EPOCH, partitions::offsetForLeaderEpoch);
        register(ApiKey.DESCRIBE_CONFIGS, configs::describeConfigs);
        register(ApiKey.ALTER_CONFIGS, configs::alterConfigs);
        register(ApiKey.CREATE_PARTITIONS, topics::createPartitions);
        register(ApiKey.INCREMENTAL_ALTER_CONFIGS, configs::incrementalAlterConfigs);
        register(ApiKey.DESCRIBE_CLUSTER, cluster::describeCluster);
        this.authorization = broker.authorization();
        LogDirHandlers logDirs = new LogDirHandlers(broker);
        register(ApiKey.DESCRIBE_LOG_DIRS, authorization.onCluster(AclOperation.DESCRIBE, logDirs::describeLogDirs));
        register(ApiKey.ALTER_REPLICA_LOG_DIRS, logDirs::alterReplicaLogDirs);
        ReassignmentHandlers reassignments = new ReassignmentHandlers(broker);
        // as Kafka: ALTER on the cluster to reassign (checked in the handler: every partition carries it), DESCRIBE to list
        register(ApiKey.ALTER_PARTITION_REASSIGNMENTS, reassignments::alterPartitionReassignments);
        register(ApiKey.LIST_PARTITION_REASSIGNMENTS,
                authorization.onCluster(AclOperation.DESCRIBE, reassignments::listPartitionReassignments));
        SecurityHandlers security = new SecurityHandlers();
        AclHandlers acls = new AclHandlers(broker.authorization(), security);
        register(ApiKey.DESCRIBE_ACLS, acls::describeAcls);
        register(ApiKey.CREATE_ACLS, acls::createAcls);
        register(ApiKey.DELETE_ACLS, acls::deleteAcls);
        register(ApiKey.UPDATE_FEATURES, authorization.onCluster(AclOperation.ALTER, new FeatureHandlers()::updateFeatures));
        electLeaders = new ElectLeadersHandler(broker);
        register(ApiKey.ELECT_LEADERS, electLeaders::electLeaders);
        TransactionMarkerHandlers transactions = new TransactionMarkerHandlers(broker);
        // a normal API, not an inter-broker one: kafka-transactions.sh abort sends it too
        register(ApiKey.WRITE_TXN_MARKERS, transactions::writeTxnMarkers);
        register(ApiKey.DESCRIBE_PRODUCERS, transactions::describeProducers);

        ControlHandlers control = new ControlHandlers(broker, clientListener);
        // as Kafka: the inter-broker APIs need CLUSTER_ACTION (a secured cluster makes its brokers super users)
        registerInterBroker(ApiKey.LEADER_AND_ISR, authorization.onCluster(AclOperation.CLUSTER_ACTION, control::leaderAndIsr));
        registerInterBroker(ApiKey.UPDATE_METADATA, authorization.onCluster(AclOperation.CLUSTER_ACTION, control::updateMetadata));
        registerInterBroker(ApiKey.STOP_REPLICA, authorization.onCluster(AclOperation.CLUSTER_ACTION, control::stopReplica));
        // v0 came with a request header without client id, which Kafka 4's header schema dropped: not answered
        registerInterBroker(ApiKey.CONTROLLED_SHUTDOWN, authorization.onCluster(AclOperation.CLUSTER_ACTION,
                controller::controlledShutdown), (short) 1);
        registerInterBroker(ApiKey.ALTER_PARTITION, authorization.onCluster(AclOperation.CLUSTER_ACTION, controller::alterPartition));
    }

    /**
     * Hands the requests for the controller (ControlledShutdown, AlterPartition, ElectLeaders) to this
     * broker's controller candidate once it has joined a cluster, and ElectLeaders reaching another
     * broker to its link to the controller; before that, and on a single node, ControlledShutdown and
     * AlterPartition are answered NOT_CONTROLLER and ElectLeaders from the local partitions.
     */
    public void attachController(dev.sluice.broker.controller.ControllerService controllerService,
                                 dev.sluice.broker.cluster.ControllerLink link) {
        controller.attach(controllerService);
        electLeaders.attach(controllerService, link);
    }

    /** Answers every version of an inter-broker API's schema without listing it in ApiVersions. */
    private void registerInterBroker(ApiKey api, ApiHandler handler) {
        registerInterBroker(api, handler, api.oldestVersion());
    }

    private void registerInterBroker(ApiKey api, ApiHandler handler, short oldestVersion) {
        handlers.put(api, handler);
        interBrokerVersions.put(api, new short[]{oldestVersion, api.latestVersion()});
    }

    /** Claims every stable version of the API's bundled schema. */
    public void register(ApiKey api, ApiHandler handler) {
        handlers.put(api, handler);
        versions.put(api, new short[]{api.oldestVersion(), api.latestStableVersion()});
    }

    /** Claims the stable versions of the API's bundled schema up to {@code maxVersion}. */
    public void register(ApiKey api, ApiHandler handler, short maxVersion) {
        handlers.put(api, handler);
        versions.put(api, new short[]{api.oldestVersion(), (short) Math.min(maxVersion, api.latestStableVersion())});
    }

    /** Claims versions {@code minVersion} to {@code maxVersion} (within the bundled schema's stable ones). */
    public void register(ApiKey api, ApiHandler handler, short minVersion, short maxVersion) {
        handlers.put(api, handler);
        versions.put(api, new short[]{(short) Math.max(minVersion, api.oldestVersion()),
                (short) Math.min(maxVersion, api.latestStableVersion())});
    }

    /** The handler for {@code api} at {@code version}, or null if this broker does not answer it. */
    public ApiHandler handler(ApiKey api, short version) {
        short[] range = api.isInterBroker() ? interBrokerVersions.get(api) : versions.get(api);
        if (range == null || version < range[0] || version > range[1]) {
            return null;
        }
        return handlers.get(api);
    }

    public short[] versionRange(ApiKey api) {
        return versions.get(api);
    }

    /** What handlers registered later (groups, transactions, quotas) check requests with. */
    public Authorization authorization() {
        return authorization;
    }

    ClusterHandlers cluster() {
        return cluster;
    }
}
