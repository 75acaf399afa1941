package dev.sluice.broker.metrics;

import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Consumer-group lag, read at scrape time under kafka_exporter's names
 * ({@code kafka_consumergroup_current_offset}, {@code kafka_consumergroup_lag} with labels
 * consumergroup, topic, partition): for each group whose offsets this broker holds (the groups it
 * coordinates) and each committed partition this broker leads, the high watermark minus the
 * committed offset (never below 0). A partition led by another broker is that broker's to report:
 * its high watermark is not known here. Prometheus only. Threads: the scraping thread; the offset
 * store and partitions are thread-safe.
 */
final class GroupLagMetrics implements Collector {
    private static final List<String> LABELS = List.of("consumergroup", "topic", "partition");
    private final OffsetStore offsets;
    private final PartitionManager partitions;

    GroupLagMetrics(OffsetStore offsets, PartitionManager partitions) {
        this.offsets = offsets;
        this.partitions = partitions;
    }

    private record Row(List<String> labels, long committed, long lag) {
    }

    @Override
    public void collect(PrometheusText out) {
        Map<String, Row> rows = new TreeMap<>();
        for (String group : offsets.groups()) {
            Map<TopicPartition, CommittedOffset> committed;
            try {
                committed = offsets.fetchAll(group);
            } catch (RuntimeException e) { // a group unloaded meanwhile (its coordinator moved)
                continue;
            }
            for (Map.Entry<TopicPartition, CommittedOffset> e : committed.entrySet()) {
                TopicPartition tp = e.getKey();
                Optional<Partition> p = partitions.partition(tp);
                if (p.isEmpty() || !(p.get().role() instanceof PartitionRole.Leader)) {
                    continue;
                }
                long offset = e.getValue().offset();
                long lag = Math.max(0, p.get().highWatermark() - offset);
                List<String> labels = List.of(group, tp.topic(), Integer.toString(tp.partition()));
                rows.put(String.join("\u0000", labels), new Row(labels, offset, lag));
            }
        }
        out.family("kafka_consumergroup_current_offset", "gauge", "a consumer group's committed offset of a partition led here");
        for (Row r : rows.values()) {
            out.sample("kafka_consumergroup_current_offset", LABELS, r.labels, r.committed);
        }
        out.family("kafka_consumergroup_lag", "gauge", "high watermark minus a consumer group's committed offset, for partitions led here");
        for (Row r : rows.values()) {
            out.sample("kafka_consumergroup_lag", LABELS, r.labels, r.lag);
        }
    }
}
