package dev.sluice.broker.it;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.LogStorage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A compacted topic written by kafka-clients transactional producers (two of them, committing and
 * aborting, interleaved with a plain idempotent producer) while the broker's cleaner runs: the
 * cleaner removes the aborted records from the log (a read_uncommitted consumer no longer sees
 * them) and, after {@code delete.retention.ms}, the markers of transactions with nothing left; a
 * read_committed consumer from the beginning then still gets exactly the latest committed value of
 * every key and never an aborted one; the transactional producers go on with new transactions (their
 * state survived the cleaning), and so does all of it across a restart. Both storage backends.
 */
class CompactedTransactionsTest {
    private static final String TOPIC = "txn-table";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int KEYS = 12;

    @TempDir
    Path dir;
    TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void readCommittedSeesTheLatestCommittedValuesAfterTheCleanerRemovedAbortedRecordsAndMarkersOnFile() throws Exception {
        cleanTransactions("file");
    }

    @Test
    void readCommittedSeesTheLatestCommittedValuesAfterTheCleanerRemovedAbortedRecordsAndMarkersOnLmdb() throws Exception {
        cleanTransactions("lmdb");
    }

    private void cleanTransactions(String storage) throws Exception {
        broker = TestBroker.start(dir, Map.of("log.cleaner.backoff.ms", "50", "log.storage", storage,
                "transaction.state.log.num.partitions", "1", "log.retention.check.interval.ms", "100"));
        Map<String, String> expected = new TreeMap<>();
        int transactions = 0;
        try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "segment.bytes", "2048", "min.cleanable.dirty.ratio", "0.01", "delete.retention.ms", "300")))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> a = transactional("writer-a");
             KafkaProducer<byte[], byte[]> b = transactional("writer-b");
             KafkaProducer<byte[], byte[]> plain = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            a.initTransactions();
            b.initTransactions();
            for (int round = 0; round < 12; round++) {
                transaction(a, "a", round, round % 3 != 1, expected);
                transaction(b, "b", round, round % 4 != 2, expected);
                transactions += 2;
                String key = "key-" + (round % KEYS);
                plain.send(new ProducerRecord<>(TOPIC, 0, bytes(key), bytes("plain-" + round))).get();
                expected.put(key, "plain-" + round);
            }
            LogStorage log = broker.broker().partitions().partition(TOPIC, 0)
                    .orElseThrow().log();
            // (the aborted records were in the log: each abort came after a flush; LMDB's cleaner may have removed them already)

            // the cleaner works while plain writes keep the log dirty, until the aborted records and most markers are gone
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            int filler = 0;
            while (System.nanoTime() < deadline
                    && (values(log).stream().anyMatch(v -> v.startsWith("aborted")) || markers(log) > transactions / 2)) {
                plain.send(new ProducerRecord<>(TOPIC, 0, bytes("filler-" + (filler % 50)), bytes("f" + filler))).get();
                expected.put("filler-" + (filler % 50), "f" + filler);
                filler++;
                Thread.sleep(20);
            }
            assertThat(values(log)).as("values left in the log").noneMatch(v -> v.startsWith("aborted"));
            assertThat(markers(log)).as("markers left of %d transactions", transactions).isLessThanOrEqualTo(transactions / 2);
            assertThat(readCommitted()).isEqualTo(expected);

            // the producers' state survived the cleaning: their next transactions go through
            transaction(a, "a", 100, true, expected);
            transaction(b, "b", 100, false, expected);
            assertThat(readCommitted()).isEqualTo(expected);
        }
        broker = broker.restart();
        assertThat(readCommitted()).isEqualTo(expected);
        try (KafkaProducer<byte[], byte[]> a = transactional("writer-a")) {
            a.initTransactions();
            transaction(a, "a", 200, true, expected);
        }
        assertThat(readCommitted()).isEqualTo(expected);
    }

    private KafkaProducer<byte[], byte[]> transactional(String id) {
        return KafkaClients.producer(broker.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id,
                ProducerConfig.BATCH_SIZE_CONFIG, 256));
    }

    /** One transaction over a few keys; a committed one updates {@code expected}. */
    private static void transaction(KafkaProducer<byte[], byte[]> producer, String name, int round, boolean commit,
                                    Map<String, String> expected) {
        producer.beginTransaction();
        Map<String, String> written = new TreeMap<>();
        for (int i = 0; i < 4; i++) {
            String key = "key-" + ((round * 5 + i * 3) % KEYS);
            String value = (commit ? "committed-" : "aborted-") + name + "-" + round + "-" + i;
            producer.send(new ProducerRecord<>(TOPIC, 0, bytes(key), bytes(value)));
            written.put(key, value);
        }
        producer.flush(); // in the log before the end: an abort drops batches not yet sent
        if (commit) {
            producer.commitTransaction();
            expected.putAll(written);
        } else {
            producer.abortTransaction();
        }
    }

    /**
     * The latest value per key a read_committed consumer from the beginning ends with; never an aborted one on the way.
     * It reads up to the log's end (the high watermark), not to the last stable offset it is told at the start: as in
     * Kafka, commitTransaction returns once the coordinator logged the commit, and the markers land a moment later.
     */
    private Map<String, String> readCommitted() {
        long end;
        try (KafkaConsumer<byte[], byte[]> uncommitted = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            end = uncommitted.endOffsets(List.of(TP)).get(TP);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 512))) {
            consumer.assign(List.of(TP));
            consumer.seekToBeginning(List.of(TP));
            Map<String, String> latest = new TreeMap<>();
            long previous = -1;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (consumer.position(TP) < end && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    String value = new String(r.value(), StandardCharsets.UTF_8);
                    assertThat(value).as("read_committed record at %d", r.offset()).doesNotStartWith("aborted");
                    assertThat(r.offset()).isGreaterThan(previous);
                    previous = r.offset();
                    latest.put(new String(r.key(), StandardCharsets.UTF_8), value);
                }
            }
            assertThat(consumer.position(TP)).as("read_committed reached the end").isGreaterThanOrEqualTo(end);
            return latest;
        }
    }

    /** Every record value the log holds (as read_uncommitted would), straight from the storage. */
    private static List<String> values(LogStorage log) throws IOException {
        List<String> out = new ArrayList<>();
        for (RecordBatch batch : batches(log)) {
            if (!batch.isControl()) {
                for (var record : dev.sluice.api.record.RecordBatches.records(batch,
                        dev.sluice.api.compression.CompressionCodecs.installed())) {
                    out.add(StandardCharsets.UTF_8.decode(record.value().duplicate()).toString());
                }
            }
        }
        return out;
    }

    private static int markers(LogStorage log) throws IOException {
        return (int) batches(log).stream().filter(RecordBatch::isControl).count();
    }

    private static List<RecordBatch> batches(LogStorage log) throws IOException {
        List<RecordBatch> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            ByteBuffer bytes = log.read(next, log.logEndOffset(), 1 << 20, true).toBuffer();
            if (!bytes.hasRemaining()) {
                break;
            }
            for (int at = 0; at < bytes.limit(); ) {
                RecordBatch batch = new RecordBatch(bytes, at);
                out.add(batch);
                at += batch.sizeInBytes();
                next = batch.nextOffset();
            }
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
