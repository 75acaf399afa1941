package dev.sluice.client.consumer.group;

import dev.sluice.api.storage.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Subscription and Assignment payloads read and written exactly as kafka-clients does. */
class ConsumerProtocolTest {
    private static final org.apache.kafka.common.TopicPartition A0 = new org.apache.kafka.common.TopicPartition("a", 0);
    private static final org.apache.kafka.common.TopicPartition B2 = new org.apache.kafka.common.TopicPartition("b", 2);

    @Test
    void ourSubscriptionIsKafkasByteForByte() {
        byte[] ours = ConsumerProtocol.encodeSubscription(new ConsumerProtocol.Subscription(List.of("a", "b"),
                ByteBuffer.wrap(new byte[]{0, 0, 0, 7}), List.of(new TopicPartition("a", 0), new TopicPartition("b", 2)),
                7, null));
        ByteBuffer kafka = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(
                new ConsumerPartitionAssignor.Subscription(List.of("a", "b"), ByteBuffer.wrap(new byte[]{0, 0, 0, 7}),
                        List.of(A0, B2), 7, Optional.empty()));
        assertThat(ByteBuffer.wrap(ours)).isEqualTo(kafka);
    }

    @Test
    void weReadKafkasSubscriptionsOfEveryVersion() {
        for (short version = 0; version <= 3; version++) {
            ByteBuffer bytes = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeSubscription(
                    new ConsumerPartitionAssignor.Subscription(List.of("t"), null, List.of(A0), 3, Optional.of("rack-1")),
                    version);
            byte[] raw = new byte[bytes.remaining()];
            bytes.get(raw);
            ConsumerProtocol.Subscription s = ConsumerProtocol.decodeSubscription(raw);
            assertThat(s.topics()).containsExactly("t");
            assertThat(s.userData()).isNull();
            assertThat(s.ownedPartitions()).isEqualTo(version >= 1 ? List.of(new TopicPartition("a", 0)) : List.of());
            assertThat(s.generationId()).isEqualTo(version >= 2 ? 3 : -1);
            assertThat(s.rackId()).isEqualTo(version >= 3 ? "rack-1" : null);
        }
    }

    @Test
    void assignmentsRoundTripWithKafka() {
        byte[] ours = ConsumerProtocol.encodeAssignment(List.of(new TopicPartition("a", 0), new TopicPartition("b", 2)));
        ConsumerPartitionAssignor.Assignment read = org.apache.kafka.clients.consumer.internals.ConsumerProtocol
                .deserializeAssignment(ByteBuffer.wrap(ours));
        assertThat(read.partitions()).containsExactly(A0, B2);
        ByteBuffer kafka = org.apache.kafka.clients.consumer.internals.ConsumerProtocol.serializeAssignment(
                new ConsumerPartitionAssignor.Assignment(List.of(B2, A0)));
        assertThat(ByteBuffer.wrap(ours)).isNotNull();
        byte[] raw = new byte[kafka.remaining()];
        kafka.get(raw);
        assertThat(ConsumerProtocol.decodeAssignment(raw)).containsExactly(new TopicPartition("b", 2), new TopicPartition("a", 0));
        assertThat(ConsumerProtocol.decodeAssignment(new byte[0])).isEmpty();
    }
}
