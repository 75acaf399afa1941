package dev.sluice.broker.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.producer.ProducerSummary;
import dev.sluice.broker.replica.TxnMarkerWriter;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The partition side of transactions: WriteTxnMarkers (the coordinator's commit/abort markers,
 * and {@code kafka-transactions.sh abort}) and DescribeProducers ({@code kafka-transactions.sh
 * describe-producers}). Decode, call, encode.
 */
final class TransactionMarkerHandlers {
    /** How long markers wait for the ISR, as Kafka uses {@code request.timeout.ms} (30 s). */
    static final long MARKER_TIMEOUT_MS = 30_000;

    private final BrokerState broker;

    TransactionMarkerHandlers(BrokerState broker) {
        this.broker = broker;
    }

    void writeTxnMarkers(RequestContext ctx) {
        List<TxnMarkerWriter.Marker> markers = new ArrayList<>();
        List<List<Struct>> topics = new ArrayList<>();
        for (Struct m : ctx.body().getArray("Markers")) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<Struct> markerTopics = m.getArray("Topics");
            for (Struct topic : markerTopics) {
                String name = topic.getString("Name");
                for (Integer index : topic.<Integer>getList("PartitionIndexes")) {
                    partitions.add(index >= 0 && name != null && !name.isEmpty() ? new TopicPartition(name, index) : null);
                }
            }
            markers.add(new TxnMarkerWriter.Marker(m.getLong("ProducerId"), m.getShort("ProducerEpoch"),
                    m.getInt("CoordinatorEpoch"), m.getBool("TransactionResult"), partitions));
            topics.add(markerTopics);
        }
        if (!broker.authorization().allowsOnCluster(ctx, AclOperation.CLUSTER_ACTION)) {
            // as Kafka: only brokers (and super users: kafka-transactions.sh abort) write markers
            List<List<Errors>> refused = new ArrayList<>();
            markers.forEach(m -> refused.add(Collections.nCopies(m.partitions().size(), Errors.CLUSTER_AUTHORIZATION_FAILED)));
            respondToMarkers(ctx, markers, topics, refused);
            return;
        }
        broker.replicas().txnMarkers().write(markers, MARKER_TIMEOUT_MS, errors -> respondToMarkers(ctx, markers, topics, errors));
    }

    /** One error per requested partition, in request order, for each marker. */
    private static void respondToMarkers(RequestContext ctx, List<TxnMarkerWriter.Marker> markers, List<List<Struct>> topics,
                                         List<? extends List<Errors>> errors) {
        Struct response = ctx.newResponse();
        for (int m = 0; m < markers.size(); m++) {
            Struct out = response.addStruct("Markers").set("ProducerId", markers.get(m).producerId());
            int i = 0;
            for (Struct topic : topics.get(m)) {
                Struct topicOut = out.addStruct("Topics").set("Name", topic.getString("Name"));
                for (Integer index : topic.<Integer>getList("PartitionIndexes")) {
                    topicOut.addStruct("Partitions").set("PartitionIndex", index)
                            .set("ErrorCode", errors.get(m).get(i++).code());
                }
            }
        }
        ctx.respond(response);
    }

    /** The producers of each partition this broker leads (Kafka answers only on the leader). */
    void describeProducers(RequestContext ctx) {
        Struct response = ctx.newResponse();
        for (Struct topic : ctx.body().getArray("Topics")) {
            String name = topic.getString("Name");
            Struct topicOut = response.addStruct("Topics").set("Name", name);
            boolean allowed = broker.authorization().allows(ctx, AclOperation.READ, ResourceType.TOPIC, name);
            for (Integer index : topic.<Integer>getList("PartitionIndexes")) {
                Struct out = topicOut.addStruct("Partitions").set("PartitionIndex", index);
                if (!allowed) { // as Kafka: READ on the topic
                    out.set("ErrorCode", Errors.TOPIC_AUTHORIZATION_FAILED.code());
                    continue;
                }
                Optional<Partition> partition = index < 0 ? Optional.empty() : broker.partitions().partition(name, index);
                Errors error = partition.isEmpty() ? Errors.UNKNOWN_TOPIC_OR_PARTITION
                        : partition.get().role() instanceof PartitionRole.Offline ? Errors.KAFKA_STORAGE_ERROR
                        : partition.get().role() instanceof PartitionRole.Leader ? Errors.NONE
                        : Errors.NOT_LEADER_OR_FOLLOWER;
                out.set("ErrorCode", error.code());
                if (error != Errors.NONE) {
                    continue;
                }
                for (ProducerSummary p : partition.get().producers()) {
                    out.addStruct("ActiveProducers").set("ProducerId", p.producerId()).set("ProducerEpoch", p.producerEpoch())
                            .set("LastSequence", p.lastSequence()).set("LastTimestamp", p.lastTimestamp())
                            .set("CoordinatorEpoch", p.coordinatorEpoch())
                            .set("CurrentTxnStartOffset", p.currentTxnStartOffset());
                }
            }
        }
        ctx.respond(response);
    }
}
