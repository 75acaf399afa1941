package dev.sluice.broker.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.MetadataSnapshot;
import dev.sluice.broker.metadata.PartitionState;
import dev.sluice.broker.metadata.TopicState;
import dev.sluice.broker.topic.TopicException;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Metadata: the live brokers, the controller and the requested (or all) topics with each
 * partition's leader, epoch, replicas, ISR and offline replicas, all from one snapshot of the
 * metadata cache (a single node: itself). A partition whose leader is not a live broker answers
 * LEADER_NOT_AVAILABLE with leader -1; a v0 request sees only live replicas and
 * REPLICA_NOT_AVAILABLE if some were left out (Kafka's {@code errorUnavailableEndpoints}).
 *
 * <p>Auto-creation is capped per request: Kafka hands a Metadata request's unknown topics to its
 * controller asynchronously (one CreateTopics, refused whole past 10,000 partitions) and answers
 * LEADER_NOT_AVAILABLE meanwhile; here creation is synchronous, on the handler thread, so one
 * request creates at most {@link #AUTO_CREATE_PARTITIONS_PER_REQUEST} new partitions. Unknown
 * topics past that cap are answered LEADER_NOT_AVAILABLE (retriable: the client's next Metadata
 * creates them); those past {@code max.broker.partitions} UNKNOWN_TOPIC_OR_PARTITION, not created.
 */
final class MetadataHandler implements ApiHandler {
    private static final System.Logger LOG = System.getLogger(MetadataHandler.class.getName());
    static final int AUTO_CREATE_PARTITIONS_PER_REQUEST = 1_000;
    private static final UUID ZERO_UUID = new UUID(0, 0);

    private final BrokerState broker;
    /** In a cluster, where auto-created topics are placed and written (then led as the controller decides); null on one node. */
    private final dev.sluice.broker.controller.ClusterTopicAdmin clusterAdmin;

    MetadataHandler(BrokerState broker) {
        this(broker, null);
    }

    MetadataHandler(BrokerState broker, dev.sluice.broker.controller.ClusterTopicAdmin clusterAdmin) {
        this.broker = broker;
        this.clusterAdmin = clusterAdmin;
    }

    @Override
    public void handle(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        Struct response = ctx.newResponse();
        MetadataSnapshot snapshot = broker.metadata().snapshot();
        for (BrokerNode node : snapshot.liveBrokers()) {
            BrokerNode live = node.on(ctx.listenerName()); // Kafka answers each listener with its own addresses
            response.addStruct("Brokers").set("NodeId", live.id()).set("Host", live.host()).set("Port", live.port())
                    .set("Rack", live.rack());
        }
        response.set("ClusterId", broker.clusterId()).set("ControllerId", snapshot.controllerId());

        List<Struct> requested = request.getArray("Topics");
        boolean allTopics = requested == null || (version == 0 && requested.isEmpty());
        boolean autoCreate = version < 4 || request.getBool("AllowAutoTopicCreation");
        if (allTopics) {
            for (TopicState topic : snapshot.topics()) {
                // as Kafka: a topic the principal may not describe is left out, its existence not disclosed
                if (broker.authorization().shows(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name())) {
                    describe(response.addStruct("Topics"), topic, snapshot, version);
                }
            }
        } else {
            int[] creatable = {autoCreate ? AUTO_CREATE_PARTITIONS_PER_REQUEST : 0};
            int refused = 0;
            for (Struct wanted : requested) {
                String name = wanted.getString("Name");
                UUID id = version >= 10 ? wanted.getUuid("TopicId") : null;
                Struct out = response.addStruct("Topics");
                if (!resolve(ctx, out, name, id, autoCreate, creatable, snapshot, version)) {
                    refused++;
                }
            }
            if (refused > 0) {
                LOG.log(System.Logger.Level.INFO, refused + " unknown topics of a Metadata request not auto-created: at most "
                        + AUTO_CREATE_PARTITIONS_PER_REQUEST + " new partitions per request, and "
                        + broker.partitions().partitionsLeft() + " left under max.broker.partitions");
            }
        }
        if (version >= 8) {
            authorizedOperations(ctx, request, response, version);
        }
        ctx.respond(response);
    }

    /**
     * KIP-430, when asked: what the principal may do to each topic it may describe (also one that is unknown or
     * failed otherwise, as Kafka) and, v8-10 (v11 moved it to DescribeCluster), to the cluster.
     */
    private void authorizedOperations(RequestContext ctx, Struct request, Struct response, short version) {
        Authorization authorization = broker.authorization();
        List<Struct> topics = response.getArray("Topics");
        if (request.getBool("IncludeTopicAuthorizedOperations") && topics != null) {
            for (Struct topic : topics) {
                String name = topic.getString("Name");
                if (name != null && topic.getShort("ErrorCode") != Errors.TOPIC_AUTHORIZATION_FAILED.code()) {
                    topic.set("TopicAuthorizedOperations", authorization.authorizedOperations(ctx, ResourceType.TOPIC, name));
                }
            }
        }
        if (version <= 10 && request.getBool("IncludeClusterAuthorizedOperations")) {
            response.set("ClusterAuthorizedOperations", authorization.clusterAuthorizedOperations(ctx));
        }
    }

    /** @return false if the topic was unknown and auto-creation was refused by a cap */
    private boolean resolve(RequestContext ctx, Struct out, String name, UUID id, boolean autoCreate, int[] creatable,
                            MetadataSnapshot snapshot, short version) {
        Authorization authorization = broker.authorization();
        if (name == null && id != null && !id.equals(ZERO_UUID)) {
            Optional<TopicState> known = snapshot.topic(id);
            if (known.isEmpty()) {
                out.set("ErrorCode", Errors.UNKNOWN_TOPIC_ID.code()).set("TopicId", id).set("Name", null);
                return true;
            }
            if (!authorization.allows(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, known.get().name())) {
                // as Kafka: topic ids are not secret, the name is
                out.set("ErrorCode", Errors.TOPIC_AUTHORIZATION_FAILED.code()).set("TopicId", id).set("Name", null);
                return true;
            }
            describe(out, known.get(), snapshot, version);
            return true;
        } else {
            if (!authorization.allows(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name == null ? "" : name)) {
                // before looking it up: whether it exists is not disclosed
                out.set("ErrorCode", Errors.TOPIC_AUTHORIZATION_FAILED.code()).set("Name", name);
                return true;
            }
            String problem = TopicNames.problem(name);
            if (problem != null) {
                out.set("ErrorCode", Errors.INVALID_TOPIC_EXCEPTION.code()).set("Name", name);
                return true;
            }
            Optional<TopicState> known = snapshot.topic(name);
            if (known.isPresent()) {
                describe(out, known.get(), snapshot, version);
                return true;
            }
            Optional<TopicMetadata> topic = broker.partitions().topics().get(name);
            if (topic.isEmpty() && autoCreate && broker.partitions().defaults().autoCreate()
                    && !authorization.shows(ctx, AclOperation.CREATE, ResourceType.CLUSTER, ResourcePattern.CLUSTER_NAME)
                    && !authorization.allows(ctx, AclOperation.CREATE, ResourceType.TOPIC, name)) {
                // as Kafka: auto-creation needs CREATE on the cluster or on the topic
                out.set("ErrorCode", Errors.TOPIC_AUTHORIZATION_FAILED.code()).set("Name", name);
                return true;
            }
            if (topic.isEmpty() && autoCreate) {
                int wouldCreate = broker.partitions().defaults().numPartitions();
                if (wouldCreate > broker.partitions().partitionsLeft()) {
                    out.set("ErrorCode", Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).set("Name", name);
                    return false;
                }
                if (wouldCreate > creatable[0]) {
                    out.set("ErrorCode", Errors.LEADER_NOT_AVAILABLE.code()).set("Name", name);
                    return false;
                }
                if (clusterAdmin != null && !TopicNames.isInternal(name)) {
                    Errors refused = autoCreateInCluster(name, wouldCreate);
                    out.set("ErrorCode", refused.code()).set("Name", name);
                    creatable[0] -= refused == Errors.LEADER_NOT_AVAILABLE ? wouldCreate : 0;
                    return true;
                }
                try {
                    topic = broker.partitions().getOrAutoCreate(name);
                } catch (TopicException e) {
                    out.set("ErrorCode", ErrorMapping.of(e.error()).code()).set("Name", name);
                    return e.error() != TopicException.Error.POLICY_VIOLATION;
                }
                creatable[0] -= topic.map(TopicMetadata::partitions).orElse(0);
            }
            if (topic.isEmpty()) {
                out.set("ErrorCode", Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).set("Name", name);
                return true;
            }
            // just created (or known to the catalogue only): answer from the cache as it is now
            MetadataSnapshot now = broker.metadata().snapshot();
            Optional<TopicState> created = now.topic(name);
            if (created.isEmpty()) { // a controller has not published it yet: Kafka's answer for a topic being created
                out.set("ErrorCode", Errors.LEADER_NOT_AVAILABLE.code()).set("Name", name);
                return true;
            }
            describe(out, created.get(), now, version);
            return true;
        }
    }

    /**
     * Auto-creation in a cluster, as ZooKeeper-mode Kafka: the topic is placed over the live brokers with
     * {@code num.partitions} and {@code default.replication.factor} and written to the store; the answer
     * is LEADER_NOT_AVAILABLE (being created: the client asks again), or why it could not be
     * (INVALID_REPLICATION_FACTOR with fewer live brokers, INVALID_TOPIC_EXCEPTION for a bad name);
     * UNKNOWN_TOPIC_OR_PARTITION when auto-creation is off.
     */
    private Errors autoCreateInCluster(String name, int partitions) {
        if (!broker.partitions().defaults().autoCreate()) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (TopicNames.problem(name) != null) {
            return Errors.INVALID_TOPIC_EXCEPTION;
        }
        try {
            dev.sluice.broker.controller.ClusterTopicAdmin.Outcome outcome = clusterAdmin.createTopic(name, partitions,
                    broker.partitions().defaults().replicationFactor(), Map.of(), Map.of(), false);
            if (outcome instanceof dev.sluice.broker.controller.ClusterTopicAdmin.Outcome.Refused refused
                    && refused.error() != Errors.TOPIC_ALREADY_EXISTS) { // created meanwhile by another broker: fine
                LOG.log(System.Logger.Level.WARNING, "auto-creating topic " + name + " failed: " + refused.message());
                return refused.error();
            }
            LOG.log(System.Logger.Level.INFO, "auto-created topic " + name + " in the cluster");
            return Errors.LEADER_NOT_AVAILABLE;
        } catch (RuntimeException e) { // the store unreachable: the client retries
            LOG.log(System.Logger.Level.WARNING, "auto-creating topic " + name + " failed", e);
            return Errors.LEADER_NOT_AVAILABLE;
        }
    }

    private void describe(Struct out, TopicState topic, MetadataSnapshot snapshot, short version) {
        out.set("ErrorCode", Errors.NONE.code()).set("Name", topic.name()).set("TopicId", topic.id())
                .set("IsInternal", TopicNames.isInternal(topic.name()));
        for (PartitionState state : topic.partitions()) {
            boolean leaderAlive = state.hasLeader() && snapshot.isAlive(state.leader());
            List<Integer> replicas = version == 0 ? alive(state.replicas(), snapshot) : state.replicas();
            List<Integer> isr = version == 0 ? alive(state.isr(), snapshot) : state.isr();
            Errors error = !leaderAlive ? Errors.LEADER_NOT_AVAILABLE
                    : replicas.size() < state.replicas().size() || isr.size() < state.isr().size()
                    ? Errors.REPLICA_NOT_AVAILABLE : Errors.NONE;
            out.addStruct("Partitions").set("PartitionIndex", state.partition())
                    .set("ErrorCode", error.code())
                    .set("LeaderId", leaderAlive ? state.leader() : PartitionState.NO_LEADER)
                    .set("LeaderEpoch", state.leaderEpoch())
                    .set("ReplicaNodes", new ArrayList<>(replicas))
                    .set("IsrNodes", new ArrayList<>(isr))
                    .set("OfflineReplicas", new ArrayList<>(state.offlineReplicas()));
        }
    }

    private static List<Integer> alive(List<Integer> brokers, MetadataSnapshot snapshot) {
        List<Integer> alive = new ArrayList<>(brokers.size());
        for (int id : brokers) {
            if (snapshot.isAlive(id)) {
                alive.add(id);
            }
        }
        return alive;
    }
}
