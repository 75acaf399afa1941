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

/** Metadata: this node as the only broker and controller, and the requested (or all) topics. */
final class MetadataHandler implements ApiHandler {
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
            for (Struct wanted : requested) {
                String name = wanted.getString("Name");
                UUID id = version >= 10 ? wanted.getUuid("TopicId") : null;
                Struct out = response.addStruct("Topics");
                resolve(out, name, id, autoCreate);
            }
        }
        ctx.respond(response);
    }

    private void resolve(Struct out, String name, UUID id, boolean autoCreate) {
        Optional<TopicMetadata> topic;
        if (name == null && id != null && !id.equals(ZERO_UUID)) {
            topic = broker.partitions().topics().get(id);
            if (topic.isEmpty()) {
                out.set("ErrorCode", Errors.UNKNOWN_TOPIC_ID.code()).set("TopicId", id).set("Name", null);
                return;
            }
        } else {
            String problem = TopicNames.problem(name);
            if (problem != null) {
                out.set("ErrorCode", Errors.INVALID_TOPIC_EXCEPTION.code()).set("Name", name);
                return;
            }
            try {
                topic = autoCreate ? broker.partitions().getOrAutoCreate(name) : broker.partitions().topics().get(name);
            } catch (TopicException e) {
                out.set("ErrorCode", ErrorMapping.of(e.error()).code()).set("Name", name);
                return;
            }
            if (topic.isEmpty()) {
                out.set("ErrorCode", Errors.UNKNOWN_TOPIC_OR_PARTITION.code()).set("Name", name);
                return;
            }
        }
        describe(out, topic.get());
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
