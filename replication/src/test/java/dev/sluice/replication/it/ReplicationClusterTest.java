package dev.sluice.replication.it;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.partition.AppendOutcome;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three brokers on one in-process cluster state (the ZooKeeper code path without ZooKeeper), all on
 * the file engine, all on LMDB, or mixed within each partition (the replicated unit is the batch): an rf=3 topic written by an idempotent kafka-clients producer
 * with acks=all ends up identical on all three replicas, batch for batch (offsets, leader epochs,
 * bytes) with the same epoch history; when a partition's leader stops, the new leader has every
 * acknowledged record, the producer goes on there with its sequence numbers (its state was
 * replicated) and a retry of a replicated batch is answered as a duplicate; the stopped broker
 * returns as a follower and catches up. No replica fetcher thread outlives its broker.
 */
class ReplicationClusterTest {
    private static final String TOPIC = "replicated";
    @TempDir
    Path dir;
    private final InProcessClusterState cluster = new InProcessClusterState();
    private final Map<Integer, Broker> brokers = new HashMap<>();

    @AfterEach
    void stop() {
        brokers.values().forEach(Broker::close);
        brokers.clear();
        assertThat(fetcherThreads()).as("replica fetcher threads left running").isEmpty();
    }

    private static Set<String> fetcherThreads() {
        Set<String> fetchers = new HashSet<>();
        Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith("sluice-replica-fetcher")).forEach(fetchers::add);
        return fetchers;
    }

    private Broker start(int id, String storage) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0");
        settings.put("log.dirs", dir.resolve("b" + id).toString());
        settings.put("log.storage", storage);
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        settings.put("broker.id", Integer.toString(id));
        settings.put("zookeeper.connect", "in-process");
        settings.put("replica.fetch.wait.max.ms", "100");
        settings.put("replica.fetch.backoff.ms", "200");
        settings.put("num.replica.fetchers", "2");
        Broker broker = Broker.start(BrokerConfig.of(settings), Time.SYSTEM, Scheduler::newThread, s -> cluster.connect());
        brokers.put(id, broker);
        return broker;
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static Optional<Partition> replica(Broker broker, TopicPartition tp) {
        return broker.partitions().partition(tp);
    }

    private Broker leaderOf(TopicPartition tp) {
        return brokers.values().stream().filter(b -> replica(b, tp).map(p -> p.role() instanceof PartitionRole.Leader)
                .orElse(false)).findFirst().orElse(null);
    }

    /** Every batch of a replica: base offset, leader epoch and a digest of its bytes. */
    private static List<String> batches(Partition partition) {
        List<String> out = new ArrayList<>();
        RecordBatch batch = new RecordBatch();
        long next = partition.logStartOffset();
        long end = partition.logEndOffset();
        while (next < end) {
            ByteBuffer all;
            try {
                all = partition.log().read(next, end, 1 << 20, true).toBuffer();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            if (!all.hasRemaining()) {
                break;
            }
            for (int at = all.position(); at < all.limit(); at += batch.sizeInBytes()) {
                batch.wrap(all, at);
                byte[] bytes = new byte[batch.sizeInBytes()];
                all.duplicate().position(at).get(bytes);
                out.add(batch.baseOffset() + "@" + batch.partitionLeaderEpoch() + "#" + java.util.Arrays.hashCode(bytes)
                        + "/" + bytes.length);
                next = batch.lastOffset() + 1;
            }
        }
        return out;
    }

    /** A copy of the last batch of a replica's log. */
    private static ByteBuffer lastBatch(Partition partition) throws IOException {
        RecordBatch batch = new RecordBatch();
        long next = partition.logStartOffset();
        ByteBuffer last = null;
        while (next < partition.logEndOffset()) {
            ByteBuffer all = partition.log().read(next, partition.logEndOffset(), 1 << 20, true).toBuffer();
            for (int at = all.position(); at < all.limit(); at += batch.sizeInBytes()) {
                batch.wrap(all, at);
                last = ByteBuffer.allocate(batch.sizeInBytes());
                last.put(all.duplicate().position(at).limit(at + batch.sizeInBytes())).flip();
                next = batch.lastOffset() + 1;
            }
        }
        return last;
    }

    /** True once every live broker's replica of {@code tp} holds the same batches and epoch history. */
    private boolean identical(TopicPartition tp) {
        List<List<String>> logs = new ArrayList<>();
        List<List<EpochEntry>> epochs = new ArrayList<>();
        for (Broker b : brokers.values()) {
            Optional<Partition> p = replica(b, tp);
            if (p.isEmpty()) {
                return false;
            }
            logs.add(batches(p.get()));
            epochs.add(withBatches(p.get()));
        }
        return logs.stream().distinct().count() == 1 && epochs.stream().distinct().count() == 1;
    }

    /** The epoch history up to the last epoch that wrote a batch (a leader's newest epoch may have none yet). */
    private static List<EpochEntry> withBatches(Partition p) {
        List<EpochEntry> history = new ArrayList<>(p.log().epochs());
        while (!history.isEmpty() && history.get(history.size() - 1).startOffset() >= p.logEndOffset()) {
            history.remove(history.size() - 1);
        }
        return history;
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static List<String> consumeAll(String bootstrap, int partitions, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new org.apache.kafka.common.TopicPartition(TOPIC, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
            }
            return values;
        }
    }

    @ParameterizedTest(name = "brokers on {0}, {1}, {2}")
    @CsvSource({"file, lmdb, file", "file, file, file", "lmdb, lmdb, lmdb"})
    void replicasAreIdenticalAndANewLeaderHasEveryAcknowledgedRecord(String one, String two, String three) throws Exception {
        Map<Integer, String> storage = Map.of(1, one, 2, two, 3, three);
        storage.forEach((id, engine) -> {
            try {
                start(id, engine);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        List<TopicPartition> tps = List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.get(1).bootstrapServers()))) {
            await("three brokers in the metadata", () -> {
                try {
                    return admin.describeCluster().nodes().get().size() == 3;
                } catch (Exception e) {
                    return false;
                }
            });
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 3))).all().get();
        }
        await("every replica hosted, one leader each", () -> tps.stream().allMatch(tp -> leaderOf(tp) != null
                && brokers.values().stream().allMatch(b -> replica(b, tp).isPresent())));

        List<String> acknowledged = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(brokers.get(1).bootstrapServers())) {
            List<Future<?>> sends = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String value = "v" + i;
                values.add(value);
                sends.add(producer.send(new ProducerRecord<>(TOPIC, i % 2, null, value.getBytes(StandardCharsets.UTF_8))));
            }
            for (int i = 0; i < sends.size(); i++) {
                sends.get(i).get(); // acks=all: acknowledged only once the whole ISR has it
                acknowledged.add(values.get(i));
            }

            for (TopicPartition tp : tps) {
                await("identical replicas of " + tp, () -> identical(tp));
            }
            // each follower fetches each partition on the fetcher Kafka's rule picks among num.replica.fetchers=2
            Set<String> running = fetcherThreads();
            for (TopicPartition tp : tps) {
                int leader = leaderOf(tp).config().nodeId();
                int index = ((31 * tp.topic().hashCode() + tp.partition()) & 0x7fffffff) % 2;
                for (int follower : brokers.keySet()) {
                    if (follower != leader) {
                        assertThat(running).contains("sluice-replica-fetcher-" + follower + "-from-" + leader + "-" + index);
                    }
                }
            }

            // each replica is on its broker's engine
            storage.forEach((id, engine) -> assertThat(replica(brokers.get(id), tps.get(0)).orElseThrow().log()
                    .getClass().getName().toLowerCase(java.util.Locale.ROOT)).contains(engine.equals("lmdb") ? "lmdb" : "file"));

            // the leader of partition 0 stops
            TopicPartition tp0 = tps.get(0);
            Broker old = leaderOf(tp0);
            int oldId = old.config().nodeId();
            List<String> before = batches(replica(old, tp0).orElseThrow());
            old.close();
            brokers.remove(oldId);
            await("a new leader of " + tp0, () -> leaderOf(tp0) != null);
            Broker next = leaderOf(tp0);
            assertThat(batches(replica(next, tp0).orElseThrow())).as("the new leader's log").isEqualTo(before);

            // the same producer goes on at the new leader: its sequence numbers were replicated
            for (int i = 300; i < 340; i++) {
                String value = "v" + i;
                producer.send(new ProducerRecord<>(TOPIC, i % 2, null, value.getBytes(StandardCharsets.UTF_8))).get();
                acknowledged.add(value);
            }

            // a retry of the producer's last batch, sent to the new leader, is answered as a duplicate
            Partition newLeader = replica(next, tp0).orElseThrow();
            ByteBuffer last = lastBatch(newLeader);
            long lastBase = last.getLong(0);
            long endBefore = newLeader.logEndOffset();
            AppendOutcome outcome = newLeader.appendAsLeader(last);
            assertThat(outcome).isInstanceOf(AppendOutcome.Appended.class);
            assertThat(((AppendOutcome.Appended) outcome).duplicate()).isTrue();
            assertThat(((AppendOutcome.Appended) outcome).firstOffset()).isEqualTo(lastBase);
            assertThat(newLeader.logEndOffset()).isEqualTo(endBefore);

            // the stopped broker returns as a follower and catches up
            start(oldId, storage.get(oldId));
            for (TopicPartition tp : tps) {
                await("identical replicas of " + tp + " after the restart", () -> identical(tp));
            }
        }

        List<String> consumed = consumeAll(brokers.values().iterator().next().bootstrapServers(), 2, acknowledged.size());
        assertThat(consumed).as("every acknowledged record exactly once").containsExactlyInAnyOrderElementsOf(acknowledged);
    }
}
