package dev.sluice.broker.controller.rules;

import dev.sluice.api.storage.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Automatic preferred-leader rebalancing ({@code auto.leader.rebalance.enable}), Kafka's
 * {@code checkAndTriggerAutoLeaderRebalance}: per broker, the share of the partitions it prefers to
 * lead that someone else leads is its imbalance; above {@code leader.imbalance.per.broker.percentage}
 * its partitions are given back to it wherever it can lead (eligible and in the ISR). Stateless; any thread.
 */
public final class LeaderImbalance {

    private LeaderImbalance() {
    }

    /**
     * The partitions whose preferred leader should be elected now.
     *
     * @param eligible brokers that may lead: live and not shutting down
     * @param imbalancePercentage {@code leader.imbalance.per.broker.percentage} (Kafka's default 10)
     */
    public static SortedSet<TopicPartition> partitionsToRebalance(Map<TopicPartition, PartitionLeadership> partitions,
                                                                  Set<Integer> eligible, int imbalancePercentage) {
        Map<Integer, Integer> preferredCount = new HashMap<>();
        Map<Integer, List<TopicPartition>> notLedByPreferred = new HashMap<>();
        partitions.forEach((tp, state) -> {
            int preferred = state.preferredLeader();
            preferredCount.merge(preferred, 1, Integer::sum);
            if (state.leader() != preferred) {
                notLedByPreferred.computeIfAbsent(preferred, b -> new ArrayList<>()).add(tp);
            }
        });
        SortedSet<TopicPartition> result = new TreeSet<>();
        notLedByPreferred.forEach((broker, misplaced) -> {
            // compared as integers: misplaced / total > percentage / 100
            if ((long) misplaced.size() * 100 > (long) imbalancePercentage * preferredCount.get(broker)) {
                for (TopicPartition tp : misplaced) {
                    if (LeaderElection.preferred(partitions.get(tp), eligible) instanceof Election.Elected) {
                        result.add(tp);
                    }
                }
            }
        });
        return result;
    }
}
