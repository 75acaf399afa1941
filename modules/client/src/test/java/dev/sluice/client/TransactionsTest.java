package dev.sluice.client;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TransactionDescription;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerGroupMetadata;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerFencedException;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.client.producer.TransactionStateException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Sluice's transactional producer against a Sluice broker's transaction coordinator: fencing, offsets
 * committed inside a transaction, and the admin's view of transactional ids.
 */
class TransactionsTest {
    @TempDir
    static Path dir;
    static TestBroker broker;
    static SluiceAdmin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("transaction.state.log.num.partitions", "3",
                "group.initial.rebalance.delay.ms", "0",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "200"));
        admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()));
        admin.createTopics(List.of(new NewTopic("in", 2))).join();
    }

    @AfterAll
    static void stop() {
        admin.close();
        broker.close();
    }

    private static SluiceProducer producer(String transactionalId) {
        return new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap())
                .transactionalId(transactionalId).maxBlockMs(30_000).build());
    }

    /** read_committed: its committed() asks for stable offsets, so it waits for a committing transaction's marker. */
    private static SluiceConsumer consumer(String group) {
        return new SluiceConsumer(ConsumerConfig.builder().bootstrapServers(broker.bootstrap()).groupId(group)
                .isolationLevel("read_committed").build());
    }

    @Test
    void aSecondProducerWithTheSameIdFencesTheFirst() {
        try (SluiceProducer zombie = producer("fenced-id"); SluiceProducer successor = producer("fenced-id")) {
            zombie.initTransactions();
            successor.initTransactions();
            zombie.beginTransaction();
            ConsumerGroupMetadata group = new ConsumerGroupMetadata("fence-group", -1, "", null);
            Map<TopicPartition, OffsetAndMetadata> offsets = Map.of(new TopicPartition("in", 0), new OffsetAndMetadata(1));
            assertThatThrownBy(() -> zombie.sendOffsetsToTransaction(offsets, group)).isInstanceOf(ProducerFencedException.class);
            // fatal: every later call says so
            assertThatThrownBy(zombie::commitTransaction).isInstanceOf(ProducerFencedException.class);
            assertThatThrownBy(zombie::abortTransaction).isInstanceOf(ProducerFencedException.class);

            successor.beginTransaction();
            successor.sendOffsetsToTransaction(offsets, group);
            successor.commitTransaction();
        }
        TransactionDescription d = awaitState("fenced-id", "CompleteCommit");
        assertThat(d.producerEpoch()).isEqualTo((short) 1); // the second init bumped the epoch
    }

    @Test
    void offsetsSentToATransactionCountOnlyOnceItCommits() {
        TopicPartition tp = new TopicPartition("in", 1);
        ConsumerGroupMetadata group = new ConsumerGroupMetadata("offsets-group", -1, "", null);
        try (SluiceProducer producer = producer("offsets-id"); SluiceConsumer reader = consumer("offsets-group")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(5)), group);
            producer.abortTransaction();
            assertThat(reader.committed(Set.of(tp)).get(tp)).isNull();

            producer.beginTransaction();
            producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(7, "seven")), group);
            assertThat(admin.describeTransactions(List.of("offsets-id")).join().get("offsets-id").state()).isEqualTo("Ongoing");
            producer.commitTransaction();
            assertThat(reader.committed(Set.of(tp)).get(tp)).isEqualTo(new OffsetAndMetadata(7, "seven"));
        }
        awaitState("offsets-id", "CompleteCommit");
        assertThat(admin.listTransactions().join()).anySatisfy(t -> {
            assertThat(t.transactionalId()).isEqualTo("offsets-id");
            assertThat(t.state()).isEqualTo("CompleteCommit");
        });
    }

    /** The coordinator answers EndTxn once PrepareCommit is written; the markers (and CompleteCommit) follow. */
    static TransactionDescription awaitState(String id, String state) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            TransactionDescription d = admin.describeTransactions(List.of(id)).join().get(id);
            if (d.state().equals(state) || System.nanoTime() > deadline) {
                assertThat(d.state()).isEqualTo(state);
                return d;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aBatchTheBrokerRefusesMakesTheTransactionAbortableAndTheAbortBumpsTheEpoch() throws Exception {
        admin.createTopics(List.of(new NewTopic("small", 1, (short) 1, Map.of("max.message.bytes", "2000")))).join();
        try (SluiceProducer producer = producer("abortable-id"); SluiceConsumer reader = consumer("abortable-reader")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(ProducerRecord.of("small", "first".getBytes())).join();
            java.util.concurrent.CompletableFuture<?> big = producer.send(ProducerRecord.of("small", new byte[10_000]));
            producer.flush();
            assertThat(big).isCompletedExceptionally();
            // abortable: the commit is refused, naming the way out, and the failure is the cause
            TransactionStateException refused = catchThrowableOfType(producer::commitTransaction, TransactionStateException.class);
            assertThat(refused.isFatal()).isFalse();
            assertThat(refused).hasMessageContaining("call abortTransaction()");
            assertThat(refused.getCause()).isInstanceOf(ApiException.class).hasMessageContaining("MESSAGE_TOO_LARGE");
            assertThatThrownBy(() -> producer.send(ProducerRecord.of("small", "x".getBytes())).join())
                    .hasCauseInstanceOf(TransactionStateException.class);

            producer.abortTransaction(); // and InitProducerId with the current epoch: sequences restart
            assertThat(admin.describeTransactions(List.of("abortable-id")).join().get("abortable-id").producerEpoch())
                    .isEqualTo((short) 1);
            producer.beginTransaction();
            producer.send(ProducerRecord.of("small", "second".getBytes()));
            producer.commitTransaction();

            TopicPartition tp = new TopicPartition("small", 0);
            reader.assign(List.of(tp));
            reader.seekToBeginning(List.of(tp));
            List<String> values = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (values.isEmpty() && System.nanoTime() < deadline) {
                reader.poll(java.time.Duration.ofMillis(100)).forEach(r -> values.add(new String(r.value())));
            }
            reader.poll(java.time.Duration.ofMillis(500)).forEach(r -> values.add(new String(r.value())));
            assertThat(values).containsExactly("second"); // "first" went down with the aborted transaction
        }
    }

    @Test
    void aTransactionOpenLongerThanTransactionTimeoutMsIsAbortedAndItsProducerFenced() throws Exception {
        admin.createTopics(List.of(new NewTopic("slow", 1))).join();
        TopicPartition tp = new TopicPartition("slow", 0);
        try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap())
                .transactionalId("timeout-id").transactionTimeoutMs(1_000).maxBlockMs(30_000).build())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(ProducerRecord.of("slow", "late".getBytes())).join(); // in the log, undecided
            TransactionDescription aborted = awaitState("timeout-id", "CompleteAbort");
            assertThat(aborted.producerEpoch()).isEqualTo((short) 1); // the abort bumped the epoch
            // as Kafka's transactions v1: the coordinator's new epoch fences the producer that overran
            assertThatThrownBy(producer::commitTransaction).isInstanceOf(ProducerFencedException.class);
        }
        try (SluiceConsumer committed = consumer("timeout-reader");
             SluiceConsumer all = new SluiceConsumer(ConsumerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
            for (SluiceConsumer c : List.of(committed, all)) {
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
            }
            List<String> seen = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                all.poll(java.time.Duration.ofMillis(100)).forEach(r -> seen.add(new String(r.value())));
            }
            assertThat(seen).containsExactly("late");
            // read_committed gets past the aborted record (the last stable offset moved) without returning it
            assertThat(committed.poll(java.time.Duration.ofSeconds(1)).count()).isZero();
            assertThat(committed.position(tp)).isEqualTo(committed.endOffsets(List.of(tp)).get(tp));
            assertThat(committed.endOffsets(List.of(tp)).get(tp)).isEqualTo(2L); // the record and the ABORT marker
        }
    }

    @Test
    void misuseIsRefusedWithTheFix() {
        try (SluiceProducer producer = producer("misuse-id")) {
            assertThatThrownBy(producer::beginTransaction).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("call initTransactions() before beginTransaction()");
            producer.initTransactions();
            assertThatThrownBy(() -> producer.send(dev.sluice.client.producer.ProducerRecord.of("in", new byte[1])))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("call beginTransaction() first");
            assertThatThrownBy(producer::commitTransaction).isInstanceOf(IllegalStateException.class);
            producer.beginTransaction();
            assertThatThrownBy(producer::beginTransaction).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("a transaction is already open");
            producer.commitTransaction(); // nothing in it: completes without the coordinator
        }
        try (SluiceProducer plain = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap()).build())) {
            assertThatThrownBy(plain::initTransactions).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs transactional.id");
        }
    }
}
