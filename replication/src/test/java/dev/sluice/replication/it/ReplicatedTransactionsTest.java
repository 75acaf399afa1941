package dev.sluice.replication.it;

import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.partition.AppendOutcome;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.producer.ProducerSummary;
import dev.sluice.broker.replica.TxnMarkerWriter;
import dev.sluice.protocol.Errors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactions across replicas (file, LMDB, file): followers rebuild the leader's producer state
 * from the replicated batches, markers included — the same aborted-transaction index, the same open
 * transactions and coordinator epochs — so after the leader stops, the new leader's last stable
 * offset holds back the still-open transaction and a read_committed consumer on it reads exactly
 * the committed records; the coordinator's later markers complete there.
 */
class ReplicatedTransactionsTest {
    private static final String TOPIC = "txn-replicated";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    @TempDir
    Path dir;
    private InProcessReplicaCluster nodes;

    @AfterEach
    void stop() {
        nodes.close();
    }

    private static ByteBuffer txnBatch(long producerId, String... values) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).producer(producerId, (short) 0, 0).transactional(true);
        for (String v : values) {
            builder.append(System.currentTimeMillis(), null, v.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static List<Errors> marker(Broker leader, long producerId, boolean commit) throws Exception {
        CompletableFuture<List<List<Errors>>> answer = new CompletableFuture<>();
        leader.replicaManager().txnMarkers().write(List.of(new TxnMarkerWriter.Marker(producerId, (short) 0, 2, commit,
                List.of(TP))), 30_000, answer::complete);
        return answer.get(30, TimeUnit.SECONDS).get(0);
    }

    private static String state(Partition p) {
        List<String> producers = p.producers().stream().sorted(Comparator.comparingLong(ProducerSummary::producerId))
                .map(s -> s.producerId() + "/" + s.producerEpoch() + "/" + s.coordinatorEpoch() + "/" + s.currentTxnStartOffset())
                .toList();
        List<AbortedTxn> aborted = p.log().abortedTransactions(p.logStartOffset(), p.logEndOffset());
        return producers + " " + aborted;
    }

    @Test
    void followersRebuildTheTransactionStateAndANewLeaderServesReadCommitted() throws Exception {
        nodes = new InProcessReplicaCluster(dir);
        nodes.start(1, "file", Map.of());
        nodes.start(2, "lmdb", Map.of());
        nodes.start(3, "file", Map.of());
        nodes.createTopic(TOPIC, 1);
        await("a full ISR", () ->
                InProcessReplicaCluster.replica(nodes.leaderOf(TP), TP).orElseThrow().isr().inSyncReplicaCount() == 3);

        Broker leader = nodes.leaderOf(TP);
        Partition led = InProcessReplicaCluster.replica(leader, TP).orElseThrow();
        assertThat(led.appendAsLeader(txnBatch(100, "c0", "c1"))).isInstanceOf(AppendOutcome.Appended.class); // 0..1
        assertThat(led.appendAsLeader(txnBatch(200, "a0", "a1"))).isInstanceOf(AppendOutcome.Appended.class); // 2..3
        assertThat(led.appendAsLeader(txnBatch(300, "o0"))).isInstanceOf(AppendOutcome.Appended.class);       // 4, stays open
        assertThat(marker(leader, 100, true)).containsExactly(Errors.NONE);  // 5
        assertThat(marker(leader, 200, false)).containsExactly(Errors.NONE); // 6

        await("identical replicas", () -> nodes.identical(TP));
        String leaderState = state(led);
        assertThat(leaderState).contains("200, firstOffset=2, lastOffset=6");
        for (Broker b : nodes.brokers()) {
            Partition replica = InProcessReplicaCluster.replica(b, TP).orElseThrow();
            assertThat(state(replica)).as("replica on broker " + b.config().nodeId()).isEqualTo(leaderState);
        }

        int oldId = leader.config().nodeId();
        nodes.stop(oldId);
        await("a new leader", () -> nodes.leaderOf(TP) != null);
        Broker next = nodes.leaderOf(TP);
        Partition newLeader = InProcessReplicaCluster.replica(next, TP).orElseThrow();
        await("the new leader's high watermark at its log end",
                () -> newLeader.highWatermark() == newLeader.logEndOffset());

        assertThat(newLeader.lastStableOffset()).isEqualTo(4); // producer 300's transaction is still open
        assertThat(readCommitted(next.bootstrapServers(), 2)).containsExactly("c0", "c1");

        assertThat(marker(next, 300, true)).containsExactly(Errors.NONE);
        assertThat(newLeader.lastStableOffset()).isEqualTo(newLeader.logEndOffset());
        assertThat(readCommitted(next.bootstrapServers(), 3)).containsExactly("c0", "c1", "o0");
    }

    private static List<String> readCommitted(String bootstrap, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                values.add(new String(r.value(), StandardCharsets.UTF_8)); // nothing more may come
            }
            return values;
        }
    }
}
