package dev.sluice.client.producer;

import dev.sluice.client.producer.internals.ProducerEngine;
import dev.sluice.client.serialization.Serializer;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerGroupMetadata;
import dev.sluice.client.consumer.OffsetAndMetadata;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * Sends records to a Kafka-compatible cluster. Thread-safe; share one per application.
 *
 * <pre>{@code
 * try (SluiceProducer producer = new SluiceProducer(ProducerConfig.builder()
 *         .bootstrapServers("localhost:9092").lingerMs(10).compression(CompressionType.LZ4).build())) {
 *     producer.send(ProducerRecord.of("events", key, value), (md, e) -> { ... });
 *     RecordMetadata md = producer.send(ProducerRecord.of("events", value)).join();
 * }
 * }</pre>
 *
 * <p>{@link #send} returns as soon as the record is in a batch: batches per partition fill up
 * to {@code batch.size} or wait {@code linger.ms}, then go to the partition's leader. It blocks
 * only for metadata of a new topic or when {@code buffer.memory} is used up, each at most
 * {@code max.block.ms}. Idempotence (the default) means retries write no duplicates and keep
 * the order of records within a partition.
 *
 * <p>With {@code transactional.id} the producer is transactional: {@link #initTransactions()} once,
 * then {@link #beginTransaction()}, sends (and {@link #sendOffsetsToTransaction}), and
 * {@link #commitTransaction()} or {@link #abortTransaction()}; read_committed consumers see a
 * transaction's records only once it committed, and never those of an aborted one. Errors follow
 * Kafka's split: after an abortable error (a failed batch, a refused offset commit) abort and go on;
 * after a fatal one ({@link ProducerFencedException}, a fatal {@link TransactionStateException})
 * close the producer.
 */
public final class SluiceProducer implements AutoCloseable {
    private final ProducerEngine engine;

    public SluiceProducer(ProducerConfig config) {
        this.engine = new ProducerEngine(config);
    }

    /** From Kafka producer properties. */
    public SluiceProducer(Properties properties) {
        this(ProducerConfig.from(properties));
    }

    /** Sends asynchronously; the future completes once the broker acknowledged (or the send failed). */
    public CompletableFuture<RecordMetadata> send(ProducerRecord record) {
        return engine.send(record, null);
    }

    /** As {@link #send(ProducerRecord)}, also telling {@code callback} (on the I/O thread). */
    public CompletableFuture<RecordMetadata> send(ProducerRecord record, Callback callback) {
        return engine.send(record, callback);
    }

    /** Serializes key and value, then sends. */
    public <K, V> CompletableFuture<RecordMetadata> send(String topic, K key, V value,
                                                         Serializer<? super K> keySerializer,
                                                         Serializer<? super V> valueSerializer) {
        return send(new ProducerRecord(topic, null, null, keySerializer.serialize(topic, key),
                valueSerializer.serialize(topic, value), List.of()));
    }

    // ---- transactions (transactional.id set)

    /**
     * Registers {@code transactional.id} with its transaction coordinator: completes or aborts what
     * an earlier producer with the same id left open, and fences that producer (its later calls
     * fail with {@link ProducerFencedException}). Call once, before the first transaction.
     *
     * @throws dev.sluice.client.TimeoutException not done within {@code max.block.ms}: call again to keep waiting
     * @throws ProducerFencedException            a newer producer with the same id exists
     */
    public void initTransactions() {
        engine.initTransactions();
    }

    /** Opens a transaction: every send until commit or abort belongs to it. */
    public void beginTransaction() {
        engine.beginTransaction();
    }

    /**
     * Commits the consumer's offsets (each the next offset to read) as part of the transaction, so
     * they become visible exactly when the records sent in it do: consume-transform-produce
     * exactly once. {@code groupMetadata} is the consumer's {@code groupMetadata()}, so the group
     * refuses a commit from a member it has replaced.
     */
    public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                         ConsumerGroupMetadata groupMetadata) {
        engine.sendOffsetsToTransaction(offsets, groupMetadata);
    }

    /**
     * Sends what the transaction holds, waits until the partitions have it, then commits it.
     *
     * @throws TransactionStateException     the transaction failed earlier: abort it ({@code isFatal()}: close)
     * @throws ProducerFencedException        fenced by a newer producer with the same id: close
     * @throws InvalidProducerEpochException the coordinator aborted the transaction (its timeout): abort
     * @throws dev.sluice.client.TimeoutException not done within {@code max.block.ms}: call again
     */
    public void commitTransaction() {
        engine.commitTransaction();
    }

    /**
     * Aborts the transaction: records not yet sent fail with {@link TransactionAbortedException}, the
     * rest is marked aborted so read_committed consumers never see it. Clears an abortable error.
     */
    public void abortTransaction() {
        engine.abortTransaction();
    }

    /** Sends everything sent so far right away and waits until each has completed. */
    public void flush() {
        try {
            engine.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.sluice.client.SluiceClientException("interrupted during flush", e);
        }
    }

    /** Waits up to {@code timeout} for pending records, fails what is left, and releases everything. */
    public void close(Duration timeout) {
        engine.close(timeout.toMillis());
    }

    /** Waits for every pending record, then releases everything. */
    @Override
    public void close() {
        engine.close();
    }

    /** Batch counters (sent, retried, failed). */
    public ProducerMetrics metrics() {
        return engine.metrics();
    }

    /** The partitioner picked by configuration. */
    public String partitionerName() {
        return engine.partitioner().name();
    }

    /** Drops all broker connections (for tests of retry and reconnect behaviour). */
    public void disconnectAllForTesting() {
        engine.disconnectAll();
    }
}
