package dev.sluice.broker.metrics;

import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.partition.ReplicaAssignment;

import java.util.List;

/**
 * The partitions this broker hosts, read at scrape time (nothing is counted on the paths that
 * change them): Kafka's {@code kafka.server:type=ReplicaManager} gauges PartitionCount,
 * LeaderCount, UnderReplicatedPartitions (led here with an ISR smaller than the replica set),
 * UnderMinIsrPartitionCount and OfflineReplicaCount; and per partition, for Prometheus only,
 * {@code kafka_log_log_highwatermark} and {@code kafka_cluster_partition_underreplicated} (the log's
 * size and offsets are {@link LogMetrics}' gauges, also in JMX).
 *
 * <p>Threads: the scraping thread and JMX readers; {@link PartitionManager#all()} and the
 * partition getters are thread-safe.
 */
final class PartitionMetrics implements Collector {
    private static final List<String> LABELS = List.of("topic", "partition");
    private final PartitionManager partitions;

    private PartitionMetrics(PartitionManager partitions) {
        this.partitions = partitions;
    }

    static void register(MetricRegistry registry, PartitionManager partitions) {
        PartitionMetrics m = new PartitionMetrics(partitions);
        String type = "ReplicaManager";
        registry.gauge(MetricName.of("kafka.server", type, "PartitionCount"), "partitions hosted here",
                () -> partitions.all().size());
        registry.gauge(MetricName.of("kafka.server", type, "LeaderCount"), "partitions led here",
                () -> m.count(p -> p.role() instanceof PartitionRole.Leader));
        registry.gauge(MetricName.of("kafka.server", type, "UnderReplicatedPartitions"),
                "partitions led here whose ISR is smaller than their replica set", () -> m.count(PartitionMetrics::underReplicated));
        registry.gauge(MetricName.of("kafka.server", type, "UnderMinIsrPartitionCount"),
                "partitions led here whose ISR is below min.insync.replicas",
                () -> m.count(p -> p.role() instanceof PartitionRole.Leader && p.isr().inSyncReplicaCount() < p.effectiveMinInSyncReplicas()));
        registry.gauge(MetricName.of("kafka.server", type, "OfflineReplicaCount"), "partitions hosted here whose storage is offline",
                () -> m.count(p -> p.role() instanceof PartitionRole.Offline));
        registry.addCollector(m);
        LogMetrics.register(registry, partitions);
    }

    static boolean underReplicated(Partition p) {
        if (!(p.role() instanceof PartitionRole.Leader)) {
            return false;
        }
        ReplicaAssignment assigned = p.isr().assignment();
        int replicas = assigned == null ? 1 : assigned.replicas().size();
        return p.isr().inSyncReplicaCount() < replicas;
    }

    int count(java.util.function.Predicate<Partition> which) {
        int n = 0;
        for (Partition p : partitions.all()) {
            if (which.test(p)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void collect(PrometheusText out) {
        List<Partition> all = List.copyOf(partitions.all());
        family(out, all, "kafka_log_log_highwatermark", "the partition's high watermark", Partition::highWatermark);
        family(out, all, "kafka_cluster_partition_underreplicated",
                "1 if the partition is led here and its ISR is smaller than its replica set", p -> underReplicated(p) ? 1 : 0);
    }

    private static void family(PrometheusText out, List<Partition> all, String name, String help,
                               java.util.function.ToLongFunction<Partition> value) {
        out.family(name, "gauge", help);
        for (Partition p : all) {
            long v;
            try {
                v = value.applyAsLong(p);
            } catch (RuntimeException e) { // closed by a deletion during the scrape, or offline storage
                continue;
            }
            out.sample(name, LABELS, List.of(p.topicPartition().topic(), Integer.toString(p.topicPartition().partition())), v);
        }
    }
}
