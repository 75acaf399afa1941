package dev.sluice.broker.metadata;

import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The metadata cache's rules: single-node start, UpdateMetadata deltas, deletion, atomic snapshots. */
class MetadataCacheTest {
    private static final BrokerNode SELF = new BrokerNode(1, "h1", 9001, null);
    private static final UUID ID = UUID.randomUUID();

    private static MetadataUpdate.PartitionUpdate state(String topic, UUID id, int p, int leader, int epoch,
                                                        List<Integer> replicas, List<Integer> isr) {
        return new MetadataUpdate.PartitionUpdate(topic, id, new PartitionState(p, leader, epoch, replicas, isr, List.of()));
    }

    @Test
    void aSingleNodeIsItsOwnControllerAndOnlyBroker() {
        MetadataCache cache = new MetadataCache(SELF);
        assertThat(cache.snapshot().liveBrokers()).containsExactly(SELF);
        assertThat(cache.snapshot().controllerId()).isEqualTo(1);
        assertThat(cache.controllerManaged()).isFalse();

        cache.publishLocal("t", new TopicState("t", ID, List.of(new PartitionState(0, 1, 3, List.of(1), List.of(1), List.of()))));
        assertThat(cache.snapshot().partition(new TopicPartition("t", 0)).orElseThrow().leaderEpoch()).isEqualTo(3);
        assertThat(cache.snapshot().topic(ID).orElseThrow().name()).isEqualTo("t");
        cache.publishLocal("t", null);
        assertThat(cache.snapshot().topics()).isEmpty();
        assertThat(cache.snapshot().topic(ID)).isEmpty();
    }

    @Test
    void updateMetadataReplacesBrokersAndControllerAndAppliesPartitionDeltas() {
        MetadataCache cache = new MetadataCache(SELF);
        BrokerNode b2 = new BrokerNode(2, "h2", 9002, "r2");
        BrokerNode b3 = new BrokerNode(3, "h3", 9003, "r3");
        cache.update(new MetadataUpdate(3, 5, List.of(b3, SELF, b2), List.of(
                state("t", ID, 0, 2, 7, List.of(2, 3), List.of(2, 3)),
                state("t", ID, 1, 3, 4, List.of(3, 1), List.of(3)))));
        MetadataSnapshot first = cache.snapshot();
        assertThat(first.liveBrokers()).containsExactly(SELF, b2, b3); // id order
        assertThat(first.controllerId()).isEqualTo(3);
        assertThat(cache.controllerManaged()).isTrue();

        // a delta: partition 1 changes, partition 0 stays; the topic id is kept when a version sends none
        cache.update(new MetadataUpdate(3, 5, List.of(SELF, b2), List.of(
                state("t", new UUID(0, 0), 1, 1, 5, List.of(3, 1), List.of(1)))));
        MetadataSnapshot second = cache.snapshot();
        assertThat(second.liveBrokers()).containsExactly(SELF, b2);
        assertThat(second.partition(new TopicPartition("t", 0)).orElseThrow().leader()).isEqualTo(2);
        assertThat(second.partition(new TopicPartition("t", 1)).orElseThrow())
                .isEqualTo(new PartitionState(1, 1, 5, List.of(3, 1), List.of(1), List.of()));
        assertThat(second.topic(ID)).isPresent();
        // the earlier snapshot is unchanged: readers holding it see one consistent view
        assertThat(first.partition(new TopicPartition("t", 1)).orElseThrow().leader()).isEqualTo(3);
        assertThat(first.liveBrokers()).hasSize(3);

        // a single node's own publications no longer apply once a controller manages the cache
        cache.publishLocal("t", null);
        assertThat(cache.snapshot().topic("t")).isPresent();
    }

    @Test
    void leaderDuringDeleteRemovesPartitionsAndAnEmptyTopic() {
        MetadataCache cache = new MetadataCache(SELF);
        cache.update(new MetadataUpdate(1, 1, List.of(SELF), List.of(
                state("t", ID, 0, 1, 0, List.of(1), List.of(1)), state("t", ID, 1, 1, 0, List.of(1), List.of(1)))));
        List<TopicPartition> deleted = cache.update(new MetadataUpdate(1, 1, List.of(SELF), List.of(
                state("t", ID, 0, PartitionState.LEADER_DURING_DELETE, 0, List.of(1), List.of(1)))));
        assertThat(deleted).containsExactly(new TopicPartition("t", 0));
        assertThat(cache.snapshot().topic("t").orElseThrow().partitions()).extracting(PartitionState::partition)
                .containsExactly(1);
        cache.update(new MetadataUpdate(1, 1, List.of(SELF), List.of(
                state("t", ID, 1, PartitionState.LEADER_DURING_DELETE, 0, List.of(1), List.of(1)))));
        assertThat(cache.snapshot().topic("t")).isEmpty();
        assertThat(cache.snapshot().topic(ID)).isEmpty();
    }
}
