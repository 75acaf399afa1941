package dev.sluice.client.producer.internals;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerGroupMetadata;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bodies of the transactional producer's requests, per version (pure functions). A transactions
 * v1 producer (Kafka's protocol before KIP-890 part 2) caps AddPartitionsToTxn at v3 (v4+ is the
 * brokers' batched form), EndTxn at v4 and a transactional Produce at v11: the newer versions tell
 * the broker the client speaks transactions v2.
 */
final class TxnRequests {
    static final short ADD_PARTITIONS_MAX_VERSION = 3;
    static final short END_TXN_MAX_VERSION = 4;
    static final short TRANSACTIONAL_PRODUCE_MAX_VERSION = 11;
    /** FindCoordinator key types. */
    static final byte GROUP = 0;
    static final byte TRANSACTION = 1;

    private TxnRequests() {
    }

    static Struct findCoordinator(short version, byte keyType, String key) {
        Struct body = ApiKey.FIND_COORDINATOR.newRequest();
        if (version >= 1) {
            body.set("KeyType", keyType);
        }
        if (version >= 4) {
            body.set("CoordinatorKeys", List.of(key));
        } else {
            body.set("Key", key);
        }
        return body;
    }

    /** {@code producerId}/{@code epoch} -1 for a first init; the current ones to bump the epoch (v3+, KIP-360). */
    static Struct initProducerId(short version, String transactionalId, int timeoutMs, long producerId, short epoch) {
        Struct body = ApiKey.INIT_PRODUCER_ID.newRequest()
                .set("TransactionalId", transactionalId)
                .set("TransactionTimeoutMs", timeoutMs);
        if (version >= 3) {
            body.set("ProducerId", producerId).set("ProducerEpoch", epoch);
        }
        return body;
    }

    static Struct addPartitions(String transactionalId, long producerId, short epoch,
                                Collection<TopicPartition> partitions) {
        Struct body = ApiKey.ADD_PARTITIONS_TO_TXN.newRequest()
                .set("V3AndBelowTransactionalId", transactionalId)
                .set("V3AndBelowProducerId", producerId)
                .set("V3AndBelowProducerEpoch", epoch);
        byTopic(partitions).forEach((topic, indexes) ->
                body.addStruct("V3AndBelowTopics").set("Name", topic).set("Partitions", indexes));
        return body;
    }

    static Struct addOffsets(String transactionalId, long producerId, short epoch, String groupId) {
        return ApiKey.ADD_OFFSETS_TO_TXN.newRequest()
                .set("TransactionalId", transactionalId)
                .set("ProducerId", producerId)
                .set("ProducerEpoch", epoch)
                .set("GroupId", groupId);
    }

    static Struct endTxn(String transactionalId, long producerId, short epoch, boolean commit) {
        return ApiKey.END_TXN.newRequest()
                .set("TransactionalId", transactionalId)
                .set("ProducerId", producerId)
                .set("ProducerEpoch", epoch)
                .set("Committed", commit);
    }

    /** v3+ carries the consumer's generation and member id, so the group fences a zombie consumer's commit (KIP-447). */
    static Struct txnOffsetCommit(short version, String transactionalId, long producerId, short epoch,
                                  ConsumerGroupMetadata group, Map<TopicPartition, OffsetAndMetadata> offsets) {
        Struct body = ApiKey.TXN_OFFSET_COMMIT.newRequest()
                .set("TransactionalId", transactionalId)
                .set("GroupId", group.groupId())
                .set("ProducerId", producerId)
                .set("ProducerEpoch", epoch);
        if (version >= 3) {
            body.set("GenerationId", group.generationId())
                    .set("MemberId", group.memberId())
                    .set("GroupInstanceId", group.groupInstanceId());
        }
        Map<String, List<Map.Entry<TopicPartition, OffsetAndMetadata>>> topics = new TreeMap<>();
        offsets.entrySet().forEach(e -> topics.computeIfAbsent(e.getKey().topic(), t -> new ArrayList<>()).add(e));
        topics.forEach((topic, entries) -> {
            Struct t = body.addStruct("Topics").set("Name", topic);
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : entries) {
                t.addStruct("Partitions") // CommittedLeaderEpoch (v2+) stays -1: the client keeps no epochs
                        .set("PartitionIndex", e.getKey().partition())
                        .set("CommittedOffset", e.getValue().offset())
                        .set("CommittedMetadata", e.getValue().metadata());
            }
        });
        return body;
    }

    private static Map<String, List<Integer>> byTopic(Collection<TopicPartition> partitions) {
        Map<String, List<Integer>> out = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            out.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
        }
        out.values().forEach(l -> l.sort(null));
        return out;
    }
}
