package dev.sluice.broker.api;

import dev.sluice.broker.partition.Partition;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The walk the per-partition APIs share (ListOffsets, DeleteRecords, OffsetForLeaderEpoch): for
 * each requested topic and partition, add the response entry, resolve the partition
 * (UNKNOWN_TOPIC_OR_PARTITION if absent), check the client's leader epoch when the API sends one,
 * and let the API answer the rest.
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

    /**
     * @param prepare sets an API's error-case defaults on every new response entry (e.g. -1 offsets)
     */
    static void forEach(BrokerState broker, Struct request, Struct response, Layout layout,
                        Consumer<Struct> prepare, Answer answer) {
        for (Struct topic : request.getArray("Topics")) {
            String name = topic.getString(layout.topicName());
            Struct topicOut = response.addStruct("Topics").set(layout.topicName(), name);
            for (Struct p : topic.getArray("Partitions")) {
                int index = p.getInt(layout.partitionIndex());
                Struct out = topicOut.addStruct("Partitions").set(layout.partitionIndex(), index);
                prepare.accept(out);
                Optional<Partition> partition = broker.partitions().partition(name, index);
                if (partition.isEmpty()) {
                    out.set("ErrorCode", Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
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
                answer.answer(name, p, out, partition.get());
            }
        }
    }
}
