package dev.sluice.broker.group.offset;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.topic.TopicMetadata;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The {@link LogStorageEngine} an offset store is given: the broker's own partitions. Opening a
 * partition of a topic the catalogue does not know creates that topic (with the partition count
 * the store asks for and settings that never delete data), so the broker keeps its data at
 * start-up instead of deleting it as an orphan, shows it in Metadata as internal, and appends
 * go through the broker's partition. The topic's settings are the broker's: they are (re)applied
 * on every start, so a changed {@code offsets.topic.segment.bytes} reaches an existing topic.
 * Closing is the broker's business.
 */
public final class BrokerTopicEngine implements LogStorageEngine {
    private final Path logDir;
    private final PartitionManager partitions;
    private final int internalTopicPartitions;
    private final Map<String, String> internalTopicConfigs;
    private final Map<TopicPartition, PartitionLog> opened = new ConcurrentHashMap<>();

    /**
     * @param logDir                  the broker's log directory (stores that keep their own files put them under it)
     * @param internalTopicPartitions partition count of a topic created on first open
     * @param segmentBytes            segment size of the topics it creates
     */
    public BrokerTopicEngine(Path logDir, PartitionManager partitions, int internalTopicPartitions, int segmentBytes) {
        this(logDir, partitions, internalTopicPartitions, internalTopicConfigs(segmentBytes));
    }

    /** @param internalTopicConfigs the configs of the topics it creates (and re-applies to existing ones) */
    public BrokerTopicEngine(Path logDir, PartitionManager partitions, int internalTopicPartitions,
                             Map<String, String> internalTopicConfigs) {
        this.logDir = logDir;
        this.partitions = partitions;
        this.internalTopicPartitions = internalTopicPartitions;
        this.internalTopicConfigs = Map.copyOf(internalTopicConfigs);
    }

    /**
     * The configs of {@code __consumer_offsets}: Kafka keeps it compacted with segments of
     * {@code offsets.topic.segment.bytes}; here retention never deletes records, and the store's
     * snapshots move the log start instead (whole segments below it are deleted).
     */
    public static Map<String, String> internalTopicConfigs(int segmentBytes) {
        return Map.of("cleanup.policy", "compact", "retention.ms", "-1", "retention.bytes", "-1",
                "segment.bytes", Integer.toString(segmentBytes));
    }

    @Override
    public Path directory() {
        return logDir;
    }

    @Override
    public Set<TopicPartition> partitions() {
        return partitions.all().stream().map(Partition::topicPartition).collect(Collectors.toSet());
    }

    @Override
    public LogStorage open(TopicPartition tp, LogConfig config) {
        // a replica deleted and opened again (StopReplica, then LeaderAndIsr) is a new Partition
        opened.computeIfPresent(tp, (key, log) -> partitions.partition(key).orElse(null) == log.partition() ? log : null);
        return opened.computeIfAbsent(tp, key -> {
            Optional<TopicMetadata> topic = partitions.topics().get(key.topic());
            if (topic.isEmpty()) {
                partitions.createTopic(key.topic(), Math.max(internalTopicPartitions, key.partition() + 1), (short) 1,
                        internalTopicConfigs, false);
            } else if (!topic.get().configs().equals(internalTopicConfigs)) {
                partitions.alterConfigs(key.topic(), internalTopicConfigs, false);
            }
            Partition partition = partitions.partition(key).orElseThrow(() -> new IllegalArgumentException(
                    key + " does not exist: topic " + key.topic() + " has fewer partitions"));
            return new PartitionLog(partition, partitions);
        });
    }

    @Override
    public void delete(TopicPartition partition) {
        throw new UnsupportedOperationException("stores do not delete the broker's partitions");
    }

    @Override
    public void close() {
    }
}
