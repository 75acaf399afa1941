package dev.sluice.compat.tools;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kafka-transactions.sh (Kafka 4.1's TransactionsCommand) against a Sluice broker: list and describe
 * show an open transaction as its coordinator has it (ListTransactions, DescribeTransactions);
 * describe-producers shows the hanging transaction's producer and start offset on the partition
 * (DescribeProducers), and abort --start-offset ends it (WriteTxnMarkers from a client), after which
 * read_committed consumers read past it.
 */
class KafkaTransactionsToolTest {
    private static final String TOPIC = "tools-txn";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    @TempDir
    static Path dir;
    static Broker broker;
    static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        broker = Broker.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.resolve("data").toString(), "num.io.threads", "2", "num.network.threads", "1",
                "transaction.state.log.num.partitions", "3")));
        bootstrap = broker.bootstrapServers();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static long readCommittedEnd() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.endOffsets(List.of(TP), Duration.ofSeconds(20)).get(TP);
        }
    }

    @Test
    void describeProducersShowsAHangingTransactionAndAbortEndsIt() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
        }
        KafkaProducer<byte[], byte[]> hanging = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tools-hanging", ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000),
                new ByteArraySerializer(), new ByteArraySerializer());
        hanging.initTransactions();
        hanging.beginTransaction();
        hanging.send(new ProducerRecord<>(TOPIC, 0, null, new byte[10])).get(20, TimeUnit.SECONDS);
        hanging.close(Duration.ZERO); // its transaction stays open (for ten minutes)
        assertThat(readCommittedEnd()).isZero();

        KafkaTool.Result listed = KafkaTool.run("org.apache.kafka.tools.TransactionsCommand", "--bootstrap-server", bootstrap, "list");
        assertThat(listed.exitCode()).as(listed.all()).isZero();
        assertThat(listed.out()).contains("TransactionalId").containsPattern("tools-hanging\\s+\\d+\\s+\\d+\\s+Ongoing");
        KafkaTool.Result transaction = KafkaTool.run("org.apache.kafka.tools.TransactionsCommand", "--bootstrap-server", bootstrap,
                "describe", "--transactional-id", "tools-hanging");
        assertThat(transaction.exitCode()).as(transaction.all()).isZero();
        assertThat(transaction.out()).contains("TransactionState").contains("Ongoing").contains(TOPIC + "-0");

        KafkaTool.Result described = KafkaTool.run("org.apache.kafka.tools.TransactionsCommand", "--bootstrap-server", bootstrap,
                "describe-producers", "--topic", TOPIC, "--partition", "0");
        assertThat(described.exitCode()).isZero();
        assertThat(described.out()).contains("ProducerId").contains("CurrentTransactionStartOffset");
        String row = described.out().lines().filter(l -> !l.contains("ProducerId") && !l.isBlank()).findFirst().orElseThrow();
        assertThat(row.trim().split("\\s+")).as(row).endsWith("0"); // the transaction's start offset

        KafkaTool.Result aborted = KafkaTool.run("org.apache.kafka.tools.TransactionsCommand", "--bootstrap-server", bootstrap,
                "abort", "--topic", TOPIC, "--partition", "0", "--start-offset", "0");
        assertThat(aborted.exitCode()).as(aborted.all()).isZero();

        assertThat(readCommittedEnd()).isEqualTo(2); // the record and the abort marker
        KafkaTool.Result after = KafkaTool.run("org.apache.kafka.tools.TransactionsCommand", "--bootstrap-server", bootstrap,
                "describe-producers", "--topic", TOPIC, "--partition", "0");
        String afterRow = after.out().lines().filter(l -> !l.contains("ProducerId") && !l.isBlank()).findFirst().orElseThrow();
        assertThat(afterRow.trim().split("\\s+")).as(afterRow).endsWith("None");
    }
}
