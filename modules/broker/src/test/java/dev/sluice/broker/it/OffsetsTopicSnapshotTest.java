package dev.sluice.broker.it;

import dev.sluice.broker.group.offset.LogOffsetStore;
import dev.sluice.broker.partition.Partition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static dev.sluice.broker.it.GroupTestSupport.FAST_GROUPS;
import static dev.sluice.broker.it.GroupTestSupport.createTopic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many commits to a few keys do not make {@code __consumer_offsets} grow without bound (its live
 * state is snapshotted and the records before deleted), and the offsets are the same after a clean
 * restart and after a kill -9.
 */
class OffsetsTopicSnapshotTest {
    private static final int SEGMENT_BYTES = 16 * 1024;
    /** One partition of the internal topic, small segments: a snapshot after every 16 KiB of commits. */
    private static final Map<String, String> SMALL_OFFSETS_TOPIC = Map.of(
            "offsets.topic.num.partitions", "1", "offsets.topic.segment.bytes", Integer.toString(SEGMENT_BYTES));
    /** What triggers a snapshot, the part of a segment before it that must stay, and the snapshot. */
    private static final long BOUND = 3L * SEGMENT_BYTES;

    @TempDir
    Path dir;

    private static Map<String, String> settings() {
        Map<String, String> settings = new HashMap<>(FAST_GROUPS);
        settings.putAll(SMALL_OFFSETS_TOPIC);
        return settings;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String bootstrap, String group) throws Exception {
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> round(int round) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int p = 0; p < 3; p++) {
            offsets.put(new TopicPartition("busy", p), new OffsetAndMetadata(round * 10L + p, "round " + round));
        }
        return offsets;
    }

    /** The one partition of the internal topic, as the broker holds it. */
    private static Partition offsetsPartition(TestBroker broker) {
        return broker.broker().partitions().partition(new dev.sluice.api.storage.TopicPartition(LogOffsetStore.TOPIC, 0))
                .orElseThrow();
    }

    @Test
    void manyCommitsKeepTheOffsetsTopicSmallAndACleanRestartKeepsTheOffsets() throws Exception {
        TestBroker broker = TestBroker.start(dir, settings());
        try {
            createTopic(broker.bootstrap(), "busy", 3);
            Map<TopicPartition, OffsetAndMetadata> last = Map.of();
            Map<TopicPartition, OffsetAndMetadata> other = round(0);
            try (Admin admin = KafkaClients.admin(broker.bootstrap())) {
                admin.alterConsumerGroupOffsets("quiet", other).all().get(20, TimeUnit.SECONDS);
                for (int round = 1; round <= 600; round++) {
                    last = round(round);
                    admin.alterConsumerGroupOffsets("busy-group", last).all().get(20, TimeUnit.SECONDS);
                    assertThat(offsetsPartition(broker).log().sizeInBytes()).as("after round %d", round).isLessThanOrEqualTo(BOUND);
                }
            }
            // 600 commits of 3 offsets are far more than the bound: snapshots happened and freed segments
            assertThat(offsetsPartition(broker).logStartOffset()).isPositive();

            broker = broker.restart();

            assertThat(committed(broker.bootstrap(), "busy-group")).isEqualTo(last);
            assertThat(committed(broker.bootstrap(), "quiet")).isEqualTo(other);
        } finally {
            broker.close();
        }
    }

    @Test
    void afterAKillDashNineTheOffsetsTopicIsSmallAndHoldsTheAcknowledgedOffsets() throws Exception {
        Path data = dir.resolve("data");
        Process child = ChildBroker.start(dir.resolve("child.err"), "listeners=PLAINTEXT://127.0.0.1:0", "log.dirs=" + data,
                "num.io.threads=2", "num.network.threads=1",
                "offsets.topic.num.partitions=1", "offsets.topic.segment.bytes=" + SEGMENT_BYTES);
        Map<TopicPartition, OffsetAndMetadata> acknowledged = Map.of();
        try {
            String bootstrap = ChildBroker.awaitBootstrap(child);
            createTopic(bootstrap, "busy", 3);
            try (Admin admin = KafkaClients.admin(bootstrap)) {
                for (int round = 1; round <= 600; round++) {
                    Map<TopicPartition, OffsetAndMetadata> offsets = round(round);
                    admin.alterConsumerGroupOffsets("busy-group", offsets).all().get(20, TimeUnit.SECONDS);
                    acknowledged = offsets;
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no clean shutdown
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(segmentBytesOnDisk(data.resolve(LogOffsetStore.TOPIC + "-0"))).isLessThanOrEqualTo(BOUND);

        TestBroker restarted = TestBroker.start(dir, settings());
        try {
            assertThat(committed(restarted.bootstrap(), "busy-group")).isEqualTo(acknowledged);
        } finally {
            restarted.close();
        }
    }

    private static long segmentBytesOnDisk(Path partitionDir) throws IOException {
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
