package dev.sluice.client;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.ConsumerRecords;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactions end to end on a Sluice broker, with Sluice's client and kafka-clients on both sides:
 * aborted records never reach read_committed consumers, committed ones arrive in order, markers never
 * surface as records; and a consume-transform-produce loop restarted at random points (abruptly, in
 * the middle of transactions) holds each input exactly once in its output.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class ExactlyOnceTest {
    @TempDir
    static Path dir;
    static TestBroker broker;
    static SluiceAdmin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("transaction.state.log.num.partitions", "3",
                "offsets.topic.num.partitions", "3", "group.initial.rebalance.delay.ms", "0"));
        admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()));
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static SluiceProducer transactional(String id) {
        return new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).transactionalId(id)
                .transactionTimeoutMs(10_000).maxBlockMs(30_000).lingerMs(2).build());
    }

    private static SluiceConsumer sluiceReader(String isolation) {
        return new SluiceConsumer(ConsumerConfig.builder().bootstrapServers(broker.bootstrap())
                .isolationLevel(isolation).maxPollRecords(37).build());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Every record of the topic's partitions from the start, until {@code expected} arrived and 1 s more brought nothing. */
    private static List<String> readAll(SluiceConsumer consumer, String topic, int partitions, int expected) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        List<String> out = new ArrayList<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        long quietUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, quietUntil)) {
            for (ConsumerRecord r : consumer.poll(Duration.ofMillis(100))) {
                out.add(r.partition() + "/" + new String(r.value(), StandardCharsets.UTF_8));
            }
            if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
                quietUntil = System.nanoTime() + 1_000_000_000L;
            }
        }
        return out;
    }

    private static List<String> readAll(KafkaConsumer<byte[], byte[]> consumer, String topic, int partitions, int expected) {
        List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new org.apache.kafka.common.TopicPartition(topic, p));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        List<String> out = new ArrayList<>();
        long deadline = System.nanoTime() + 30_000_000_000L;
        long quietUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, quietUntil)) {
            consumer.poll(Duration.ofMillis(100)).forEach(r -> out.add(r.partition() + "/" + new String(r.value(), StandardCharsets.UTF_8)));
            if (out.size() >= expected && quietUntil == Long.MAX_VALUE) {
                quietUntil = System.nanoTime() + 1_000_000_000L;
            }
        }
        return out;
    }

    /** Per partition, the values of one kind ("c1-", ...) in the order they were read. */
    private static Map<String, List<Integer>> sequences(List<String> read) {
        Map<String, List<Integer>> out = new TreeMap<>();
        for (String r : read) {
            String partition = r.substring(0, r.indexOf('/'));
            String value = r.substring(r.indexOf('/') + 1);
            String kind = value.substring(0, value.lastIndexOf('-'));
            out.computeIfAbsent(partition + "/" + kind, k -> new ArrayList<>()).add(Integer.parseInt(value.substring(value.lastIndexOf('-') + 1)));
        }
        return out;
    }

    @Test
    void abortedRecordsNeverReachReadCommittedConsumersAndMarkersNeverSurface() throws Exception {
        String topic = "mixed";
        admin.createTopics(List.of(new NewTopic(topic, 2))).join();
        try (SluiceProducer sluice = transactional("mixed-sluice");
             SluiceProducer plain = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build());
             KafkaProducer<byte[], byte[]> kafka = KafkaClients.producer(broker.bootstrap(),
                     Map.of("transactional.id", "mixed-kafka", "linger.ms", 2))) {
            sluice.initTransactions();
            kafka.initTransactions();
            sluice.beginTransaction();
            for (int i = 0; i < 20; i++) {
                sluice.send(ProducerRecord.of(topic, bytes("k" + i), bytes("c1-" + i)));
            }
            sluice.commitTransaction();
            sluice.beginTransaction();
            kafka.beginTransaction();
            for (int i = 0; i < 20; i++) { // two transactions open at once, interleaved in the log
                sluice.send(ProducerRecord.of(topic, bytes("k" + i), bytes("a1-" + i)));
                kafka.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, bytes("k" + i), bytes("ka-" + i)));
                if (i % 4 == 0) {
                    plain.send(ProducerRecord.of(topic, bytes("k" + i), bytes("plain-" + i))).join();
                }
            }
            sluice.flush();
            kafka.flush();
            sluice.abortTransaction();
            kafka.commitTransaction();
            kafka.beginTransaction();
            sluice.beginTransaction();
            for (int i = 0; i < 20; i++) {
                sluice.send(ProducerRecord.of(topic, bytes("k" + i), bytes("c2-" + i)));
                kafka.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, bytes("k" + i), bytes("ka2-" + i)));
            }
            kafka.flush();
            kafka.abortTransaction();
            sluice.commitTransaction();
        }
        int committed = 20 + 20 + 5 + 20; // c1, ka, plain, c2
        int all = committed + 20 + 20;    // + a1, ka2
        List<String> sluiceCommitted;
        List<String> sluiceAll;
        try (SluiceConsumer rc = sluiceReader("read_committed"); SluiceConsumer ru = sluiceReader("read_uncommitted")) {
            sluiceCommitted = readAll(rc, topic, 2, committed);
            sluiceAll = readAll(ru, topic, 2, all);
        }
        List<String> kafkaCommitted;
        List<String> kafkaAll;
        try (KafkaConsumer<byte[], byte[]> rc = KafkaClients.consumer(broker.bootstrap(), Map.of("isolation.level", "read_committed"));
             KafkaConsumer<byte[], byte[]> ru = KafkaClients.consumer(broker.bootstrap(), Map.of("isolation.level", "read_uncommitted"))) {
            kafkaCommitted = readAll(rc, topic, 2, committed);
            kafkaAll = readAll(ru, topic, 2, all);
        }
        for (List<String> read : List.of(sluiceCommitted, kafkaCommitted)) {
            assertThat(read).hasSize(committed);
            assertThat(read).noneMatch(r -> r.contains("/a1-") || r.contains("/ka2-"));
        }
        for (List<String> read : List.of(sluiceAll, kafkaAll)) {
            assertThat(read).hasSize(all); // markers are never records: only the values sent come back
            assertThat(read).allMatch(r -> r.matches("\\d/(c1|a1|ka|ka2|plain|c2)-\\d+"));
        }
        // both isolation levels, both clients: each producer's records of a partition in the order sent
        Map<String, List<Integer>> order = sequences(sluiceCommitted);
        order.values().forEach(seq -> assertThat(seq).isSorted());
        assertThat(order.keySet()).allMatch(k -> k.endsWith("/c1") || k.endsWith("/c2") || k.endsWith("/ka") || k.endsWith("/plain"));
        assertThat(sequences(kafkaCommitted)).isEqualTo(order);
        assertThat(sequences(kafkaAll)).isEqualTo(sequences(sluiceAll));
        sequences(sluiceAll).values().forEach(seq -> assertThat(seq).isSorted());
    }

    @Test
    void consumeTransformProduceRestartedAtRandomPointsHoldsEachInputExactlyOnce() {
        String in = "ctp-in";
        String out = "ctp-out";
        String group = "ctp";
        int inputs = 400;
        admin.createTopics(List.of(new NewTopic(in, 3), new NewTopic(out, 2))).join();
        try (SluiceProducer plain = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
            for (int i = 0; i < inputs; i++) {
                plain.send(ProducerRecord.of(in, bytes("k" + i), bytes("v-" + i)));
            }
            plain.flush();
        }
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int committedInputs = 0;
        int restarts = 0;
        long deadline = System.nanoTime() + 150_000_000_000L;
        while (committedInputs < inputs) {
            assertThat(System.nanoTime()).as("progress (seed %d, %d of %d inputs committed)", seed, committedInputs, inputs)
                    .isLessThan(deadline);
            int crashAfterTransactions = random.nextInt(4);
            int crashKind = random.nextInt(3); // 0: mid-send, 1: after sendOffsetsToTransaction, 2: after commit
            SluiceConsumer consumer = new SluiceConsumer(ConsumerConfig.builder().bootstrapServers(broker.bootstrap())
                    .groupId(group).isolationLevel("read_committed").maxPollRecords(1 + random.nextInt(40))
                    .set("enable.auto.commit", "false").set("auto.offset.reset", "earliest").build());
            SluiceProducer producer = transactional("ctp-tx");
            boolean crashed = false;
            try {
                consumer.subscribe(List.of(in));
                producer.initTransactions(); // fences the previous instance and aborts what it left open
                int transactions = 0;
                while (committedInputs < inputs && System.nanoTime() < deadline) {
                    ConsumerRecords records = consumer.poll(Duration.ofMillis(100));
                    if (records.isEmpty()) {
                        continue;
                    }
                    boolean crashNow = transactions == crashAfterTransactions && restarts < 12;
                    producer.beginTransaction();
                    Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                    int sent = 0;
                    for (ConsumerRecord r : records) {
                        producer.send(ProducerRecord.of(out, r.key(), bytes("t-" + new String(r.value(), StandardCharsets.UTF_8))));
                        next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                        if (crashNow && crashKind == 0 && ++sent == records.count() / 2 + 1) {
                            break;
                        }
                    }
                    if (crashNow && crashKind == 0) {
                        crashed = true;
                        break;
                    }
                    producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
                    if (crashNow && crashKind == 1) {
                        crashed = true;
                        break;
                    }
                    producer.commitTransaction();
                    committedInputs += records.count();
                    transactions++;
                    if (crashNow) {
                        crashed = true;
                        break;
                    }
                }
            } finally {
                // a crash: the producer vanishes with its transaction open (no abort), the consumer leaves
                producer.close(crashed ? Duration.ZERO : Duration.ofSeconds(10));
                consumer.close();
            }
            restarts++;
        }
        List<String> outputs;
        try (SluiceConsumer reader = sluiceReader("read_committed")) {
            outputs = readAll(reader, out, 2, inputs);
        }
        List<String> kafkaOutputs;
        try (KafkaConsumer<byte[], byte[]> reader = KafkaClients.consumer(broker.bootstrap(), Map.of("isolation.level", "read_committed"))) {
            kafkaOutputs = readAll(reader, out, 2, inputs);
        }
        Map<String, Long> counts = outputs.stream().map(r -> r.substring(r.indexOf('/') + 1))
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        assertThat(counts).as("seed %d, %d restarts", seed, restarts).hasSize(inputs);
        assertThat(counts.values()).as("each input exactly once (seed %d)", seed).allMatch(c -> c == 1);
        for (int i = 0; i < inputs; i++) {
            assertThat(counts).containsKey("t-v-" + i);
        }
        assertThat(kafkaOutputs).containsExactlyInAnyOrderElementsOf(outputs);
        assertThat(restarts).isGreaterThan(1);
    }
}
