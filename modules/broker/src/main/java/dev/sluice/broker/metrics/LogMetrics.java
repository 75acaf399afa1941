package dev.sluice.broker.metrics;

import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;

import java.util.HashSet;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Kafka's per-partition log gauges {@code kafka.log:type=Log,name=Size|LogStartOffset|LogEndOffset|
 * NumLogSegments,topic=T,partition=P} (JMX, and on the endpoint as {@code kafka_log_log_size{topic,partition}}
 * and so on), registered for every hosted partition and removed when it goes; the set follows the
 * partitions on every tick and before every scrape. A gauge reads the partition when it is read, so
 * nothing is counted on the append path.
 *
 * <p>Threads: the registry's ticker and scrapes (the registered set is guarded by this object); gauge
 * reads from scrapes and JMX readers.
 */
final class LogMetrics {
    private final MetricRegistry registry;
    private final PartitionManager partitions;
    private final Set<TopicPartition> registered = new HashSet<>();

    private LogMetrics(MetricRegistry registry, PartitionManager partitions) {
        this.registry = registry;
        this.partitions = partitions;
    }

    static void register(MetricRegistry registry, PartitionManager partitions) {
        LogMetrics m = new LogMetrics(registry, partitions);
        registry.addRefresher(m::sync);
        m.sync();
    }

    private synchronized void sync() {
        Set<TopicPartition> hosted = new HashSet<>();
        for (Partition p : partitions.all()) {
            hosted.add(p.topicPartition());
        }
        for (TopicPartition tp : hosted) {
            if (registered.add(tp)) {
                gauge(tp, "Size", "bytes of the partition's log", LogStorage::sizeInBytes);
                gauge(tp, "LogStartOffset", "the partition's log start offset", LogStorage::logStartOffset);
                gauge(tp, "LogEndOffset", "the partition's log end offset", LogStorage::logEndOffset);
                gauge(tp, "NumLogSegments", "segments holding the partition's log (1 for engines without segments)",
                        LogStorage::segmentCount);
            }
        }
        registered.removeIf(tp -> {
            if (hosted.contains(tp)) {
                return false;
            }
            String topic = tp.topic();
            String index = Integer.toString(tp.partition());
            registry.remove(n -> n.domain().equals("kafka.log") && n.type().equals("Log")
                    && n.tagValues().equals(java.util.List.of(topic, index)));
            return true;
        });
    }

    private void gauge(TopicPartition tp, String name, String help, ToLongFunction<LogStorage> value) {
        registry.gauge(MetricName.of("kafka.log", "Log", name, "topic", tp.topic(), "partition", Integer.toString(tp.partition())),
                help, () -> {
                    Partition p = partitions.partition(tp).orElse(null);
                    if (p == null) {
                        return 0;
                    }
                    try {
                        return value.applyAsLong(p.log());
                    } catch (RuntimeException closedOrOffline) {
                        return 0;
                    }
                });
    }
}
