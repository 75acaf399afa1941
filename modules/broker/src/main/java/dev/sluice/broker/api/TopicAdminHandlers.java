package dev.sluice.broker.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;
import dev.sluice.broker.controller.ClusterTopicAdmin;

import dev.sluice.broker.config.DescribedConfig;
import dev.sluice.broker.partition.PartitionManager;

import dev.sluice.broker.topic.TopicException;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** CreateTopics, DeleteTopics and CreatePartitions: each topic succeeds or fails on its own. */
final class TopicAdminHandlers {
    /** Kafka's limit of new partitions in one CreateTopics or CreatePartitions request. */
    static final int MAX_PARTITIONS_PER_REQUEST = 10_000;

    private final BrokerState broker;
    private final boolean deleteEnabled;

    private final ClusterTopicAdmin clusterAdmin;

    TopicAdminHandlers(BrokerState broker, boolean deleteEnabled, ClusterTopicAdmin clusterAdmin) {
        this.broker = broker;
        this.deleteEnabled = deleteEnabled;
        this.clusterAdmin = clusterAdmin;
    }

    /**
     * In a cluster: the topic placed over the live brokers and written to the store; the
     * controller elects the leaders and tells the replicas.
     */
    private void createInCluster(RequestContext ctx, Struct out, String name, int partitions, short replicationFactor,
                                 List<Struct> assignments, Map<String, String> configs, boolean validateOnly) {
        Map<Integer, List<Integer>> explicit = new java.util.TreeMap<>();
        for (Struct assignment : assignments) {
            explicit.put(assignment.getInt("PartitionIndex"), assignment.getList("BrokerIds"));
        }
        String problem = dev.sluice.broker.topic.TopicNames.problem(name);
        if (problem != null) {
            out.set("ErrorCode", Errors.INVALID_TOPIC_EXCEPTION.code()).set("ErrorMessage", problem).set("Configs", null);
            return;
        }
        int count = partitions == -1 ? broker.partitions().defaults().numPartitions() : partitions;
        int factor = replicationFactor == -1 ? broker.partitions().defaults().replicationFactor() : replicationFactor;
        try { // checked as on one node, against the replication factor the topic will have
            PartitionManager.checkNewTopicConfigs(configs, explicit.isEmpty() ? factor
                    : explicit.values().iterator().next().size());
        } catch (TopicException e) {
            out.set("ErrorCode", ErrorMapping.of(e.error()).code()).set("ErrorMessage", e.getMessage()).set("Configs", null);
            return;
        }
        ClusterTopicAdmin.Outcome outcome = clusterAdmin.createTopic(name, count, factor, explicit, configs, validateOnly);
        if (outcome instanceof ClusterTopicAdmin.Outcome.Refused refused) {
            out.set("ErrorCode", refused.error().code()).set("ErrorMessage", refused.message()).set("Configs", null);
            return;
        }
        dev.sluice.api.cluster.TopicAssignment assigned = ((ClusterTopicAdmin.Outcome.Done) outcome).assignment();
        out.set("ErrorCode", Errors.NONE.code()).set("TopicId", assigned.topicId())
                .set("NumPartitions", assigned.partitionCount())
                .set("ReplicationFactor", (short) assigned.replicas().get(0).size());
        addConfigs(ctx, out, name, configs);
    }

    /** The new topic's configs, shown only with DESCRIBE_CONFIGS on it (else, as Kafka, TopicConfigErrorCode says why). */
    private void addConfigs(RequestContext ctx, Struct out, String name, Map<String, String> configs) {
        if (!broker.authorization().allows(ctx, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, name)) {
            out.set("Configs", null);
            if (ctx.version() >= 5) {
                out.set("TopicConfigErrorCode", Errors.TOPIC_AUTHORIZATION_FAILED.code());
            }
            return;
        }
        for (DescribedConfig c : ConfigHandlers.topicConfigs(broker, configs)) {
            out.addStruct("Configs").set("Name", c.name()).set("Value", c.value())
                    .set("ReadOnly", c.readOnly()).set("IsSensitive", false).set("ConfigSource", c.source());
        }
    }

