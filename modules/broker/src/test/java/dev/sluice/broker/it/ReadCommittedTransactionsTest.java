package dev.sluice.broker.it;

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

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end with kafka-clients 4.1 on one broker: transactional producers (coordinator and
 * partition side together) and read_committed / read_uncommitted consumers. Aborted records never
 * reach read_committed, both see committed records in order, markers never surface as records;
 * offsets sent to a transaction become the group's only when it commits; a transaction left open
 * across a restart holds the last stable offset until its timeout aborts it, and then
 * read_committed consumers go on.
 */
class ReadCommittedTransactionsTest {
    private static final String TOPIC = "eos";
    private static final List<TopicPartition> PARTITIONS = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));

    @TempDir
    Path dir;
    TestBroker broker;
    Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("transaction.state.log.num.partitions", "3",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"));
        admin = KafkaClients.admin(broker.bootstrap());
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1), new NewTopic("eos-in", 1, (short) 1))).all().get();
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every value of {@code partitions} from the start, in partition then offset order, once {@code expected} arrived (and a quiet poll after). */
    private List<String> read(String isolation, List<TopicPartition> partitions, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation))) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, expected);
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
            List<String> values = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                records.stream().filter(r -> r.partition() == tp.partition()).forEach(r ->
                        values.add(tp.partition() + ":" + new String(r.value(), StandardCharsets.UTF_8)));
            }
            return values;
        }
    }

    @Test
    void readCommittedSeesOnlyCommittedTransactionsInOrderAndNoMarkers() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = transactional("writer", 30_000)) {
            producer.initTransactions();
            for (int t = 0; t < 4; t++) {
                producer.beginTransaction();
                for (int i = 0; i < 3; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, i % 2, null, bytes("t" + t + "-" + i)));
                }
                producer.flush(); // in the log before the end: an abort drops batches not yet sent
                if (t % 2 == 0) {
                    producer.commitTransaction();
                } else {
                    producer.abortTransaction();
                }
            }
        }

        List<String> committed = read("read_committed", PARTITIONS, 6);
        assertThat(committed).containsExactly("0:t0-0", "0:t0-2", "0:t2-0", "0:t2-2", "1:t0-1", "1:t2-1");
        List<String> uncommitted = read("read_uncommitted", PARTITIONS, 12);
        assertThat(uncommitted).hasSize(12).contains("0:t1-0", "1:t3-1");
        broker.awaitTransaction("writer", TxnState.COMPLETE_ABORT); // the last one's markers written
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            // every record (8 and 4) and 4 markers per partition: no transaction is open, so the end is the log end
            assertThat(consumer.endOffsets(PARTITIONS)).containsEntry(PARTITIONS.get(0), 8L + 4).containsEntry(PARTITIONS.get(1), 4L + 4);
        }
    }

    @Test
    void offsetsSentToATransactionBecomeTheGroupsOnlyWhenItCommits() throws Exception {
        TopicPartition in = new TopicPartition("eos-in", 0);
        try (KafkaProducer<byte[], byte[]> plain = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            for (int i = 0; i < 4; i++) {
                plain.send(new ProducerRecord<>("eos-in", 0, null, bytes("in" + i))).get();
            }
        }
        ConsumerGroupMetadata group = new ConsumerGroupMetadata("eos-group");
        try (KafkaProducer<byte[], byte[]> producer = transactional("processor", 30_000)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, null, bytes("out-aborted")));
            producer.flush();
            producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(2)), group);
            producer.abortTransaction();
            assertThat(admin.listConsumerGroupOffsets("eos-group").partitionsToOffsetAndMetadata().get()).doesNotContainKey(in);

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(TOPIC, 0, null, bytes("out-committed")));
            producer.sendOffsetsToTransaction(Map.of(in, new OffsetAndMetadata(3)), group);
            producer.commitTransaction();
        }
        // EndTxn is answered once PrepareCommit is written (as Kafka): the marker making the offsets the group's
        // lands on __consumer_offsets just after, so they are awaited, not expected at once
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.of();
        while (System.nanoTime() < deadline && !offsets.containsKey(in)) {
            offsets = admin.listConsumerGroupOffsets("eos-group").partitionsToOffsetAndMetadata().get();
        }
        assertThat(offsets).containsEntry(in, new OffsetAndMetadata(3));
        assertThat(read("read_committed", List.of(PARTITIONS.get(0)), 1)).containsExactly("0:out-committed");
        assertThat(read("read_uncommitted", List.of(PARTITIONS.get(0)), 2)).containsExactly("0:out-aborted", "0:out-committed");
    }

    @Test
    void aTransactionLeftOpenAcrossARestartIsAbortedByItsTimeoutAndTheLastStableOffsetMovesOn() throws Exception {
        try (KafkaProducer<byte[], byte[]> first = transactional("first", 30_000)) {
            first.initTransactions();
            first.beginTransaction();
            first.send(new ProducerRecord<>(TOPIC, 0, null, bytes("committed-before"))).get();
            first.commitTransaction();
        }
        KafkaProducer<byte[], byte[]> hanging = transactional("hanging", 10_000);
        hanging.initTransactions();
        hanging.beginTransaction();
        hanging.send(new ProducerRecord<>(TOPIC, 0, null, bytes("never-committed"))).get();
        hanging.close(Duration.ZERO); // gone without ending its transaction

        admin.close();
        broker = broker.restart();
        admin = KafkaClients.admin(broker.bootstrap());
        try (KafkaProducer<byte[], byte[]> after = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            after.send(new ProducerRecord<>(TOPIC, 0, null, bytes("plain-after"))).get();
        }

        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            // committed-before 0, its marker 1, never-committed 2, plain-after 3: the open transaction holds the end at 2
            assertThat(consumer.endOffsets(List.of(PARTITIONS.get(0)))).containsEntry(PARTITIONS.get(0), 2L);
        }
        // the coordinator's timeout aborts it (10 s after it began); then read_committed goes on past it
        List<String> values = read("read_committed", List.of(PARTITIONS.get(0)), 2);
        assertThat(values).containsExactly("0:committed-before", "0:plain-after");
        assertThat(read("read_uncommitted", List.of(PARTITIONS.get(0)), 3))
                .containsExactly("0:committed-before", "0:never-committed", "0:plain-after");
    }
}
