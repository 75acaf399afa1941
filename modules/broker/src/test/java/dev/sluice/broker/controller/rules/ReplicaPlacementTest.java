package dev.sluice.broker.controller.rules;

import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaPlacementTest {

    private static List<LiveBroker> brokers(int... ids) {
        return IntStream.of(ids).mapToObj(LiveBroker::of).toList();
    }

    private static Placement.Assigned assigned(Placement placement) {
        assertThat(placement).isInstanceOf(Placement.Assigned.class);
        return (Placement.Assigned) placement;
    }

    private static Placement.Refused refused(Placement placement) {
        assertThat(placement).isInstanceOf(Placement.Refused.class);
        return (Placement.Refused) placement;
    }

    private static void assertBalanced(List<List<Integer>> placed, List<LiveBroker> brokers) {
        Map<Integer, Integer> leaders = new HashMap<>();
        Map<Integer, Integer> replicas = new HashMap<>();
        for (LiveBroker b : brokers) {
            leaders.put(b.id(), 0);
            replicas.put(b.id(), 0);
        }
        for (List<Integer> partition : placed) {
            assertThat(new HashSet<>(partition)).as("distinct replicas in %s", partition).hasSize(partition.size());
            leaders.merge(partition.get(0), 1, Integer::sum);
            partition.forEach(id -> replicas.merge(id, 1, Integer::sum));
        }
        assertThat(leaders.keySet()).containsExactlyInAnyOrderElementsOf(replicas.keySet());
        int leaderSpread = leaders.values().stream().max(Integer::compare).orElseThrow()
                - leaders.values().stream().min(Integer::compare).orElseThrow();
        int replicaSpread = replicas.values().stream().max(Integer::compare).orElseThrow()
                - replicas.values().stream().min(Integer::compare).orElseThrow();
        assertThat(leaderSpread).as("leader counts %s of %s", leaders, placed).isLessThanOrEqualTo(1);
        assertThat(replicaSpread).as("replica counts %s of %s", replicas, placed).isLessThanOrEqualTo(1);
    }

    @Test
    void leadersAndReplicasAreSpreadEvenlyForEveryShapeOfTopic() {
        SplittableRandom random = new SplittableRandom(42);
        for (int trial = 0; trial < 3000; trial++) {
            int n = 1 + random.nextInt(9);
            int rf = 1 + random.nextInt(n);
            int partitions = 1 + random.nextInt(40);
            List<LiveBroker> live = brokers(IntStream.range(0, n).map(i -> 100 + i * 3).toArray());
            List<List<Integer>> placed = ReplicaPlacer.place(live, partitions, rf, 0,
                    new PlacementStart(random.nextInt(n), random.nextInt(n)));
            assertThat(placed).hasSize(partitions).allSatisfy(p -> assertThat(p).hasSize(rf));
            assertBalanced(placed, live);
        }
    }

    @Test
    void theKafkaRotationIsKeptWhereItIsAlreadyBalanced() {
        // 5 brokers, 10 partitions, rf 3, start 0 / shift 0: Kafka's AdminUtils gives exactly this
        List<List<Integer>> placed = ReplicaPlacer.place(brokers(0, 1, 2, 3, 4), 10, 3, 0, PlacementStart.fixed(0));
        assertThat(placed.subList(0, 5)).containsExactly(
                List.of(0, 1, 2), List.of(1, 2, 3), List.of(2, 3, 4), List.of(3, 4, 0), List.of(4, 0, 1));
        // the shift grows after each full round: followers now two places on
        assertThat(placed.subList(5, 10)).containsExactly(
                List.of(0, 2, 3), List.of(1, 3, 4), List.of(2, 4, 0), List.of(3, 0, 1), List.of(4, 1, 2));
    }

    @Test
    void theSameSeedGivesTheSamePlacementAndOtherSeedsMoveTheStart() {
        List<LiveBroker> live = brokers(1, 2, 3, 4, 5, 6);
        Placement first = Placements.automatic(12, 3, live, new Random(7));
        Placement again = Placements.automatic(12, 3, live, new Random(7));
        assertThat(again).isEqualTo(first);
        Set<Integer> leadersOfPartitionZero = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            leadersOfPartitionZero.add(assigned(Placements.automatic(12, 3, live, new Random(seed))).replicas().get(0).get(0));
        }
        assertThat(leadersOfPartitionZero).as("random starts spread small topics' leaders").hasSizeGreaterThan(3);
    }

    @Test
    void eachPartitionSpansAsManyRacksAsItCanAndStaysBalanced() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 2000; trial++) {
            // racks of equal size, brokers shuffled over them
            int racks = 1 + random.nextInt(4);
            int n = racks * (1 + random.nextInt(3));
            List<Integer> rackOfIndex = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rackOfIndex.add(i % racks);
            }
            java.util.Collections.shuffle(rackOfIndex, new Random(random.nextLong()));
            List<LiveBroker> live = new ArrayList<>();
            Map<Integer, String> rack = new HashMap<>();
            for (int i = 0; i < n; i++) {
                live.add(LiveBroker.of(i + 1, "rack-" + rackOfIndex.get(i)));
                rack.put(i + 1, "rack-" + rackOfIndex.get(i));
            }
            int rf = 1 + random.nextInt(n);
            int partitions = 1 + random.nextInt(30);
            List<List<Integer>> placed = ReplicaPlacer.place(live, partitions, rf, 0,
                    new PlacementStart(random.nextInt(n), random.nextInt(n)));
            for (List<Integer> p : placed) {
                Set<String> used = new HashSet<>();
                p.forEach(id -> used.add(rack.get(id)));
                assertThat(used).as("racks of %s", p).hasSize(Math.min(rf, racks));
            }
            assertBalanced(placed, live);
        }
    }

    @Test
    void unevenRacksStillPutEveryPartitionOnDistinctRacks() {
        // rack "solo" has one broker: with rf 2 it must hold a replica of every partition
        List<LiveBroker> live = List.of(LiveBroker.of(1, "solo"), LiveBroker.of(2, "big"), LiveBroker.of(3, "big"),
                LiveBroker.of(4, "big"));
        List<List<Integer>> placed = ReplicaPlacer.place(live, 8, 2, 0, PlacementStart.fixed(0));
        assertThat(placed).allSatisfy(p -> assertThat(p).contains(1));
        Map<Integer, Integer> leaders = new HashMap<>();
        placed.forEach(p -> leaders.merge(p.get(0), 1, Integer::sum));
        assertThat(leaders).containsEntry(1, 2).containsEntry(2, 2).containsEntry(3, 2).containsEntry(4, 2);
    }

    @Test
    void brokersWithoutARackCountAsARackOfTheirOwn() {
        List<LiveBroker> live = List.of(LiveBroker.of(1, "a"), LiveBroker.of(2, "b"), LiveBroker.of(3), LiveBroker.of(4));
        List<List<Integer>> placed = ReplicaPlacer.place(live, 12, 3, 0, PlacementStart.fixed(1));
        for (List<Integer> p : placed) {
            long rackless = p.stream().filter(id -> id >= 3).count();
            assertThat(rackless).as("%s uses the rackless group once", p).isEqualTo(1);
        }
        Map<Integer, Integer> leaders = new HashMap<>();
        placed.forEach(p -> leaders.merge(p.get(0), 1, Integer::sum));
        assertThat(leaders).containsOnlyKeys(1, 2, 3, 4).allSatisfy((id, count) -> assertThat(count).isEqualTo(3));
    }

    @Test
    void aReplicationFactorAboveTheLiveBrokersNamesBothNumbers() {
        Placement.Refused refused = refused(Placements.automatic(3, 4, brokers(1, 2, 3), new Random(1)));
        assertThat(refused.error()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        assertThat(refused.message()).isEqualTo("Replication factor: 4 larger than available brokers: 3.");
        assertThat(refused(Placements.automatic(3, 0, brokers(1), new Random(1))).error())
                .isEqualTo(Errors.INVALID_REPLICATION_FACTOR);
        assertThat(refused(Placements.automatic(0, 1, brokers(1), new Random(1))).error())
                .isEqualTo(Errors.INVALID_PARTITIONS);
    }

    @Test
    void anExplicitAssignmentIsKeptAsGiven() {
        Map<Integer, List<Integer>> given = Map.of(0, List.of(3, 1), 1, List.of(1, 3), 2, List.of(3, 2));
        assertThat(assigned(Placements.explicit(given, Set.of(1, 2, 3))).replicas())
                .containsExactlyEntriesOf(new java.util.TreeMap<>(given));
    }

    @Test
    void anExplicitAssignmentWithADuplicateBrokerIsRefused() {
        Placement.Refused refused = refused(Placements.explicit(Map.of(0, List.of(1, 2), 1, List.of(2, 2)), Set.of(1, 2)));
        assertThat(refused.error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(refused.message()).isEqualTo("Duplicate brokers not allowed in replica assignment: 2, 2 for partition id 1.");
    }

    @Test
    void anExplicitAssignmentNamingAnUnknownBrokerIsRefused() {
        Placement.Refused refused = refused(Placements.explicit(Map.of(0, List.of(1, 7, 9)), Set.of(1, 2, 3)));
        assertThat(refused.error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(refused.message()).contains("Unknown broker(s) 7, 9").contains("available brokers: 1, 2, 3");
    }

    @Test
    void anExplicitAssignmentWithUnevenReplicationFactorsIsRefused() {
        Placement.Refused refused = refused(Placements.explicit(
                Map.of(0, List.of(1, 2), 1, List.of(1), 2, List.of(2, 1), 3, List.of(1, 2, 3)), Set.of(1, 2, 3)));
        assertThat(refused.error()).isEqualTo(Errors.INVALID_REPLICA_ASSIGNMENT);
        assertThat(refused.message()).isEqualTo("Inconsistent replication factor between partitions, partition 0 has 2"
                + " while partitions [1, 3] have replication factors [1, 3], respectively.");
    }

    @Test
    void anExplicitAssignmentMustNumberPartitionsFromZeroWithoutGapsOrEmptyLists() {
        assertThat(refused(Placements.explicit(Map.of(0, List.of(1), 2, List.of(1)), Set.of(1))).message())
                .contains("consecutive 0-based");
        assertThat(refused(Placements.explicit(Map.of(0, List.of()), Set.of(1))).message())
                .isEqualTo("Cannot have replication factor of 0 for partition id 0.");
    }

    @Test
    void morePartitionsKeepTheTopicsReplicationFactorAndStayBalanced() {
        List<LiveBroker> live = brokers(1, 2, 3, 4);
        List<List<Integer>> existing = List.of(List.of(2, 3, 4), List.of(3, 4, 1));
        Placement.Assigned added = assigned(Placements.morePartitions(existing, 10, null, live, new Random(0)));
        assertThat(added.replicas().keySet()).containsExactly(2, 3, 4, 5, 6, 7, 8, 9);
        assertThat(added.replicas().values()).allSatisfy(p -> assertThat(p).hasSize(3));
        assertBalanced(new ArrayList<>(added.replicas().values()), live);
        // continues the rotation of partition 0 (leader 2 = index 1): partition 2 is led by index 3
        assertThat(added.replicas().get(2).get(0)).isEqualTo(4);
    }

    @Test
    void morePartitionsRefuseShrinkingStandingStillAndMismatchedAssignments() {
        List<LiveBroker> live = brokers(1, 2);
        List<List<Integer>> existing = List.of(List.of(1, 2), List.of(2, 1), List.of(1, 2));
        assertThat(refused(Placements.morePartitions(existing, 2, null, live, new Random(0))))
                .isEqualTo(new Placement.Refused(Errors.INVALID_PARTITIONS,
                        "Topic currently has 3 partitions, which is higher than the requested 2."));
        assertThat(refused(Placements.morePartitions(existing, 3, null, live, new Random(0))))
                .isEqualTo(new Placement.Refused(Errors.INVALID_PARTITIONS, "Topic already has 3 partitions."));
        assertThat(refused(Placements.morePartitions(existing, 5, List.of(List.of(1, 2)), live, new Random(0))))
                .isEqualTo(new Placement.Refused(Errors.INVALID_REPLICA_ASSIGNMENT,
                        "Increasing the number of partitions by 2 but 1 assignments provided."));
        assertThat(refused(Placements.morePartitions(existing, 4, List.of(List.of(1)), live, new Random(0))).message())
                .contains("partition 0 has 2 while partitions [3] have replication factors [1]");
        assertThat(assigned(Placements.morePartitions(existing, 4, List.of(List.of(2, 1)), live, new Random(0))).replicas())
                .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(3, List.of(2, 1))));
    }

    @Test
    void morePartitionsThanLiveBrokersCanHoldIsInvalidReplicationFactor() {
        List<List<Integer>> existing = List.of(List.of(1, 2, 3));
        assertThat(refused(Placements.morePartitions(existing, 2, null, brokers(1, 2), new Random(0))))
                .isEqualTo(new Placement.Refused(Errors.INVALID_REPLICATION_FACTOR,
                        "Replication factor: 3 larger than available brokers: 2."));
    }
}
