package dev.sluice.tools.cluster;

import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the broker in the middle of transactions (#12): one transaction had just committed, another
 * was open with its records written. After the restart the coordinator reloads {@code __transaction_state}:
 * the committed one completes (its records become visible), the open one is aborted by its
 * {@code transaction.timeout.ms}, so the last stable offset moves on and read_committed consumers
 * (Sluice's and kafka-clients') progress past it to what is committed later, never seeing the aborted records.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TransactionKillTest {
    private static final String TOPIC = "payments";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;
    private static ProcessCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = ProcessCluster.start(new ProcessCluster.Settings("TransactionKillTest", 1, 6000, 500, Map.of(
                "offsets.topic.replication.factor", "1", "offsets.topic.num.partitions", "3",
                "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1",
                "transaction.state.log.num.partitions", "3",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000",
                "group.initial.rebalance.delay.ms", "0")), dir);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static SluiceProducer producer(String transactionalId) {
        return new SluiceProducer(ProducerConfig.builder().bootstrapServers(cluster.bootstrap())
                .transactionalId(transactionalId).transactionTimeoutMs(6_000).maxBlockMs(60_000).build());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void afterAKillTheCommittedTransactionCompletesTheOpenOneTimesOutAndReadersProgress() throws Exception {
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(cluster.bootstrap()))) {
            Await.until("topic created", WAIT, () -> {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2))).join();
                return true;
            }, ok -> ok);
        }
        SluiceProducer committed = producer("kill-committed");
        SluiceProducer open = producer("kill-open");
        committed.initTransactions();
        open.initTransactions();
        open.beginTransaction();
        for (int i = 0; i < 30; i++) {
            open.send(ProducerRecord.of(TOPIC, bytes("k" + i), bytes("open-" + i)));
        }
        open.flush(); // its records are in the log, before and between the committed ones
        committed.beginTransaction();
        for (int i = 0; i < 50; i++) {
            committed.send(ProducerRecord.of(TOPIC, bytes("k" + i), bytes("committed-" + i)));
        }
        committed.commitTransaction();
        cluster.kill(1); // at once: the commit's markers may or may not be written yet
        committed.close(Duration.ZERO);
        open.close(Duration.ZERO);

        cluster.start(1);
        List<String> seen = new ArrayList<>();
        try (SluiceConsumer reader = new SluiceConsumer(ConsumerConfig.builder().bootstrapServers(cluster.bootstrap())
                .groupId("kill-reader").isolationLevel("read_committed").set("auto.offset.reset", "earliest").build())) {
            reader.subscribe(List.of(TOPIC));
            Await.until("the committed transaction's records, read_committed", WAIT, () -> {
                for (ConsumerRecord r : reader.poll(Duration.ofMillis(200))) {
                    seen.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                return seen.size();
            }, n -> n >= 50);
            try (SluiceProducer after = producer("kill-after")) { // readers get past the aborted transaction
                after.initTransactions();
                after.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    after.send(ProducerRecord.of(TOPIC, bytes("k" + i), bytes("after-" + i)));
                }
                after.commitTransaction();
            }
            Await.until("the later transaction's records, read_committed", WAIT, () -> {
                for (ConsumerRecord r : reader.poll(Duration.ofMillis(200))) {
                    seen.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                return seen.size();
            }, n -> n >= 60);
        }
        assertThat(seen).hasSize(60).noneMatch(v -> v.startsWith("open-"));
        assertThat(seen.stream().filter(v -> v.startsWith("committed-"))).hasSize(50);

        List<String> kafkaSeen = new ArrayList<>();
        try (KafkaConsumer<String, String> kafka = new KafkaConsumer<>(Map.of("bootstrap.servers", cluster.bootstrap(),
                "group.id", "kill-kafka-reader", "isolation.level", "read_committed", "auto.offset.reset", "earliest",
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer", StringDeserializer.class.getName()))) {
            kafka.subscribe(List.of(TOPIC));
            Await.until("kafka-clients read_committed", WAIT, () -> {
                kafka.poll(Duration.ofMillis(200)).forEach(r -> kafkaSeen.add(r.value()));
                return kafkaSeen.size();
            }, n -> n >= 60);
        }
        assertThat(kafkaSeen).containsExactlyInAnyOrderElementsOf(seen);
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(cluster.bootstrap()))) {
            Await.until("kill-open aborted by its timeout", WAIT,
                    () -> admin.describeTransactions(List.of("kill-open")).join().get("kill-open").state(),
                    s -> s.equals("CompleteAbort"));
            assertThat(admin.describeTransactions(List.of("kill-committed")).join().get("kill-committed").state())
                    .isEqualTo("CompleteCommit");
        }
    }
}
