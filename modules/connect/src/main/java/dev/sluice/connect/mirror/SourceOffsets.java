package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.connect.runtime.OffsetKeys;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The flow's copied positions in {@code mm2-offsets.<source>.internal} on the target, as Kafka Connect
 * keeps MirrorSourceConnector's: key {@code ["MirrorSourceConnector",{"cluster":a,"partition":p,"topic":t}]},
 * value {@code {"offset":n}} with {@code n} the last source offset copied and acknowledged (the copy resumes
 * at {@code n + 1}). Stateless; any thread.
 */
final class SourceOffsets {
    static final String CONNECTOR = "MirrorSourceConnector";

    private SourceOffsets() {
    }

    static ProducerRecord record(String topic, String cluster, TopicPartition source, long offset) {
        String key = OffsetKeys.key(CONNECTOR, Map.of("cluster", cluster, "topic", source.topic(), "partition", source.partition()));
        String value = OffsetKeys.value(Map.of("offset", offset));
        return ProducerRecord.of(topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the topic to its end: the last offset committed for each partition of {@code cluster}.
     *
     * @param consumer a consumer of the target cluster, without a group; left unassigned
     * @throws IllegalStateException when the end is not reached in time
     */
    static Map<TopicPartition, Long> load(SluiceConsumer consumer, String topic, int partitions, String cluster) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        ReadToEnd.read(consumer, tps, r -> apply(r, cluster, offsets));
        consumer.assign(List.of());
        return offsets;
    }

    private static void apply(ConsumerRecord r, String cluster, Map<TopicPartition, Long> offsets) {
        if (r.key() == null || r.value() == null) {
            return;
        }
        try {
            Map.Entry<String, Map<String, Object>> key = OffsetKeys.parseKey(new String(r.key(), StandardCharsets.UTF_8));
            Map<String, Object> partition = key.getValue();
            if (!key.getKey().equals(CONNECTOR) || !cluster.equals(partition.get("cluster"))) {
                return;
            }
            Object offset = OffsetKeys.parseValue(new String(r.value(), StandardCharsets.UTF_8)).get("offset");
            offsets.put(new TopicPartition((String) partition.get("topic"), ((Number) partition.get("partition")).intValue()),
                    ((Number) offset).longValue());
        } catch (RuntimeException e) {
            System.getLogger(SourceOffsets.class.getName()).log(System.Logger.Level.WARNING,
                    "skipped an offsets record it cannot read at offset " + r.offset() + ": " + e.getMessage());
        }
    }
}
