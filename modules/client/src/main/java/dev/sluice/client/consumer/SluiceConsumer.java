package dev.sluice.client.consumer;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.internals.ConsumerEngine;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Reads records from partitions the application assigns. Use from one thread at a time.
 *
 * <pre>{@code
 * try (SluiceConsumer consumer = new SluiceConsumer(ConsumerConfig.builder()
 *         .bootstrapServers("localhost:9092").autoOffsetReset(OffsetResetStrategy.EARLIEST).build())) {
 *     consumer.assign(List.of(new TopicPartition("events", 0)));
 *     for (ConsumerRecord r : consumer.poll(Duration.ofSeconds(1))) { ... }
 * }
 * }</pre>
 *
 * <p>A background I/O thread keeps one fetch per leader in flight for every assigned partition
 * whose buffered data has been consumed, so data for the next poll arrives while the current
 * records are processed. Positions start from {@code auto.offset.reset} unless sought. Group
 * membership ({@code subscribe}, committed offsets) is not here yet: a coordinator would drive
 * {@link #assign} and {@link #seek}.
 */
public final class SluiceConsumer implements AutoCloseable {
    private final ConsumerEngine engine;

    public SluiceConsumer(ConsumerConfig config) {
        this.engine = new ConsumerEngine(config);
    }

    /** From Kafka consumer properties. */
    public SluiceConsumer(Properties properties) {
        this(ConsumerConfig.from(properties));
    }

    /** Reads exactly these partitions from now on (replacing any earlier assignment). */
    public void assign(Collection<TopicPartition> partitions) {
        engine.assign(partitions);
    }

    public Set<TopicPartition> assignment() {
        return engine.assignment();
    }

    /**
     * Returns buffered records at once, or waits up to {@code timeout} for some.
     *
     * @throws NoOffsetForPartitionException if a partition has no position and
     *                                       {@code auto.offset.reset=none}
     */
    public ConsumerRecords poll(Duration timeout) {
        Map<TopicPartition, List<ConsumerRecord>> records = engine.poll(timeout.toMillis());
        return records.isEmpty() ? ConsumerRecords.empty() : new ConsumerRecords(records);
    }

    /** The next poll for {@code partition} starts at {@code offset}. */
    public void seek(TopicPartition partition, long offset) {
        engine.seek(partition, offset);
    }

    /** Moves to the first offset (all assigned partitions when {@code partitions} is empty); lazy. */
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        engine.seekTo(partitions, OffsetResetStrategy.EARLIEST);
    }

    /** Moves to the end, past the last record; lazy like {@link #seekToBeginning}. */
    public void seekToEnd(Collection<TopicPartition> partitions) {
        engine.seekTo(partitions, OffsetResetStrategy.LATEST);
    }

    /** The offset of the next record poll returns for {@code partition}, resolving a pending reset. */
    public long position(TopicPartition partition) {
        return engine.position(partition, engine.defaultApiTimeoutMs());
    }

    public long position(TopicPartition partition, Duration timeout) {
        return engine.position(partition, timeout.toMillis());
    }

    /** Stops returning (and fetching) records of these partitions until {@link #resume}. */
    public void pause(Collection<TopicPartition> partitions) {
        engine.pause(partitions, true);
    }

    public void resume(Collection<TopicPartition> partitions) {
        engine.pause(partitions, false);
    }

    public Set<TopicPartition> paused() {
        return engine.paused();
    }

    /** For each partition the first offset whose timestamp is at or after the given one (null if none). */
    public Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> timestamps) {
        return engine.offsets(timestamps, engine.defaultApiTimeoutMs());
    }

    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, -2L);
    }

    /** The log end offsets (the offset the next record will get). */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, -1L);
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, long timestamp) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, timestamp));
        Map<TopicPartition, Long> out = new HashMap<>();
        engine.offsets(query, engine.defaultApiTimeoutMs()).forEach((tp, o) -> out.put(tp, o == null ? -1L : o.offset()));
        return out;
    }

    /** Stops the I/O thread and closes every connection. */
    @Override
    public void close() {
        engine.close();
    }
}