    void createTopics(RequestContext ctx) {
        Struct request = ctx.body();
        boolean validateOnly = ctx.version() >= 1 && request.getBool("validateOnly");
        Struct response = ctx.newResponse();
        long requested = 0;
        for (Struct topic : request.getArray("Topics")) {
            int count = topic.getArray("Assignments").isEmpty() ? topic.getInt("NumPartitions") : topic.getArray("Assignments").size();
            requested += count == -1 ? broker.partitions().defaults().numPartitions() : Math.max(count, 0);
        }
        boolean tooMany = requested > MAX_PARTITIONS_PER_REQUEST;
        Authorization authorization = broker.authorization();
        // as Kafka: CREATE on the cluster allows every topic, else CREATE on each topic
        boolean createAny = authorization.shows(ctx, AclOperation.CREATE, ResourceType.CLUSTER, ResourcePattern.CLUSTER_NAME);
        for (Struct topic : request.getArray("Topics")) {
            String name = topic.getString("Name");
            Struct out = response.addStruct("Topics").set("Name", name);
            if (!createAny && !authorization.allows(ctx, AclOperation.CREATE, ResourceType.TOPIC, name)) {
                out.set("ErrorCode", Errors.TOPIC_AUTHORIZATION_FAILED.code()).set("ErrorMessage",
                        Errors.TOPIC_AUTHORIZATION_FAILED.message()).set("Configs", null);
                continue;
            }
            if (tooMany) {
                tooManyPartitions(out.set("Configs", null));
                continue;
            }
            Map<String, String> configs = new LinkedHashMap<>();
            for (Struct config : topic.getArray("Configs")) {
                configs.put(config.getString("Name"), config.getString("Value"));
            }
            int partitions = topic.getInt("NumPartitions");
            short replicationFactor = topic.getShort("ReplicationFactor");
            List<Struct> assignments = topic.getArray("Assignments");
            if (clusterAdmin != null) {
                createInCluster(ctx, out, name, partitions, replicationFactor, assignments, configs, validateOnly);
                continue;
            }
            try {
                if (!assignments.isEmpty()) {
                    if (partitions != -1 || replicationFactor != -1) {
                        throw new TopicException(TopicException.Error.INVALID_REQUEST_ARGUMENTS,
                                "give either manual assignments or numPartitions/replicationFactor, not both");
                    }
                    partitions = assignments.size();
                    replicationFactor = (short) assignments.get(0).getList("BrokerIds").size();
                    checkAssignments(assignments);
                }
                TopicMetadata created = broker.partitions().createTopic(name, partitions, replicationFactor, configs, validateOnly);
                out.set("ErrorCode", Errors.NONE.code()).set("TopicId", created.id())
                        .set("NumPartitions", created.partitions()).set("ReplicationFactor", created.replicationFactor());
                addConfigs(ctx, out, name, configs);
            } catch (TopicException e) {
                out.set("ErrorCode", ErrorMapping.of(e.error()).code()).set("ErrorMessage", e.getMessage())
                        .set("Configs", null);
            }
        }
        ctx.respond(response);
    }

    /**
     * Kafka's answer (POLICY_VIOLATION) when one CreateTopics or CreatePartitions request would add more than
     * {@value #MAX_PARTITIONS_PER_REQUEST} partitions: without a cap, one request could make the broker
     * create partitions until the disk is full, holding the topic catalogue's lock all the while.
     */
    private static void tooManyPartitions(Struct out) {
        out.set("ErrorCode", Errors.POLICY_VIOLATION.code()).set("ErrorMessage", "Excessively large number of partitions "
                + "per request: at most " + MAX_PARTITIONS_PER_REQUEST + " new partitions in one request.");
    }

    private void checkAssignments(List<Struct> assignments) {
        for (Struct assignment : assignments) {
            List<Integer> brokers = assignment.getList("BrokerIds");
            if (brokers.size() != 1 || brokers.get(0) != broker.nodeId()) {
                throw new TopicException(TopicException.Error.INVALID_REPLICATION_FACTOR, "replica assignment "
                        + brokers + " names brokers other than this single node (" + broker.nodeId() + ")");
            }
        }
    }

    void deleteTopics(RequestContext ctx) {
        Struct request = ctx.body();
        Struct response = ctx.newResponse();
        if (ctx.version() >= 6) {
            for (Struct topic : request.getArray("Topics")) {
                String name = topic.getString("Name");
                UUID id = topic.getUuid("TopicId");
                Struct out = response.addStruct("Responses").set("Name", name).set("TopicId", id);
                if (name == null) {
                    Optional<TopicMetadata> byId = broker.partitions().topics().get(id);
                    if (byId.isEmpty()) {
                        out.set("ErrorCode", Errors.UNKNOWN_TOPIC_ID.code()).set("ErrorMessage", "no topic with id " + id);
                        continue;
                    }
                    name = byId.get().name();
                    out.set("Name", name);
                }
                delete(ctx, name, out);
            }
        } else {
            for (String name : request.<String>getList("TopicNames")) {
                delete(ctx, name, response.addStruct("Responses").set("Name", name));
            }
        }
        ctx.respond(response);
    }

