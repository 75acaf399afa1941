package dev.sluice.client;

import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.RecordMetadata;
import dev.sluice.client.producer.SluiceProducer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Retries, reconnects and backpressure against a real broker. */
class ProducerResilienceTest {
    @TempDir
    Path dir;

    private static byte[] seq(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    /** Every record in the topic: as many as the log ends say, so duplicates would show as extra records. */
    private static List<Integer> readAll(String bootstrap, String topic, int partitions, int expected) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            consumer.assign(tps);
            long stored = consumer.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, (int) Math.max(stored, expected));
            return records.stream().map(r -> ByteBuffer.wrap(r.value()).getInt()).toList();
        }
    }

    @Test
    void idempotentRetriesAfterDroppedConnectionsWriteNoDuplicatesAndKeepOrder() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            KafkaClients.createTopic(broker.bootstrap(), "idem", 1);
            long retried;
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap())
                    .lingerMs(0).batchSize(512).set("max.in.flight.requests.per.connection", 5).build())) {
                // rounds of sends, each cut off by dropping every connection: requests already written
                // fail client-side and are resent with their sequence numbers, until some really were
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                for (int round = 0; round < 20 || (producer.metrics().batchesRetried() == 0 && System.nanoTime() < deadline);
                     round++) {
                    long sentBefore = producer.metrics().batchesSent();
                    for (int i = 0; i < 150; i++) {
                        sends.add(producer.send(ProducerRecord.of("idem", seq(sends.size()))));
                    }
                    // cut the connections while a batch is in flight: once the sender has handed one to the network
                    while (producer.metrics().batchesSent() == sentBefore && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    producer.disconnectAllForTesting();
                }
                producer.flush();
                retried = producer.metrics().batchesRetried();
            }
            int count = sends.size();
            long[] offsets = sends.stream().mapToLong(s -> s.join().offset()).toArray();
            List<Integer> values = readAll(broker.bootstrap(), "idem", 1, count);
            assertThat(values).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(values.get(i)).isEqualTo(i); // no duplicates, no reordering
            }
            assertThat(Arrays.stream(offsets).filter(o -> o >= 0).distinct().count())
                    .isEqualTo(Arrays.stream(offsets).filter(o -> o >= 0).count());
            assertThat(retried).isPositive(); // the disconnects really forced resends
        }
    }

    @Test
    void keepsProducingAcrossABrokerRestart() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            KafkaClients.createTopic(broker.bootstrap(), "restart", 2);
            try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap())
                    .lingerMs(5).set("reconnect.backoff.max.ms", 200).build())) {
                List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    sends.add(producer.send(ProducerRecord.of("restart", seq(i))));
                }
                sends.forEach(CompletableFuture::join);
                broker.restart();
                for (int i = 100; i < 200; i++) {
                    sends.add(producer.send(ProducerRecord.of("restart", seq(i))));
                }
                sends.forEach(CompletableFuture::join);
            }
            assertThat(readAll(broker.bootstrap(), "restart", 2, 200)).hasSize(200).doesNotHaveDuplicates();
        }
    }

    @Test
    void sendBlocksWhenBufferMemoryIsFullAndProceedsOnceBatchesDrain() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            KafkaClients.createTopic(broker.bootstrap(), "pressure", 1);
            try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder().bootstrapServers(broker.bootstrap())
                    .bufferMemory(4096).batchSize(1024).lingerMs(0).maxBlockMs(60_000).build())) {
                producer.send(ProducerRecord.of("pressure", seq(-1))).join(); // metadata and producer id known
                broker.stop(); // nothing drains now: batches hold their memory
                int count = 200;
                List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
                CountDownLatch allSent = new CountDownLatch(1);
                Thread sender = new Thread(() -> {
                    for (int i = 0; i < count; i++) {
                        sends.add(producer.send(ProducerRecord.of("pressure", new byte[200])));
                    }
                    allSent.countDown();
                });
                sender.start();
                awaitBlockedInBufferPool(sender);
                assertThat(allSent.getCount()).isEqualTo(1);
                broker.restart();
                assertThat(allSent.await(60, TimeUnit.SECONDS)).isTrue();
                sender.join();
                sends.forEach(CompletableFuture::join);
            }
        }
    }

    /** Waits (bounded) until {@code thread} is parked inside the buffer pool's allocation. */
    private static void awaitBlockedInBufferPool(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (thread.getState() == Thread.State.TIMED_WAITING && Arrays.stream(thread.getStackTrace())
                    .anyMatch(f -> f.getClassName().endsWith("BufferPool") && f.getMethodName().equals("allocate"))) {
                return;
            }
            Thread.onSpinWait();
            Thread.sleep(10); // polling another thread's state: there is no event to wait on
        }
        throw new AssertionError("send never blocked on buffer.memory");
    }
}
