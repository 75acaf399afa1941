package dev.sluice.broker.it;

import dev.sluice.broker.txn.TxnState;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kafka-clients 4.1 transactional producers against one broker: the coordinator found through
 * FindCoordinator (key type 1), zombie fencing, and the admin views kafka-transactions.sh uses.
 */
class TransactionalProducerTest {
    private static final String TOPIC = "txn-out";

    @TempDir
    Path dir;
    TestBroker broker;
    Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("transaction.state.log.num.partitions", "5"));
        admin = KafkaClients.admin(broker.bootstrap());
        admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
    }

    @AfterEach
    void stop() {
        admin.close();
        broker.close();
    }

    static KafkaProducer<byte[], byte[]> transactional(String bootstrap, String transactionalId) {
        return KafkaClients.producer(bootstrap, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId,
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aSecondProducerWithTheSameTransactionalIdFencesTheFirst() {
        try (KafkaProducer<byte[], byte[]> zombie = transactional(broker.bootstrap(), "fenced-app")) {
            zombie.initTransactions();
            zombie.beginTransaction();
            try (KafkaProducer<byte[], byte[]> successor = transactional(broker.bootstrap(), "fenced-app")) {
                successor.initTransactions();

                assertThatThrownBy(() -> {
                    zombie.send(new ProducerRecord<>(TOPIC, 0, null, bytes("late"))).get();
                    zombie.commitTransaction();
                }).satisfiesAnyOf(
                        e -> assertThat(e).isInstanceOf(ProducerFencedException.class),
                        e -> assertThat(e).hasCauseInstanceOf(ProducerFencedException.class));
            }
        }
    }

    @Test
    void theCoordinatorsStateIsReloadedAfterARestartSoTheNextInstanceGetsTheNextEpoch() throws Exception {
        long producerId;
        try (KafkaProducer<byte[], byte[]> producer = transactional(broker.bootstrap(), "durable-app")) {
            producer.initTransactions();
            producerId = broker.broker().transactionCoordinator().state("durable-app").producerId();
        }
        admin.close();
        broker = broker.restart();
        admin = KafkaClients.admin(broker.bootstrap());

        try (KafkaProducer<byte[], byte[]> producer = transactional(broker.bootstrap(), "durable-app")) {
            producer.initTransactions();
        }
        TransactionDescription described = admin.describeTransactions(List.of("durable-app")).all().get()
                .get("durable-app");
        assertThat(described.producerId()).isEqualTo(producerId);
        assertThat(described.producerEpoch()).isEqualTo((short) 1);
    }

    @Test
    void listAndDescribeShowTheTransactionalIdsTheCoordinatorHolds() throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = transactional(broker.bootstrap(), "listed-app")) {
            producer.initTransactions();

            Collection<TransactionListing> listed = admin.listTransactions().all().get();
            assertThat(listed).extracting(TransactionListing::transactionalId).contains("listed-app");
            assertThat(listed).filteredOn(l -> l.transactionalId().equals("listed-app"))
                    .extracting(l -> l.state().toString()).containsExactly("Empty");

            TransactionDescription described = admin.describeTransactions(List.of("listed-app")).all().get()
                    .get("listed-app");
            assertThat(described.state().toString()).isEqualTo("Empty");
            assertThat(described.transactionTimeoutMs()).isEqualTo(30_000);
            assertThat(described.producerEpoch()).isZero();
            assertThat(described.topicPartitions()).isEmpty();
            assertThat(described.coordinatorId()).isEqualTo(broker.nodeId());
            assertThat(broker.broker().transactionCoordinator().state("listed-app").state()).isEqualTo(TxnState.EMPTY);
        }
        assertThatThrownBy(() -> admin.describeTransactions(List.of("never-seen")).all().get())
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("TransactionalIdNotFound");
    }
}
