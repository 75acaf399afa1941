package dev.sluice.broker.it;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static dev.sluice.broker.it.WireClient.error;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a broker in a child JVM while a producer with acks=all is sending: after a restart
 * on the same data every acknowledged record is there at its acknowledged offset, and an
 * idempotent producer's retry of its last acknowledged batch is still deduplicated (its state is
 * rebuilt from the log: no clean-shutdown snapshot was written).
 */
class KillNineTest {
    private static final String TOPIC = "crash";
    private static final String WIRE_TOPIC = "crash-wire";
    private static final int PARTITIONS = 3;
    private static final int ACKS_BEFORE_KILL = 3000;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRecordSurvivesKillDashNine() throws Exception {
        String[] settings = {"listeners=PLAINTEXT://127.0.0.1:0", "log.dirs=" + dir.resolve("data"),
                "num.io.threads=2", "num.network.threads=1", "auto.create.topics.enable=false"};
        // partition → offset → value, of every record the broker acknowledged
        Map<Integer, Map<Long, String>> acked = new ConcurrentHashMap<>();
        long wireProducerId;
        short wireEpoch;
        int lastWireSequence;
        long lastWireOffset;

        Process child = ChildBroker.start(dir.resolve("child-1.err"), settings);
        try {
            String bootstrap = ChildBroker.awaitBootstrap(child);
            try (Admin admin = KafkaClients.admin(bootstrap)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1), new NewTopic(WIRE_TOPIC, 1, (short) 1)))
                        .all().get(20, TimeUnit.SECONDS);
            }
            // a raw idempotent producer: a few batches, the last one to be retried after the crash
            try (WireClient wire = new WireClient(bootstrap)) {
                Struct init = wire.call(ApiKey.INIT_PRODUCER_ID, WireClient.INIT_PRODUCER_ID_V, WireClient.initProducerId(-1, (short) -1));
                wireProducerId = init.getLong("ProducerId");
                wireEpoch = init.getShort("ProducerEpoch");
                long offset = -1;
                int sequence = 0;
                for (int i = 0; i < 4; i++) {
                    Struct partition = WireClient.producePartition(wire.call(ApiKey.PRODUCE, WireClient.PRODUCE_V,
                            WireClient.produce(WIRE_TOPIC, 0, (short) -1, WireClient.idempotentBatch(wireProducerId, wireEpoch, sequence, 10))));
                    assertThat(error(partition)).isEqualTo(Errors.NONE);
                    offset = partition.getLong("BaseOffset");
                    sequence += 10;
                }
                lastWireSequence = sequence - 10;
                lastWireOffset = offset;
            }
            // kafka-clients with acks=all keeps sending while the broker is killed
            CountDownLatch enoughAcks = new CountDownLatch(ACKS_BEFORE_KILL);
            AtomicBoolean stop = new AtomicBoolean();
            KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of(ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 1,
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000, ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000));
            Thread sender = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String value = "value-" + i;
                    try {
                        producer.send(new ProducerRecord<>(TOPIC, utf8("key-" + i), utf8(value)), (md, e) -> {
                            if (e == null) {
                                acked.computeIfAbsent(md.partition(), p -> new ConcurrentHashMap<>()).put(md.offset(), value);
                                enoughAcks.countDown();
                            }
                        });
                    } catch (RuntimeException e) {
                        return; // the producer is closing or its buffer timed out after the kill
                    }
                }
            }, "kill-nine-sender");
            sender.start();
            try {
                assertThat(enoughAcks.await(60, TimeUnit.SECONDS)).as("acknowledgements before the kill").isTrue();
                child.destroyForcibly(); // SIGKILL while records are in flight
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                stop.set(true);
                sender.join(10_000);
                producer.close(Duration.ZERO);
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        int ackCount = acked.values().stream().mapToInt(Map::size).sum();
        assertThat(ackCount).isGreaterThanOrEqualTo(ACKS_BEFORE_KILL);

        Process restarted = ChildBroker.start(dir.resolve("child-2.err"), settings);
        try {
            String bootstrap = ChildBroker.awaitBootstrap(restarted);
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
            Map<TopicPartition, Long> ends;
            try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of())) {
                consumer.assign(partitions);
                ends = consumer.endOffsets(partitions);
                long total = ends.values().stream().mapToLong(Long::longValue).sum();
                assertThat(total).isGreaterThanOrEqualTo(ackCount);
                List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, (int) total);
                assertThat(records).hasSize((int) total);
                Map<Integer, Map<Long, String>> found = new ConcurrentHashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    found.computeIfAbsent(r.partition(), p -> new ConcurrentHashMap<>()).put(r.offset(), new String(r.value(), StandardCharsets.UTF_8));
                }
                for (TopicPartition tp : partitions) {
                    Map<Long, String> inLog = found.getOrDefault(tp.partition(), Map.of());
                    assertThat(inLog.keySet()).as("dense offsets in %s", tp)
                            .containsExactlyInAnyOrderElementsOf(IntStream.range(0, ends.get(tp).intValue()).mapToObj(i -> (long) i).toList());
                    assertThat(inLog).as("acknowledged records of %s", tp).containsAllEntriesOf(acked.getOrDefault(tp.partition(), Map.of()));
                }
                // no record is in the log twice (idempotent retries around the kill)
                assertThat(records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).distinct()).hasSize(records.size());
            }
            try (WireClient wire = new WireClient(bootstrap)) {
                Struct retry = WireClient.producePartition(wire.call(ApiKey.PRODUCE, WireClient.PRODUCE_V, WireClient.produce(WIRE_TOPIC,
                        0, (short) -1, WireClient.idempotentBatch(wireProducerId, wireEpoch, lastWireSequence, 10))));
                assertThat(error(retry)).isEqualTo(Errors.NONE);
                assertThat(retry.getLong("BaseOffset")).as("retry after the crash is answered with its offset").isEqualTo(lastWireOffset);
                Struct next = WireClient.producePartition(wire.call(ApiKey.PRODUCE, WireClient.PRODUCE_V, WireClient.produce(WIRE_TOPIC,
                        0, (short) -1, WireClient.idempotentBatch(wireProducerId, wireEpoch, lastWireSequence + 10, 1))));
                assertThat(error(next)).isEqualTo(Errors.NONE);
                assertThat(next.getLong("BaseOffset")).as("not appended twice").isEqualTo(lastWireOffset + 10);
            }
            // and the broker serves new writes
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of())) {
                long offset = producer.send(new ProducerRecord<>(TOPIC, 0, null, utf8("after"))).get(20, TimeUnit.SECONDS).offset();
                assertThat(offset).isEqualTo(ends.get(partitions.get(0)));
            }
        } finally {
            restarted.getOutputStream().close(); // asks for a clean shutdown
            if (!restarted.waitFor(30, TimeUnit.SECONDS)) {
                restarted.destroyForcibly();
            }
            assertThat(restarted.exitValue()).as("clean exit; stderr: %s", Files.readString(dir.resolve("child-2.err"))).isZero();
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
