package dev.sluice.replication.it;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.partition.Partition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.sluice.broker.testing.Await.await;
import static dev.sluice.replication.it.InProcessReplicaCluster.batches;
import static dev.sluice.replication.it.InProcessReplicaCluster.replica;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KIP-101's diverged logs end to end, against the real leader: with both followers stopped, the
 * leader (alone in the ISR) takes acks=1 writes and stops; the followers return and, with unclean
 * election allowed, one leads a new epoch and takes other writes at the same offsets. When the old
 * leader returns as a follower, the new leader answers its fetch with DivergingEpoch and it
 * truncates its unreplicated records and copies the new leader's: all three replicas end identical,
 * and a consumer reads the new leader's records, never the truncated ones.
 */
class DivergedLogClusterTest {
    private static final String TOPIC = "diverged";
    private static final Map<String, String> UNCLEAN = Map.of("unclean.leader.election.enable", "true");

    @TempDir
    Path dir;
    private InProcessReplicaCluster nodes;

    @AfterEach
    void stop() {
        nodes.close();
    }

    private static void send(Broker to, String acks, List<String> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = InProcessReplicaCluster.producer(to.bootstrapServers(), acks)) {
            for (String v : values) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, v.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static List<String> values(String prefix, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(prefix + i);
        }
        return out;
    }

    @Test
    void theOldLeadersUnreplicatedRecordsAreTruncatedWhenItFollowsTheNewLeader() throws Exception {
        nodes = new InProcessReplicaCluster(dir);
        for (int id = 1; id <= 3; id++) {
            nodes.start(id, "file", UNCLEAN);
        }
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        nodes.createTopic(TOPIC, 1);
        Broker old = nodes.leaderOf(tp);
        int oldId = old.config().nodeId();
        List<String> committed = values("c", 10);
        send(old, "all", committed);
        await("identical replicas", () -> nodes.identical(tp));

        // both followers stop: the old leader is alone in the ISR and takes writes no one copies
        List<Integer> followers = nodes.ids().stream().filter(id -> id != oldId).toList();
        followers.forEach(nodes::stop);
        await("the ISR shrunk to the leader", () -> replica(old, tp).map(p -> p.isr().assignment() != null
                && p.isr().assignment().isr().equals(List.of(oldId))).orElse(false));
        send(old, "1", values("lost", 5));
        long oldEnd = replica(old, tp).orElseThrow().logEndOffset();
        assertThat(oldEnd).isEqualTo(15);
        nodes.stop(oldId);

        // the followers return; unclean election lets one of them lead a new epoch
        for (int id : followers) {
            nodes.start(id, "file", UNCLEAN);
        }
        await("a new leader among the returned followers", () -> nodes.leaderOf(tp) != null);
        Broker next = nodes.leaderOf(tp);
        List<String> written = values("new", 3);
        send(next, "1", written);
        Partition newLeader = replica(next, tp).orElseThrow();
        assertThat(newLeader.logEndOffset()).isEqualTo(13);

        // the old leader returns as a follower: its records 10-14 diverged and are replaced
        nodes.start(oldId, "file", UNCLEAN);
        await("identical replicas after the old leader returned", () -> nodes.identical(tp));
        Partition returned = replica(nodes.broker(oldId), tp).orElseThrow();
        assertThat(batches(returned)).isEqualTo(batches(newLeader));
        assertThat(returned.logEndOffset()).isEqualTo(13);

        List<String> expected = new ArrayList<>(committed);
        expected.addAll(written);
        List<String> consumed = InProcessReplicaCluster.consumeAll(next.bootstrapServers(), TOPIC, 1, expected.size());
        assertThat(consumed).containsExactlyElementsOf(expected);
    }
}
