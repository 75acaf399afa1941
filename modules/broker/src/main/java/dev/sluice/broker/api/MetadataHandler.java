package dev.sluice.broker.api;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.topic.TopicException;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Metadata: this node as the only broker and controller, and the requested (or all) topics.
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

    MetadataHandler(BrokerState broker) {
        this.broker = broker;
    }

    @Override
    public void handle(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        Struct response = ctx.newResponse();
        Struct node = response.addStruct("Brokers");
        node.set("NodeId", broker.nodeId()).set("Host", broker.advertisedHost()).set("Port", broker.advertisedPort())
                .set("Rack", broker.rack());
        response.set("ClusterId", broker.clusterId()).set("ControllerId", broker.nodeId());

        List<Struct> requested = request.getArray("Topics");
        boolean allTopics = requested == null || (version == 0 && requested.isEmpty());
        boolean autoCreate = version < 4 || request.getBool("AllowAutoTopicCreation");
        if (allTopics) {
            for (TopicMetadata topic : broker.partitions().topics().all()) {
                describe(response.addStruct("Topics"), topic);
            }
        } else {
            int[] creatable = {autoCreate ? AUTO_CREATE_PARTITIONS_PER_REQUEST : 0};
            int refused = 0;
            for (Struct wanted : requested) {
                String name = wanted.getString("Name");
                UUID id = version >= 10 ? wanted.getUuid("TopicId") : null;
                Struct out = response.addStruct("Topics");
                if (!resolve(out, name, id, autoCreate, creatable)) {
                    refused++;
                }
            }
            if (refused > 0) {
                LOG.log(System.Logger.Level.INFO, refused + " unknown topics of a Metadata request not auto-created: at most "
                        + AUTO_CREATE_PARTITIONS_PER_REQUEST + " new partitions per request, and "
                        + broker.partitions().partitionsLeft() + " left under max.broker.partitions");
            }
        }
        ctx.respond(response);
    }

    /** @return false if the topic was unknown and auto-creation was refused by a cap */
    private boolean resolve(Struct out, String name, UUID id, boolean autoCreate, int[] creatable) {
        Optional<TopicMetadata> topic;
        if (name == null && id != null && !id.equals(ZERO_UUID)) {
            topic = broker.partitions().topics().get(id);
            if (topic.isEmpty()) {
                out.set("ErrorCode", Errors.UNKNOWN_TOPIC_ID.code()).set("TopicId", id).set("Name", null);
                return true;
            }
        } else {
            String problem = TopicNames.problem(name);
            if (problem != null) {
                out.set("ErrorCode", Errors.INVALID_TOPIC_EXCEPTION.code()).set("Name", name);
                return true;
            }
            topic = broker.partitions().topics().get(name);
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
        }
        describe(out, topic.get());
        return true;
    }

    private void describe(Struct out, TopicMetadata topic) {
        out.set("ErrorCode", Errors.NONE.code()).set("Name", topic.name()).set("TopicId", topic.id())
                .set("IsInternal", TopicNames.isInternal(topic.name()));
        List<Integer> replicas = List.of(broker.nodeId());
        for (int p = 0; p < topic.partitions(); p++) {
            Optional<Partition> partition = broker.partitions().partition(new TopicPartition(topic.name(), p));
            Struct part = out.addStruct("Partitions");
            part.set("PartitionIndex", p)
                    .set("ErrorCode", partition.isPresent() ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
                    .set("LeaderId", partition.isPresent() ? broker.nodeId() : -1)
                    .set("LeaderEpoch", partition.map(Partition::leaderEpoch).orElse(-1))
                    .set("ReplicaNodes", new ArrayList<>(replicas))
                    .set("IsrNodes", new ArrayList<>(replicas))
                    .set("OfflineReplicas", new ArrayList<Integer>());
        }
    }
}
