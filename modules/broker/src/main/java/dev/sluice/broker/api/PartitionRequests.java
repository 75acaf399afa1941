package dev.sluice.broker.api;

import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The walk the per-partition APIs share (ListOffsets, DeleteRecords, OffsetForLeaderEpoch): for
 * each requested topic and partition, add the response entry, resolve the partition
 * (not hosted here: NOT_LEADER_OR_FOLLOWER if the cluster has it, else UNKNOWN_TOPIC_OR_PARTITION;
 * KAFKA_STORAGE_ERROR if its storage is offline), check the
 * client's leader epoch when the API sends one, and let the API answer the rest; a storage failure
 * on the way answers KAFKA_STORAGE_ERROR and takes the storage offline.
 */
final class PartitionRequests {

    /**
     * Where one API keeps its names: the topic name field, the partition index field, and the
     * request's current-leader-epoch field (null if the API has none). Arrays are always
     * {@code Topics} and {@code Partitions}.
     */
    record Layout(String topicName, String partitionIndex, String currentLeaderEpoch) {
    }

    /** Answers one resolved partition; {@code out} already carries its index. */
    @FunctionalInterface
    interface Answer {
        void answer(String topic, Struct partitionRequest, Struct out, Partition partition);
    }

    private PartitionRequests() {
    }

    /** Whether a topic's partitions may be answered: null if so, else the error each of them gets. */
    @FunctionalInterface
    interface Refusal {
        Errors of(String topic);
    }

    /**
     * @param prepare sets an API's error-case defaults on every new response entry (e.g. -1 offsets)
     */
    static void forEach(BrokerState broker, Struct request, Struct response, Layout layout,
                        Consumer<Struct> prepare, Answer answer) {
        forEach(broker, request, response, layout, prepare, topic -> null, answer);
    }

    /**
     * @param prepare sets an API's error-case defaults on every new response entry (e.g. -1 offsets)
     * @param refusal checked once per topic before its partitions (authorization, as Kafka checks before existence)
     */
    static void forEach(BrokerState broker, Struct request, Struct response, Layout layout,
                        Consumer<Struct> prepare, Refusal refusal, Answer answer) {
        for (Struct topic : request.getArray("Topics")) {
            String name = topic.getString(layout.topicName());
            Struct topicOut = response.addStruct("Topics").set(layout.topicName(), name);
            Errors refused = refusal.of(name);
            for (Struct p : topic.getArray("Partitions")) {
                int index = p.getInt(layout.partitionIndex());
                Struct out = topicOut.addStruct("Partitions").set(layout.partitionIndex(), index);
                prepare.accept(out);
                if (refused != null) {
                    out.set("ErrorCode", refused.code());
                    continue;
                }
                Optional<Partition> partition = broker.partitions().partition(name, index);
                if (partition.isEmpty()) {
                    out.set("ErrorCode", notHosted(broker, name, index).code());
                    continue;
                }
                if (partition.get().role() instanceof PartitionRole.Offline) {
                    out.set("ErrorCode", Errors.KAFKA_STORAGE_ERROR.code());
                    continue;
                }
                if (layout.currentLeaderEpoch() != null) {
                    Errors epochError = dev.sluice.broker.replica.ReplicaManager.checkLeaderEpoch(p.getInt(layout.currentLeaderEpoch()),
                            partition.get().leaderEpoch());
                    if (epochError != Errors.NONE) {
                        out.set("ErrorCode", epochError.code());
                        continue;
                    }
                }
                try {
                    answer.answer(name, p, out, partition.get());
                } catch (StorageException | LogClosedException e) {
                    out.set("ErrorCode", failure(broker, partition.get(), e).code());
                }
            }
        }
    }

    /**
     * A partition this broker does not host: NOT_LEADER_OR_FOLLOWER, which clients retry after a
     * metadata refresh, if the cluster's metadata has it (the client's view is stale, or this broker
     * is told it leads and has not opened it yet), else UNKNOWN_TOPIC_OR_PARTITION — Kafka's
     * {@code ReplicaManager.getPartitionOrError}.
     */
    private static Errors notHosted(BrokerState broker, String topic, int index) {
        return index >= 0 && broker.metadata().snapshot().partition(new TopicPartition(topic, index)).isPresent()
                ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    /**
     * A storage call of {@code partition} failed: a failing disk takes its storage offline and
     * answers KAFKA_STORAGE_ERROR, as Produce and Fetch do; a partition deleted (its log closed)
     * meanwhile answers UNKNOWN_TOPIC_OR_PARTITION.
     */
    private static Errors failure(BrokerState broker, Partition partition, RuntimeException e) {
        TopicPartition tp = partition.topicPartition();
        if (broker.partitions().partition(tp).orElse(null) != partition) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (e instanceof LogClosedException) {
            return Errors.NOT_LEADER_OR_FOLLOWER; // still registered: the broker is shutting down
        }
        broker.partitions().storageFailed(tp, e);
        return Errors.KAFKA_STORAGE_ERROR;
    }
}