    private void delete(RequestContext ctx, String name, Struct out) {
        if (!broker.authorization().allows(ctx, AclOperation.DELETE, ResourceType.TOPIC, name)) {
            out.set("ErrorCode", Errors.TOPIC_AUTHORIZATION_FAILED.code()).set("ErrorMessage", Errors.TOPIC_AUTHORIZATION_FAILED.message());
            return;
        }
        if (TopicNames.isInternal(name)) {
            // the broker's own state (committed offsets) lives there
            out.set("ErrorCode", Errors.INVALID_REQUEST.code()).set("ErrorMessage", "Cannot delete internal topic " + name);
            return;
        }
        if (!deleteEnabled) {
            out.set("ErrorCode", Errors.TOPIC_DELETION_DISABLED.code())
                    .set("ErrorMessage", "topic deletion is disabled (delete.topic.enable=false)");
            return;
        }
        if (clusterAdmin != null) {
            ClusterTopicAdmin.Outcome outcome = clusterAdmin.requestDeletion(name);
            if (outcome instanceof ClusterTopicAdmin.Outcome.Refused refused) {
                out.set("ErrorCode", refused.error().code()).set("ErrorMessage", refused.message());
            } else {
                out.set("TopicId", ((ClusterTopicAdmin.Outcome.Done) outcome).assignment().topicId())
                        .set("ErrorCode", Errors.NONE.code());
            }
            return;
        }
        try {
            Optional<TopicMetadata> topic = broker.partitions().topics().get(name);
            topic.ifPresent(t -> out.set("TopicId", t.id()));
            broker.partitions().deleteTopic(name);
            out.set("ErrorCode", Errors.NONE.code());
        } catch (TopicException e) {
            out.set("ErrorCode", ErrorMapping.of(e.error()).code()).set("ErrorMessage", e.getMessage());
        }
    }

    void createPartitions(RequestContext ctx) {
        Struct request = ctx.body();
        boolean validateOnly = request.getBool("ValidateOnly");
        Struct response = ctx.newResponse();
        long added = 0;
        for (Struct topic : request.getArray("Topics")) {
            int existing = broker.partitions().topics().get(topic.getString("Name")).map(TopicMetadata::partitions).orElse(0);
            added += Math.max(0L, (long) topic.getInt("Count") - existing);
        }
        boolean tooMany = added > MAX_PARTITIONS_PER_REQUEST;
        for (Struct topic : request.getArray("Topics")) {
            String name = topic.getString("Name");
            Struct out = response.addStruct("Results").set("Name", name);
            if (!broker.authorization().allows(ctx, AclOperation.ALTER, ResourceType.TOPIC, name)) {
                out.set("ErrorCode", Errors.TOPIC_AUTHORIZATION_FAILED.code()).set("ErrorMessage",
                        Errors.TOPIC_AUTHORIZATION_FAILED.message());
                continue;
            }
            if (tooMany) {
                tooManyPartitions(out);
                continue;
            }
            if (TopicNames.isInternal(name)) {
                // groups are placed on its partitions by hash: a new count would lose their records
                out.set("ErrorCode", Errors.INVALID_REQUEST.code())
                        .set("ErrorMessage", "Cannot add partitions to internal topic " + name);
                continue;
            }
            if (clusterAdmin != null) {
                List<Struct> assignments = topic.getArray("Assignments");
                List<List<Integer>> explicit = assignments == null ? null
                        : assignments.stream().map(a -> a.<Integer>getList("BrokerIds")).toList();
                ClusterTopicAdmin.Outcome outcome = clusterAdmin.createPartitions(name, topic.getInt("Count"), explicit,
                        validateOnly);
                if (outcome instanceof ClusterTopicAdmin.Outcome.Refused refused) {
                    out.set("ErrorCode", refused.error().code()).set("ErrorMessage", refused.message());
                } else {
                    out.set("ErrorCode", Errors.NONE.code());
                }
                continue;
            }
            try {
                List<Struct> assignments = topic.getArray("Assignments");
                if (assignments != null) {
                    checkAssignments(assignments);
                }
                broker.partitions().createPartitions(name, topic.getInt("Count"), validateOnly);
                out.set("ErrorCode", Errors.NONE.code());
            } catch (TopicException e) {
                out.set("ErrorCode", ErrorMapping.of(e.error()).code()).set("ErrorMessage", e.getMessage());
            }
        }
        ctx.respond(response);
    }
}
