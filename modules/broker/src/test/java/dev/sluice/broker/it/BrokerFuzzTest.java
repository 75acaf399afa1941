package dev.sluice.broker.it;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.broker.it.FuzzWire.Outcome;
import dev.sluice.broker.network.NetworkMetrics;
import dev.sluice.broker.partition.Partition;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throws a few thousand random and mutated request frames at the broker, one connection each:
 * valid requests of several APIs (Produce with real batches, Fetch, Metadata, CreateTopics,
 * ApiVersions) with flipped bytes, truncations, wrong and huge declared sizes, unknown API keys
 * and versions, and corrupted batches; plus pure noise. Deterministic (fixed seed), bounded in
 * count and time. Afterwards the broker must still serve kafka-clients, none of its threads may
 * have died, heap use must be bounded, every connection must be accounted for, and after a
 * restart every partition's log must hold only intact batches with dense offsets. The frames come from
 * {@link RequestFrameFuzzer}; the TLS and SASL listeners have their own fuzz ({@link TlsHandshakeFuzzTest},
 * {@link SaslLoginFuzzTest}).
 */
class BrokerFuzzTest {
    private static final int FRAMES = 3000;
    private static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final String TOPIC = "fuzz";

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
    void brokerSurvivesThousandsOfMalformedFrames() throws Exception {
        broker = TestBroker.start(dir, Map.of("socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES),
                "num.io.threads", "2", "num.network.threads", "2"));
        try (WireClient client = new WireClient(broker.bootstrap())) {
            Struct created = client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 2));
            assertThat(WireClient.error(created.getArray("Topics").get(0))).isEqualTo(Errors.NONE);
        }
        int port = FuzzWire.port(broker.bootstrap());
        RequestFrameFuzzer frames = new RequestFrameFuzzer(TOPIC, MAX_REQUEST_BYTES);
        // the seeds are valid: each is answered
        for (RequestFrameFuzzer.Seed seed : frames.seeds()) {
            if (seed.answered()) {
                assertThat(FuzzWire.exchange(port, seed.frame(), 10_000).responded()).as("seed %s answered", seed.name()).isTrue();
            }
        }
        List<Thread> brokerThreads = FuzzWire.brokerThreads();
        long heapBefore = FuzzWire.usedHeapAfterGc();

        AtomicInteger responded = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        FuzzWire.inParallel(FRAMES, i -> {
            Outcome outcome = FuzzWire.exchange(port, frames.fuzzFrame(new Random(FuzzWire.SEED + i)), 50);
            if (outcome.responded()) {
                responded.incrementAndGet();
            }
            if (outcome.timedOut()) {
                timedOut.incrementAndGet();
            }
        });

        NetworkMetrics metrics = broker.broker().server().metrics();
        assertThat(responded.get()).as("some fuzzed requests were still valid").isPositive();
        assertThat(metrics.invalidFrames()).as("oversized frames were refused by size").isPositive();
        assertThat(metrics.connectionsAccepted()).isGreaterThanOrEqualTo(FRAMES);
        // every connection the client gave up on may still wait on a delayed fetch; all others are closed
        assertThat(metrics.connectionsClosed()).isGreaterThanOrEqualTo(metrics.connectionsAccepted() - timedOut.get() - 1);
        FuzzWire.assertAlive(brokerThreads);
        assertThat(FuzzWire.usedHeapAfterGc() - heapBefore).as("heap growth after gc").isLessThan(128L * 1024 * 1024);

        // still serves a normal client
        roundTrip("after-fuzz");

        // a clean shutdown closes everything, even connections parked on long fetches; then reopen the data
        broker = broker.restart();
        assertThat(metrics.activeConnections()).isZero();
        assertThat(metrics.connectionsClosed()).isEqualTo(metrics.connectionsAccepted());

        // every log holds only intact batches with dense offsets
        int partitions = 0;
        for (Partition partition : broker.broker().partitions().all()) {
            assertIntact(partition.log());
            partitions++;
        }
        assertThat(partitions).isGreaterThanOrEqualTo(3);
        long fuzzRecords = 0;
        for (int p = 0; p < 2; p++) {
            fuzzRecords += broker.broker().partitions().partition(new dev.sluice.api.storage.TopicPartition(TOPIC, p))
                    .orElseThrow().logEndOffset();
        }
        assertThat(fuzzRecords).as("valid produce seeds were appended").isPositive();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)));
            List<ConsumerRecord<byte[], byte[]>> all = KafkaClients.pollUntil(consumer, (int) fuzzRecords);
            assertThat(all).hasSize((int) fuzzRecords);
            assertThat(all).allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).startsWith("fuzz-value-"));
        }
        roundTrip("after-restart");
    }

    // ---- checks

    private void roundTrip(String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("rt-" + i).getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS);
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, 50);
            assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "rt-" + i).toList());
        }
    }

    /** Reads the whole log through the storage SPI: every batch valid and decodable, offsets dense. */
    private static void assertIntact(LogStorage log) throws IOException {
        CompressionCodecs codecs = CompressionCodecs.installed();
        long next = log.logStartOffset();
        long end = log.logEndOffset();
        RecordBatch batch = new RecordBatch();
        while (next < end) {
            ByteBuffer chunk = log.read(next, end, 256 * 1024, true).toBuffer();
            assertThat(chunk.hasRemaining()).as("%s: data at offset %d", log.topicPartition(), next).isTrue();
            int whole = RecordBatches.completeBatchesSize(chunk);
            for (int position = chunk.position(); position < chunk.position() + whole; position += batch.sizeInBytes()) {
                batch.wrap(chunk, position);
                batch.validate(chunk.limit() - position);
                assertThat(batch.baseOffset()).as("%s: dense offsets", log.topicPartition()).isEqualTo(next);
                List<Record> records = RecordBatches.records(batch, codecs);
                assertThat(records).hasSize(batch.recordCount());
                next = batch.nextOffset();
            }
        }
        assertThat(next).isEqualTo(end);
    }
}
