package dev.sluice.client.producer.internals;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerGroupMetadata;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.MessageCodec;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The transactional producer's requests, encoded by Sluice at every version it may send and decoded
 * by kafka-clients' own generated message classes: what a Kafka broker would read.
 */
class TxnWireTest {

    private static ByteBuffer encode(ApiKey api, Struct body, short version) {
        return MessageCodec.toByteBuffer(body, api.requestSchema(), version);
    }

    @Test
    void findCoordinatorCarriesTheTransactionKeyTypeInEveryVersionThatHasOne() {
        for (short v = 1; v <= ApiKey.FIND_COORDINATOR.latestStableVersion(); v++) {
            ByteBuffer wire = encode(ApiKey.FIND_COORDINATOR, TxnRequests.findCoordinator(v, TxnRequests.TRANSACTION, "tx-1"), v);
            FindCoordinatorRequestData kafka = new FindCoordinatorRequestData(new ByteBufferAccessor(wire), v);
            assertThat(kafka.keyType()).as("v%d", v).isEqualTo((byte) 1);
            if (v >= 4) {
                assertThat(kafka.coordinatorKeys()).containsExactly("tx-1");
            } else {
                assertThat(kafka.key()).isEqualTo("tx-1");
            }
        }
    }

    @Test
    void initProducerIdSendsTheCurrentIdAndEpochToBumpFromVersion3() {
        for (short v = 0; v <= ApiKey.INIT_PRODUCER_ID.latestStableVersion(); v++) {
            ByteBuffer wire = encode(ApiKey.INIT_PRODUCER_ID,
                    TxnRequests.initProducerId(v, "tx-1", 30_000, 4711L, (short) 3), v);
            InitProducerIdRequestData kafka = new InitProducerIdRequestData(new ByteBufferAccessor(wire), v);
            assertThat(kafka.transactionalId()).isEqualTo("tx-1");
            assertThat(kafka.transactionTimeoutMs()).isEqualTo(30_000);
            if (v >= 3) {
                assertThat(kafka.producerId()).as("v%d", v).isEqualTo(4711L);
                assertThat(kafka.producerEpoch()).isEqualTo((short) 3);
            }
        }
    }

    @Test
    void addPartitionsUsesTheClientFormOfVersions0To3GroupedByTopic() {
        Set<TopicPartition> partitions = Set.of(new TopicPartition("a", 2), new TopicPartition("a", 0),
                new TopicPartition("b", 1));
        for (short v = 0; v <= TxnRequests.ADD_PARTITIONS_MAX_VERSION; v++) {
            ByteBuffer wire = encode(ApiKey.ADD_PARTITIONS_TO_TXN,
                    TxnRequests.addPartitions("tx-1", 7L, (short) 2, partitions), v);
            AddPartitionsToTxnRequestData kafka = new AddPartitionsToTxnRequestData(new ByteBufferAccessor(wire), v);
            assertThat(kafka.v3AndBelowTransactionalId()).isEqualTo("tx-1");
            assertThat(kafka.v3AndBelowProducerId()).isEqualTo(7L);
            assertThat(kafka.v3AndBelowProducerEpoch()).isEqualTo((short) 2);
            Map<String, List<Integer>> topics = new LinkedHashMap<>();
            kafka.v3AndBelowTopics().forEach(t -> topics.put(t.name(), t.partitions()));
            assertThat(topics).containsExactly(Map.entry("a", List.of(0, 2)), Map.entry("b", List.of(1)));
        }
    }

    @Test
    void endTxnAndAddOffsetsCarryTheProducerAndTheOutcome() {
        for (short v = 0; v <= TxnRequests.END_TXN_MAX_VERSION; v++) {
            for (boolean commit : new boolean[] {true, false}) {
                ByteBuffer wire = encode(ApiKey.END_TXN, TxnRequests.endTxn("tx-1", 9L, (short) 1, commit), v);
                EndTxnRequestData kafka = new EndTxnRequestData(new ByteBufferAccessor(wire), v);
                assertThat(kafka.transactionalId()).isEqualTo("tx-1");
                assertThat(kafka.producerId()).isEqualTo(9L);
                assertThat(kafka.producerEpoch()).isEqualTo((short) 1);
                assertThat(kafka.committed()).isEqualTo(commit);
            }
        }
        for (short v = 0; v <= ApiKey.ADD_OFFSETS_TO_TXN.latestStableVersion(); v++) {
            ByteBuffer wire = encode(ApiKey.ADD_OFFSETS_TO_TXN, TxnRequests.addOffsets("tx-1", 9L, (short) 1, "g"), v);
            AddOffsetsToTxnRequestData kafka = new AddOffsetsToTxnRequestData(new ByteBufferAccessor(wire), v);
            assertThat(kafka.groupId()).isEqualTo("g");
            assertThat(kafka.producerId()).isEqualTo(9L);
        }
    }

    @Test
    void txnOffsetCommitCarriesTheConsumersGenerationFromVersion3() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        offsets.put(new TopicPartition("in", 0), new OffsetAndMetadata(42, "m"));
        offsets.put(new TopicPartition("in", 1), new OffsetAndMetadata(7));
        ConsumerGroupMetadata group = new ConsumerGroupMetadata("g", 5, "member-1", null);
        for (short v = 0; v <= ApiKey.TXN_OFFSET_COMMIT.latestStableVersion(); v++) {
            ByteBuffer wire = encode(ApiKey.TXN_OFFSET_COMMIT,
                    TxnRequests.txnOffsetCommit(v, "tx-1", 9L, (short) 1, group, offsets), v);
            TxnOffsetCommitRequestData kafka = new TxnOffsetCommitRequestData(new ByteBufferAccessor(wire), v);
            assertThat(kafka.groupId()).isEqualTo("g");
            assertThat(kafka.transactionalId()).isEqualTo("tx-1");
            if (v >= 3) {
                assertThat(kafka.generationId()).isEqualTo(5);
                assertThat(kafka.memberId()).isEqualTo("member-1");
            }
            assertThat(kafka.topics()).hasSize(1);
            Map<Integer, Long> committed = new LinkedHashMap<>();
            kafka.topics().get(0).partitions().forEach(p -> committed.put(p.partitionIndex(), p.committedOffset()));
            assertThat(committed).containsExactly(Map.entry(0, 42L), Map.entry(1, 7L));
            assertThat(kafka.topics().get(0).partitions().get(0).committedMetadata()).isEqualTo("m");
        }
    }
}
