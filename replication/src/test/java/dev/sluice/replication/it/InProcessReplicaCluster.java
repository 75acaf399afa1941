package dev.sluice.replication.it;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.testing.InProcessCluster;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

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

import static dev.sluice.broker.testing.Await.await;
import static dev.sluice.broker.testing.Await.orNull;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Brokers of an {@link InProcessCluster} with the replication tests' settings (each on a log storage
 * of its own choosing), and what the tests read from them: each replica's batches (base offset, leader epoch, a digest of the bytes) and epoch history.
 * Closing stops every broker and checks that no replica fetcher thread outlived them.
 *
 * <p>Threads: the test's.
 */
final class InProcessReplicaCluster implements AutoCloseable {
    /** What every broker of the replication tests runs with: quick follower fetches, two fetcher threads. */
    private static final Map<String, String> REPLICATION = Map.of("replica.fetch.wait.max.ms", "100",
            "replica.fetch.backoff.ms", "200", "num.replica.fetchers", "2");
    private final InProcessCluster cluster;

    InProcessReplicaCluster(Path dir) {
        this.cluster = new InProcessCluster(dir, REPLICATION);
    }

    @Override
    public void close() {
        cluster.close();
        assertThat(fetcherThreads()).as("replica fetcher threads left running").isEmpty();
    }

    /** Starts broker {@code id} on the given log storage ({@code file}, {@code lmdb}) with {@code extra} settings. */
    Broker start(int id, String storage, Map<String, String> extra) throws IOException {
        Map<String, String> settings = new HashMap<>(extra);
        settings.putIfAbsent("log.storage", storage);
        return cluster.start(id, settings);
    }

    /** A SCRAM credential in the cluster's store, before the brokers that log in with it start. */
    void addScramUser(String user, String mechanism, String password) {
        cluster.addScramUser(user, mechanism, password);
    }

    /** Stops broker {@code id} cleanly (its session ends: the controller sees it fail). */
    void stop(int id) {
        cluster.stop(id);
    }

    Broker broker(int id) {
        return cluster.broker(id);
    }

    /** The running brokers, in the order they started. */
    List<Broker> brokers() {
        return cluster.brokers();
    }

    /** The ids of the running brokers, in the order they started. */
    List<Integer> ids() {
        return cluster.ids();
    }

    String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * Creates {@code topic} with {@code partitions} partitions replicated on every running broker, once all
     * of them are in the metadata, and waits until each partition has a leader and a replica on every broker.
     */
    List<TopicPartition> createTopic(String topic, int partitions) throws Exception {
        int replicas = cluster.brokers().size();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            await(replicas + " brokers in the metadata", () -> orNull(() -> admin.describeCluster().nodes().get().size()),
                    n -> n != null && n == replicas);
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) replicas))).all().get();
        }
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        await("every replica of " + topic + " hosted, one leader each", () -> tps.stream().allMatch(tp -> leaderOf(tp) != null
                && cluster.brokers().stream().allMatch(b -> replica(b, tp).isPresent())));
        return tps;
    }

    static Set<String> fetcherThreads() {
        Set<String> fetchers = new HashSet<>();
        Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith("sluice-replica-fetcher")).forEach(fetchers::add);
        return fetchers;
    }


    static Optional<Partition> replica(Broker broker, TopicPartition tp) {
        return broker.partitions().partition(tp);
    }


    Broker leaderOf(TopicPartition tp) {
        return cluster.brokers().stream().filter(b -> replica(b, tp).map(p -> p.role() instanceof PartitionRole.Leader)
                .orElse(false)).findFirst().orElse(null);
    }


    /** Every batch of a replica: base offset, leader epoch and a digest of its bytes. */
    static List<String> batches(Partition partition) {
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
    static ByteBuffer lastBatch(Partition partition) throws IOException {
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
    boolean identical(TopicPartition tp) {
        List<List<String>> logs = new ArrayList<>();
        List<List<EpochEntry>> epochs = new ArrayList<>();
        for (Broker b : cluster.brokers()) {
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
    static List<EpochEntry> withBatches(Partition p) {
        List<EpochEntry> history = new ArrayList<>(p.log().epochs());
        while (!history.isEmpty() && history.get(history.size() - 1).startOffset() >= p.logEndOffset()) {
            history.remove(history.size() - 1);
        }
        return history;
    }


    static KafkaProducer<byte[], byte[]> producer(String bootstrap, String acks) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, acks, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all"),
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 100),
                new ByteArraySerializer(), new ByteArraySerializer());
    }


    static List<String> consumeAll(String bootstrap, String topic, int partitions, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<org.apache.kafka.common.TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new org.apache.kafka.common.TopicPartition(topic, p));
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
}
