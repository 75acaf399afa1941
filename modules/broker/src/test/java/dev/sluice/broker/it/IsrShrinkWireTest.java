package dev.sluice.broker.it;

import dev.sluice.api.cluster.PartitionState;
import dev.sluice.broker.Broker;
import dev.sluice.broker.testing.InProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The leader's ISR shrink end to end on two in-process brokers without the replication module (so
 * the follower never fetches): after {@code replica.lag.time.max.ms} the leader asks the controller
 * (AlterPartition over the controller link) to drop the follower, the controller writes it with the
 * same leader epoch, and with {@code min.insync.replicas=2} a kafka-clients acks=all producer gets
 * NotEnoughReplicasException while acks=1 still writes.
 */
class IsrShrinkWireTest {
    private static final String TOPIC = "shrinking";

    @TempDir
    Path dir;
    InProcessCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aFollowerThatNeverFetchesLeavesTheIsrAndAcksAllIsRefusedBelowMinInsyncReplicas() throws Exception {
        cluster = new InProcessCluster(dir);
        // controlled.shutdown.retry.backoff.ms: at the end the leader, alone in the ISR, cannot hand its partition to
        // anyone; when it stops first its shutdown retries in vain, so not 5 s apart
        Map<String, String> settings = Map.of("replica.lag.time.max.ms", "1000", "min.insync.replicas", "2",
                "controlled.shutdown.retry.backoff.ms", "100");
        cluster.start(1, settings);
        cluster.start(2, settings);
        await("two brokers registered", () -> cluster.store().liveBrokers().size(), n -> n == 2);
        Broker controller = cluster.controller();
        try (Admin admin = KafkaClients.admin(controller.bootstrapServers())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 2))).all().get(20, TimeUnit.SECONDS);
        }
        PartitionState created = await("the partition's first state", () -> cluster.store().partitionState(TOPIC, 0),
                s -> s.isPresent() && s.get().value().leader() >= 0).orElseThrow().value();

        PartitionState shrunk = await("the ISR shrunk to the leader", () -> cluster.store().partitionState(TOPIC, 0)
                .orElseThrow().value(), s -> s.isr().size() == 1);
        assertThat(shrunk.isr()).containsExactly(created.leader());
        assertThat(shrunk.leaderEpoch()).as("an ISR change keeps the leader epoch").isEqualTo(created.leaderEpoch());

        Broker leader = cluster.broker(created.leader());
        await("the leader applied the committed ISR", () -> leader.partitions().partition(TOPIC, 0)
                .orElseThrow().isr().inSyncReplicaCount(), n -> n == 1);
        try (KafkaProducer<byte[], byte[]> all = KafkaClients.producer(leader.bootstrapServers(), Map.of(
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.RETRIES_CONFIG, 0,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false));
             KafkaProducer<byte[], byte[]> one = KafkaClients.producer(leader.bootstrapServers(), Map.of(
                     ProducerConfig.ACKS_CONFIG, "1", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false))) {
            assertThatThrownBy(() -> all.send(new ProducerRecord<>(TOPIC, 0, null, new byte[]{1})).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotEnoughReplicasException.class);
            RecordMetadata written = one.send(new ProducerRecord<>(TOPIC, 0, null, new byte[]{2})).get(20, TimeUnit.SECONDS);
            assertThat(written.offset()).as("the refused acks=all record was not appended").isZero();
        }
    }
}
