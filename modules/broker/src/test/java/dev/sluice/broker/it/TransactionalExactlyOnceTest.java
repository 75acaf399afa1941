package dev.sluice.broker.it;

import dev.sluice.broker.txn.TxnMetadata;
import dev.sluice.broker.txn.TxnState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kafka-clients 4.1 transactions end to end on one broker: committed records reach read_committed
 * consumers and aborted ones never do, offsets sent to a transaction appear only when it commits,
 * and a coordinator restarted mid-transaction reloads it and completes it, or aborts it at its
 * timeout. The broker listens on one port across restarts so the clients reconnect.
 */
class TransactionalExactlyOnceTest {
    private static final String TOPIC = "eos-out";

    @TempDir
    Path dir;
    Map<String, String> settings;
    TestBroker broker;
    Admin admin;

    @BeforeEach
    void start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        settings = Map.of("listeners", "PLAINTEXT://127.0.0.1:" + port, "transaction.state.log.num.partitions", "3",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500", "offsets.topic.num.partitions", "2");
        broker = TestBroker.start(dir, settings);
        admin = KafkaClients.admin(broker.bootstrap());
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
    }

    private KafkaProducer<byte[], byte[]> transactional(String id, int timeoutMs) {
        return KafkaClients.producer(broker.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, timeoutMs));
    }

    private KafkaConsumer<byte[], byte[]> consumer(String isolation) {
        KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation));
        consumer.assign(List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)));
        return consumer;
    }

    private static String text(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    private static ProducerRecord<byte[], byte[]> record(int partition, String value) {
        return new ProducerRecord<>(TOPIC, partition, null, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads until both partitions' positions reach their end for this isolation level (the LSO for read_committed). */
    private static List<String> readToEnd(KafkaConsumer<byte[], byte[]> consumer) {
        List<String> values = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(text(r)));
            boolean done = end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            if (done) {
                break;
            }
        }
        return values;
    }

    @Test
    void readCommittedSeesOnlyCommittedRecordsInOrderAndReadUncommittedSeesAll() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = transactional("eos-commit", 30_000)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(0, "c1"));
            producer.send(record(1, "c2"));
            producer.send(record(0, "c3"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(record(0, "a1"));
            producer.send(record(1, "a2"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(record(1, "c4"));
            producer.commitTransaction();
        }
        broker.awaitTransaction("eos-commit", TxnState.COMPLETE_COMMIT);
        try (KafkaConsumer<byte[], byte[]> committed = consumer("read_committed");
             KafkaConsumer<byte[], byte[]> uncommitted = consumer("read_uncommitted")) {
            List<String> seen = readToEnd(committed);
            assertThat(seen).containsExactlyInAnyOrder("c1", "c2", "c3", "c4");
            assertThat(seen.stream().filter(v -> v.equals("c1") || v.equals("c3")).toList()).containsExactly("c1", "c3");
            assertThat(readToEnd(uncommitted)).containsExactlyInAnyOrder("c1", "c2", "c3", "a1", "a2", "c4");
        }
    }

    @Test
    void offsetsSentToATransactionBecomeVisibleOnlyWhenItCommits() throws Exception {
        TopicPartition input = new TopicPartition("eos-in", 0);
        admin.createTopics(List.of(new NewTopic("eos-in", 1, (short) 1))).all().get();
        try (KafkaProducer<byte[], byte[]> producer = transactional("eos-offsets", 30_000)) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(record(0, "x"));
            producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(17)), new ConsumerGroupMetadata("eos-group"));
            assertThat(admin.listConsumerGroupOffsets("eos-group").partitionsToOffsetAndMetadata().get()).isEmpty();
            producer.abortTransaction();
            broker.awaitTransaction("eos-offsets", TxnState.COMPLETE_ABORT);
            assertThat(admin.listConsumerGroupOffsets("eos-group").partitionsToOffsetAndMetadata().get()).isEmpty();

            producer.beginTransaction();
            producer.send(record(0, "y"));
            producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(42)), new ConsumerGroupMetadata("eos-group"));
            assertThat(admin.listConsumerGroupOffsets("eos-group").partitionsToOffsetAndMetadata().get()).isEmpty();
            producer.commitTransaction();
        }
        broker.awaitTransaction("eos-offsets", TxnState.COMPLETE_COMMIT);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of();
        while (System.nanoTime() < deadline && offsets.isEmpty()) { // the marker lands just after CompleteCommit is answered
            offsets = admin.listConsumerGroupOffsets("eos-group").partitionsToOffsetAndMetadata().get();
        }
        assertThat(offsets).containsEntry(input, new OffsetAndMetadata(42));
        // and they survive a restart: replayed with the marker from __consumer_offsets
        admin.close();
        broker = broker.restart();
        admin = KafkaClients.admin(broker.bootstrap());
        assertThat(admin.listConsumerGroupOffsets("eos-group").partitionsToOffsetAndMetadata().get())
                .containsEntry(input, new OffsetAndMetadata(42));
    }

    @Test
    void aTransactionOpenAcrossACoordinatorRestartIsReloadedAndCommits() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = transactional("eos-restart", 60_000)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(0, "before")).get();
            admin.close();
            broker = broker.restart(); // same port: the producer reconnects
            admin = KafkaClients.admin(broker.bootstrap());
            assertThat(broker.awaitTransaction("eos-restart", TxnState.ONGOING).partitions())
                    .containsExactly(new dev.sluice.api.storage.TopicPartition(TOPIC, 0));

            producer.send(record(1, "after")).get();
            producer.commitTransaction();
        }
        broker.awaitTransaction("eos-restart", TxnState.COMPLETE_COMMIT);
        try (KafkaConsumer<byte[], byte[]> committed = consumer("read_committed")) {
            assertThat(readToEnd(committed)).containsExactlyInAnyOrder("before", "after");
        }
    }

    @Test
    void aTransactionAbandonedAcrossARestartIsAbortedAtItsTimeoutAndStopsHoldingReadCommittedBack() throws Exception {
        KafkaProducer<byte[], byte[]> producer = transactional("eos-abandoned", 2_000);
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(record(0, "abandoned")).get();
        short epoch = broker.broker().transactionCoordinator().state("eos-abandoned").producerEpoch();
        producer.close(Duration.ZERO); // dies without ending it
        admin.close();
        broker = broker.restart();
        admin = KafkaClients.admin(broker.bootstrap());

        TxnMetadata aborted = broker.awaitTransaction("eos-abandoned", TxnState.COMPLETE_ABORT);
        assertThat(aborted.producerEpoch()).isEqualTo((short) (epoch + 1)); // the zombie is fenced
        try (KafkaProducer<byte[], byte[]> next = transactional("eos-abandoned", 30_000)) {
            next.initTransactions();
            next.beginTransaction();
            next.send(record(0, "next"));
            next.commitTransaction();
        }
        // the marker that moves the LSO past "next" is written after commitTransaction returns
        broker.awaitTransaction("eos-abandoned", TxnState.COMPLETE_COMMIT);
        try (KafkaConsumer<byte[], byte[]> committed = consumer("read_committed")) {
            assertThat(readToEnd(committed)).containsExactly("next");
        }
    }
}
