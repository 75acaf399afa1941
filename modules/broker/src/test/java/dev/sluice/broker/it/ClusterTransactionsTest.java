package dev.sluice.broker.it;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.txn.TransactionCoordinator;
import dev.sluice.broker.txn.TxnMetadata;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactions on a three-broker cluster (one in-process metadata store): the first FindCoordinator
 * for a transactional id creates {@code __transaction_state} in the store, the coordinator is the
 * leader of the id's partition, markers reach the leaders on the other brokers over the
 * inter-broker connections, and a coordinator restarted mid-transaction (rf=1: the partition is
 * offline meanwhile) reloads the transaction when it leads again, so the producer's commit completes.
 */
class ClusterTransactionsTest {
    private static final String TOPIC = "ledger";
    private static final String ID = "cluster-app";

    @TempDir
    Path dir;
    private final InProcessClusterState cluster = new InProcessClusterState();
    private final Map<Integer, Broker> brokers = new TreeMap<>();
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        brokers.values().forEach(Broker::close);
    }

    private void start(int id) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0");
        settings.put("log.dirs", dir.resolve("b" + id).toString());
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        settings.put("broker.id", Integer.toString(id));
        settings.put("zookeeper.connect", "in-process");
        settings.put("offsets.topic.num.partitions", "3");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("transaction.state.log.num.partitions", "3");
        settings.put("transaction.state.log.replication.factor", "1");
        brokers.put(id, Broker.start(BrokerConfig.of(settings), Time.SYSTEM, Scheduler::newThread, s -> cluster.connect()));
    }

    private String bootstrap() {
        return brokers.values().stream().map(Broker::bootstrapServers).collect(Collectors.joining(","));
    }

    private <T extends AutoCloseable> T client(T client) {
        clients.add(client);
        return client;
    }

    private static void await(String what, java.util.function.BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(done.getAsBoolean()).as(what).isTrue();
    }

    /** The broker holding {@link #ID}'s transaction, if any has loaded it. */
    private int coordinatorBroker() {
        for (Map.Entry<Integer, Broker> b : brokers.entrySet()) {
            TransactionCoordinator coordinator = b.getValue().transactionCoordinator();
            if (coordinator.state(ID) != null) {
                return b.getKey();
            }
        }
        return -1;
    }

    private static ProducerRecord<byte[], byte[]> record(int partition, String value) {
        return new ProducerRecord<>(TOPIC, partition, null, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTransactionSpanningBrokersCommitsThroughACoordinatorRestartedMidway() throws Exception {
        start(1);
        start(2);
        start(3);
        Admin admin = client(KafkaClients.admin(bootstrap()));
        admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get();
        await(TOPIC + " led everywhere", () -> {
            try {
                TopicDescription d = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
                return d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            } catch (Exception e) {
                return false;
            }
        });
        KafkaProducer<byte[], byte[]> producer = client(KafkaClients.producer(bootstrap(), Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, ID, ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 60_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000)));
        producer.initTransactions(); // creates __transaction_state, waits for its leaders
        producer.beginTransaction();
        for (int p = 0; p < 3; p++) {
            producer.send(record(p, "first-" + p)).get();
        }
        producer.commitTransaction();

        producer.beginTransaction();
        for (int p = 0; p < 3; p++) {
            producer.send(record(p, "second-" + p)).get();
        }
        int coordinator = coordinatorBroker();
        assertThat(coordinator).isPositive();
        TxnMetadata before = brokers.get(coordinator).transactionCoordinator().state(ID);
        assertThat(before.partitions()).hasSize(3);

        brokers.remove(coordinator).close();
        start(coordinator);
        await("the transaction reloaded by the restarted coordinator",
                () -> before.equals(brokers.get(coordinator).transactionCoordinator().state(ID)));
        producer.commitTransaction();

        KafkaConsumer<byte[], byte[]> consumer = client(KafkaClients.consumer(bootstrap(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")));
        consumer.assign(List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2)));
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (seen.size() < 6 && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(new String(r.value(), StandardCharsets.UTF_8)));
        }
        assertThat(seen).containsExactlyInAnyOrder("first-0", "first-1", "first-2", "second-0", "second-1", "second-2");
    }
}
