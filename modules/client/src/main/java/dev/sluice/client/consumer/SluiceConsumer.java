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
import java.util.regex.Pattern;

/**
 * Reads records from partitions the application assigns, or that its consumer group hands it.
 * Use from one thread at a time.
 *
 * <pre>{@code
 * try (SluiceConsumer consumer = new SluiceConsumer(ConsumerConfig.builder()
 *         .bootstrapServers("localhost:9092").groupId("billing")
 *         .autoOffsetReset(OffsetResetStrategy.EARLIEST).build())) {
 *     consumer.subscribe(List.of("events"), new ConsumerRebalanceListener() {
 *         public void onPartitionsRevoked(Collection<TopicPartition> partitions) { consumer.commitSync(); }
 *         public void onPartitionsAssigned(Collection<TopicPartition> partitions) { }
 *     });
 *     for (ConsumerRecord r : consumer.poll(Duration.ofSeconds(1))) { ... }
 * }
 * }</pre>
 *
 * <p>A background I/O thread keeps one fetch per leader in flight for every assigned partition
 * whose buffered data has been consumed, so data for the next poll arrives while the current
 * records are processed; it also sends the group heartbeats. Positions start from the group's
 * committed offset, else from {@code auto.offset.reset}, unless sought.
 *
 * <p>With {@link #subscribe} the consumer joins the group {@code group.id} (Kafka's classic group
 * protocol, interoperable with kafka-clients consumers using the same assignor): rebalances run
 * inside {@link #poll}, so call it at least every {@code max.poll.interval.ms} or the consumer
 * leaves the group. {@code enable.auto.commit} commits consumed positions every
 * {@code auto.commit.interval.ms}, before each rebalance and on close.
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

    /** The partitions this consumer reads now: assigned by the application or by its group. */
    public Set<TopicPartition> assignment() {
        return engine.assignment();
    }

    /**
     * Joins the group ({@code group.id}) to read these topics, replacing an earlier subscription.
     * Partitions are assigned in a later {@link #poll}, which also tells {@code listener}.
     *
     * @throws IllegalStateException if partitions were {@link #assign}ed
     */
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        engine.subscribe(topics, listener);
    }

    public void subscribe(Collection<String> topics) {
        engine.subscribe(topics, ConsumerRebalanceListener.NONE);
    }

    /**
     * Subscribes to every topic whose whole name matches {@code pattern}, re-checked on each
     * metadata refresh ({@code metadata.max.age.ms}): a new matching topic triggers a rebalance.
     */
    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        engine.subscribe(pattern, listener);
    }

    public void subscribe(Pattern pattern) {
        engine.subscribe(pattern, ConsumerRebalanceListener.NONE);
    }

    /** The subscribed topics (for a pattern: the ones it matches now); empty in assign mode. */
    public Set<String> subscription() {
        return engine.subscription();
    }

    /** Revokes every partition (through the listener), leaves the group and forgets the subscription or assignment. */
    public void unsubscribe() {
        engine.unsubscribe();
    }

    /** Commits the position of every assigned partition (the records poll returned so far), retrying until done. */
    public void commitSync() {
        engine.commitSync(null, engine.defaultApiTimeoutMs());
    }

    /**
     * Commits these offsets (each the offset of the next record to read).
     *
     * @throws CommitFailedException if the group rebalanced and the partitions belong to someone else now
     */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        engine.commitSync(offsets, engine.defaultApiTimeoutMs());
    }

    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
        engine.commitSync(offsets, timeout.toMillis());
    }

    /** Commits every assigned partition's position without waiting; {@code callback} runs in a later poll or commit. */
    public void commitAsync(OffsetCommitCallback callback) {
        engine.commitAsync(null, callback);
    }

    public void commitAsync() {
        engine.commitAsync(null, null);
    }

    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        engine.commitAsync(offsets, callback);
    }

    /** The group's committed offsets of these partitions; a null value where none is committed. */
    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
        return engine.committed(partitions, engine.defaultApiTimeoutMs());
    }

    public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
        return engine.committed(partitions, timeout.toMillis());
    }

    /** Group id, generation and member id as this consumer knows them now. */
    public ConsumerGroupMetadata groupMetadata() {
        return engine.groupMetadata();
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

    /**
     * Commits consumed positions if auto-committing, revokes the partitions (telling the listener),
     * leaves the group, then stops the I/O thread and closes every connection.
     */
    @Override
    public void close() {
        engine.close();
    }
}
