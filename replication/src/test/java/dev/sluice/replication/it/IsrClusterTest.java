package dev.sluice.replication.it;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.testing.InProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * The leader's ISR with real followers: three brokers on one in-process cluster state with the
 * replication module, an rf=3 topic with min.insync.replicas=2 and replica.lag.time.max.ms=1 s.
 * acks=all is answered only once the followers have the batch; a follower that stays up but stops
 * fetching is removed from the ISR by the leader through the controller (AlterPartition: same
 * leader epoch) and writes go on with two; when the last follower falls silent a waiting acks=all
 * write is answered NotEnoughReplicasAfterAppendException, and from then on acks=all is refused
 * (NotEnoughReplicasException from kafka-clients) with nothing appended; a follower restarted
 * catches up, the leader adds it to the ISR again and acks=all works again.
 */
class IsrClusterTest {
    private static final String TOPIC = "isr";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @TempDir
    Path dir;
    private InProcessCluster cluster;
    private ClusterMetadataStore store;

    @BeforeEach
    void cluster() {
        cluster = new InProcessCluster(dir, Map.of("replica.fetch.wait.max.ms", "100", "replica.fetch.backoff.ms", "200",
                "replica.lag.time.max.ms", "1000", "min.insync.replicas", "2"));
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    private PartitionState state() {
        return store.partitionState(TOPIC, 0).orElseThrow().value();
    }

    private Partition leaderReplica() {
        return cluster.broker(state().leader()).partitions().partition(TP).orElseThrow();
    }

    private KafkaProducer<byte[], byte[]> producer(String acks) {
        String bootstrap = cluster.bootstrapServers();
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.RETRIES_CONFIG, 0,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 40_000,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, int value) throws Exception {
        return producer.send(new ProducerRecord<>(TOPIC, 0, null, new byte[]{(byte) value})).get(30, TimeUnit.SECONDS);
    }

    @Test
    void followersLeaveAndRejoinTheIsrThroughTheControllerAndAcksAllFollowsMinInsyncReplicas() throws Exception {
        for (int id = 1; id <= 3; id++) {
            cluster.start(id);
        }
        store = cluster.store();
        await("three brokers registered", () -> store.liveBrokers().size() == 3);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.broker(1).bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get(20, TimeUnit.SECONDS);
        }
        await("a leader with all three in sync", () -> store.partitionState(TOPIC, 0)
                .map(s -> s.value().leader() >= 0 && s.value().isr().size() == 3).orElse(false));
        int leader = state().leader();
        int leaderEpoch = state().leaderEpoch();
        // the store names the leader before the leader has applied the controller's LeaderAndIsr: a
        // producer without retries that reached it earlier would be refused NOT_LEADER_OR_FOLLOWER
        await("the leader applied its LeaderAndIsr", () -> cluster.broker(leader).partitions().partition(TP)
                .map(p -> p.role() instanceof PartitionRole.Leader).orElse(false));
        List<Integer> followers = cluster.ids().stream().filter(id -> id != leader).sorted().toList();

        try (KafkaProducer<byte[], byte[]> all = producer("all")) {
            RecordMetadata first = send(all, 1);
            for (int f : followers) {
                assertThat(cluster.broker(f).partitions().partition(TP).orElseThrow().logEndOffset())
                        .as("acknowledged only once follower " + f + " has it").isGreaterThan(first.offset());
            }

            // a follower that stays registered but stops fetching: only the leader can notice, once
            // there is something it lacks (at the log end a follower counts as caught up, as in Kafka)
            cluster.broker(followers.get(0)).replicaManager().stopReplicaFetching();
            RecordMetadata withTwo = send(all, 2); // answered once the ISR without the silent follower has it
            assertThat(withTwo.offset()).isEqualTo(first.offset() + 1);
            assertThat(state().isr()).hasSize(2).doesNotContain(followers.get(0));
            assertThat(state().leaderEpoch()).as("the leader's ISR shrink keeps the leader epoch").isEqualTo(leaderEpoch);

            cluster.broker(followers.get(1)).replicaManager().stopReplicaFetching();
            // waits for the last follower, which leaves the ISR: the batch is in, on too few replicas
            assertThatThrownBy(() -> send(all, 3)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NotEnoughReplicasAfterAppendException.class);
            assertThat(state().isr()).containsExactly(leader);
            assertThat(state().leaderEpoch()).isEqualTo(leaderEpoch);
            await("the leader applied it", () -> leaderReplica().isr().inSyncReplicaCount() == 1);
            long end = leaderReplica().logEndOffset();
            assertThat(end).isEqualTo(withTwo.offset() + 2);
            assertThatThrownBy(() -> send(all, 4)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(NotEnoughReplicasException.class);
            assertThat(leaderReplica().logEndOffset()).as("a refused acks=all write is not appended").isEqualTo(end);

            cluster.stop(followers.get(1)); // restarted, it fetches again
            cluster.start(followers.get(1));
            await("the returning follower back in the ISR", () -> state().isr().contains(followers.get(1)));
            await("the leader applied it", () -> leaderReplica().isr().inSyncReplicaCount() == 2);
            RecordMetadata again = send(all, 5);
            assertThat(again.offset()).isEqualTo(end);
            assertThat(cluster.broker(followers.get(1)).partitions().partition(TP).orElseThrow().logEndOffset())
                    .as("the returned follower has the acknowledged write").isGreaterThan(again.offset());
        }
    }
}
