package dev.sluice.broker.controller.rules;

import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class LeaderImbalanceTest {

    private static TopicPartition tp(int p) {
        return new TopicPartition("t", p);
    }

    /** 10 partitions preferring broker 1 (replicas [1, 2]); the first {@code moved} are led by 2. */
    private static Map<TopicPartition, PartitionLeadership> preferringOne(int moved) {
        Map<TopicPartition, PartitionLeadership> states = new TreeMap<>();
        for (int p = 0; p < 10; p++) {
            states.put(tp(p), new PartitionLeadership(List.of(1, 2), p < moved ? 2 : 1, 3, List.of(1, 2)));
        }
        return states;
    }

    @Test
    void animbalanceAtThePercentageIsLeftAloneAndAboveItIsRebalanced() {
        assertThat(LeaderImbalance.partitionsToRebalance(preferringOne(1), Set.of(1, 2), 10)).isEmpty();
        assertThat(LeaderImbalance.partitionsToRebalance(preferringOne(2), Set.of(1, 2), 10))
                .containsExactly(tp(0), tp(1));
        assertThat(LeaderImbalance.partitionsToRebalance(preferringOne(2), Set.of(1, 2), 20)).isEmpty();
    }

    @Test
    void onlyPartitionsWhosePreferredLeaderIsEligibleAndInSyncAreRebalanced() {
        Map<TopicPartition, PartitionLeadership> states = preferringOne(3);
        states.put(tp(0), new PartitionLeadership(List.of(1, 2), 2, 3, List.of(2)));
        assertThat(LeaderImbalance.partitionsToRebalance(states, Set.of(1, 2), 10)).containsExactly(tp(1), tp(2));
        assertThat(LeaderImbalance.partitionsToRebalance(states, Set.of(2), 10)).isEmpty();
    }
}
