package dev.sluice.client.producer;

import dev.sluice.client.producer.internals.ProducerEngine;
import dev.sluice.client.serialization.Serializer;

import java.time.Duration;
import java.util.List;
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
