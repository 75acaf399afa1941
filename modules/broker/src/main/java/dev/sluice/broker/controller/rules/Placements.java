package dev.sluice.broker.controller.rules;

import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/**
 * Replica placement for CreateTopics and CreatePartitions: automatic over the live brokers
 * ({@link ReplicaPlacer}), or an explicit assignment from the request, validated. Error codes and
 * messages follow Kafka (ZooKeeper-mode texts where Kafka had them; unknown brokers are refused as
 * KRaft does, where ZooKeeper-mode Kafka silently created unreachable replicas). Stateless; any thread.
 */
public final class Placements {

    private Placements() {
    }

    /** Partitions {@code 0 .. partitions-1} of a new topic spread over {@code live}. */
    public static Placement automatic(int partitions, int replicationFactor, List<LiveBroker> live, RandomGenerator random) {
        if (partitions < 1) {
            return new Placement.Refused(Errors.INVALID_PARTITIONS, "Number of partitions must be larger than 0.");
        }
        Placement.Refused refused = checkReplicationFactor(replicationFactor, live.size());
        if (refused != null) {
            return refused;
        }
        return assigned(0, ReplicaPlacer.place(live, partitions, replicationFactor, 0, PlacementStart.random(random, live.size())));
    }

    /**
     * A new topic's explicit assignment (partition id → brokers, first the preferred leader), checked:
     * partition ids 0..n-1, no empty list, no broker twice in a partition, only live brokers, the same
     * replication factor everywhere.
     */
    public static Placement explicit(Map<Integer, List<Integer>> assignment, Collection<Integer> liveBrokerIds) {
        if (assignment.isEmpty()) {
            return new Placement.Refused(Errors.INVALID_REPLICA_ASSIGNMENT, "The replica assignment is empty.");
        }
        TreeSet<Integer> ids = new TreeSet<>(assignment.keySet());
        if (ids.first() != 0 || ids.last() != ids.size() - 1) {
            return new Placement.Refused(Errors.INVALID_REPLICA_ASSIGNMENT,
                    "Partitions should be a consecutive 0-based integer sequence, got " + ids + ".");
        }
        return validated(new TreeMap<>(assignment), assignment.get(0).size(), liveBrokerIds);
    }

    /**
     * CreatePartitions: partitions {@code existing.size() .. newTotal-1} of a topic whose partitions now
     * have the replicas {@code existing} (index = partition id). Automatic when {@code explicitNew} is
     * null, then with partition 0's replication factor and continuing Kafka's rotation from where
     * partition 0's leader stands; else {@code explicitNew} lists the new partitions' replicas in order.
     */
    public static Placement morePartitions(List<List<Integer>> existing, int newTotal, List<List<Integer>> explicitNew,
                                           List<LiveBroker> live, RandomGenerator random) {
        int current = existing.size();
        if (current == 0) {
            throw new IllegalArgumentException("a topic has at least one partition");
        }
        if (newTotal < current) {
            return new Placement.Refused(Errors.INVALID_PARTITIONS,
                    "Topic currently has " + current + " partitions, which is higher than the requested " + newTotal + ".");
        }
        if (newTotal == current) {
            return new Placement.Refused(Errors.INVALID_PARTITIONS, "Topic already has " + current + " partitions.");
        }
        int added = newTotal - current;
        int replicationFactor = existing.get(0).size();
        if (explicitNew != null) {
            if (explicitNew.size() != added) {
                return new Placement.Refused(Errors.INVALID_REPLICA_ASSIGNMENT, "Increasing the number of partitions by "
                        + added + " but " + explicitNew.size() + " assignments provided.");
            }
            TreeMap<Integer, List<Integer>> byId = new TreeMap<>();
            for (int i = 0; i < added; i++) {
                byId.put(current + i, explicitNew.get(i));
            }
            return validated(byId, replicationFactor, live.stream().map(LiveBroker::id).toList());
        }
        Placement.Refused refused = checkReplicationFactor(replicationFactor, live.size());
        if (refused != null) {
            return refused;
        }
        List<Integer> sortedIds = live.stream().map(LiveBroker::id).sorted().toList();
        int partitionZeroLeader = existing.get(0).get(0);
        int startIndex = 0;
        while (startIndex < sortedIds.size() && sortedIds.get(startIndex) < partitionZeroLeader) {
            startIndex++;
        }
        startIndex %= sortedIds.size();
        return assigned(current, ReplicaPlacer.place(live, added, replicationFactor, current, PlacementStart.fixed(startIndex)));
    }

    private static Placement.Refused checkReplicationFactor(int replicationFactor, int liveBrokers) {
        if (replicationFactor < 1) {
            return new Placement.Refused(Errors.INVALID_REPLICATION_FACTOR, "Replication factor must be larger than 0.");
        }
        if (replicationFactor > liveBrokers) {
            return new Placement.Refused(Errors.INVALID_REPLICATION_FACTOR,
                    "Replication factor: " + replicationFactor + " larger than available brokers: " + liveBrokers + ".");
        }
        return null;
    }

    private static Placement validated(TreeMap<Integer, List<Integer>> byId, int expectedReplicationFactor,
                                       Collection<Integer> liveBrokerIds) {
        Set<Integer> live = new TreeSet<>(liveBrokerIds);
        List<Integer> badPartitions = new ArrayList<>();
        List<Integer> badFactors = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : byId.entrySet()) {
            int partition = e.getKey();
            List<Integer> replicas = e.getValue();
            String list = replicas.stream().map(String::valueOf).collect(Collectors.joining(", "));
            if (replicas.isEmpty()) {
                return new Placement.Refused(Errors.INVALID_REPLICA_ASSIGNMENT,
                        "Cannot have replication factor of 0 for partition id " + partition + ".");
            }
            if (new HashSet<>(replicas).size() != replicas.size()) {
                return new Placement.Refused(Errors.INVALID_REPLICA_ASSIGNMENT,
                        "Duplicate brokers not allowed in replica assignment: " + list + " for partition id " + partition + ".");
            }
            List<Integer> unknown = replicas.stream().filter(id -> !live.contains(id)).sorted().toList();
            if (!unknown.isEmpty()) {
                return new Placement.Refused(Errors.INVALID_REPLICA_ASSIGNMENT, "Unknown broker(s) "
                        + unknown.stream().map(String::valueOf).collect(Collectors.joining(", "))
                        + " in replica assignment of partition id " + partition + "; available brokers: "
                        + live.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ".");
            }
            if (replicas.size() != expectedReplicationFactor) {
                badPartitions.add(partition);
                badFactors.add(replicas.size());
            }
        }
        if (!badPartitions.isEmpty()) {
            return new Placement.Refused(Errors.INVALID_REPLICA_ASSIGNMENT, "Inconsistent replication factor between partitions, partition 0 has "
                    + expectedReplicationFactor + " while partitions " + badPartitions + " have replication factors "
                    + badFactors + ", respectively.");
        }
        return new Placement.Assigned(byId);
    }

    private static Placement assigned(int firstPartitionId, List<List<Integer>> replicas) {
        TreeMap<Integer, List<Integer>> byId = new TreeMap<>();
        for (int i = 0; i < replicas.size(); i++) {
            byId.put(firstPartitionId + i, replicas.get(i));
        }
        return new Placement.Assigned(byId);
    }
}
