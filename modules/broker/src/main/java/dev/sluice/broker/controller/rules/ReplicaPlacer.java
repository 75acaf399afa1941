package dev.sluice.broker.controller.rules;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Automatic replica placement for new partitions over the live brokers. Stateless; any thread.
 *
 * <p>First Kafka's {@code AdminUtils} placement: leaders go round-robin over the brokers sorted by id
 * from a start index, and each partition's followers follow its leader at a shift that grows by one
 * every full round, so the same pairs of brokers do not always share partitions. When any broker has
 * a {@code broker.rack}, the broker list is first arranged to alternate racks, and a follower is
 * skipped while its rack (or the broker itself) already holds a replica of the partition and some
 * rack (or broker) holds none, so a partition's replicas sit on distinct racks where possible. Brokers
 * without a rack then count as one rack of their own (as Kafka's KRaft placer does).
 *
 * <p>Then a balancing pass Kafka lacks: with a partition count that is not a multiple of the broker
 * count, the shifted followers can pile up (2 replicas on one broker, 0 on another). Followers are
 * moved from a most-loaded to a least-loaded broker, never lowering the number of racks a partition
 * spans, until the replica counts differ by at most one (or no such move exists: uneven racks). Leaders
 * never move, so their counts, round-robin, differ by at most one as well.
 */
public final class ReplicaPlacer {

    private ReplicaPlacer() {
    }

    /**
     * Replicas for partitions {@code firstPartitionId .. firstPartitionId + partitions - 1}, in order;
     * each list starts with the partition's leader.
     *
     * @param brokers the live brokers, at least {@code replicationFactor} of them, distinct ids
     */
    public static List<List<Integer>> place(List<LiveBroker> brokers, int partitions, int replicationFactor,
                                            int firstPartitionId, PlacementStart start) {
        Objects.requireNonNull(start, "start");
        if (replicationFactor < 1 || replicationFactor > brokers.size()) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " for " + brokers.size() + " brokers");
        }
        if (partitions < 0 || firstPartitionId < 0) {
            throw new IllegalArgumentException("partitions " + partitions + " from " + firstPartitionId);
        }
        List<LiveBroker> sorted = new ArrayList<>(brokers);
        sorted.sort(Comparator.comparingInt(LiveBroker::id));
        boolean rackAware = sorted.stream().anyMatch(b -> b.rack().isPresent());
        List<LiveBroker> arranged = rackAware ? alternateRacks(sorted) : sorted;
        List<List<Integer>> placed = rackAware
                ? rackAware(arranged, partitions, replicationFactor, firstPartitionId, start)
                : rackUnaware(arranged, partitions, replicationFactor, firstPartitionId, start);
        Map<Integer, String> rackOf = new HashMap<>();
        for (LiveBroker b : sorted) {
            rackOf.put(b.id(), rackKey(b));
        }
        balanceFollowers(placed, sorted, rackAware ? rackOf::get : id -> "broker-" + id);
        List<List<Integer>> result = new ArrayList<>(placed.size());
        for (List<Integer> replicas : placed) {
            result.add(List.copyOf(replicas));
        }
        return List.copyOf(result);
    }

    private static List<List<Integer>> rackUnaware(List<LiveBroker> brokers, int partitions, int rf,
                                                   int firstPartitionId, PlacementStart start) {
        int n = brokers.size();
        int startIndex = start.startIndex() % n;
        int shift = start.replicaShift() % n;
        List<List<Integer>> result = new ArrayList<>(partitions);
        int partitionId = firstPartitionId;
        for (int i = 0; i < partitions; i++, partitionId++) {
            if (partitionId > 0 && partitionId % n == 0) {
                shift++;
            }
            int first = (partitionId + startIndex) % n;
            List<Integer> replicas = new ArrayList<>(rf);
            replicas.add(brokers.get(first).id());
            for (int j = 0; j < rf - 1; j++) {
                replicas.add(brokers.get(followerIndex(first, shift, j, n)).id());
            }
            result.add(replicas);
        }
        return result;
    }

    private static List<List<Integer>> rackAware(List<LiveBroker> arranged, int partitions, int rf,
                                                 int firstPartitionId, PlacementStart start) {
        int n = arranged.size();
        int racks = (int) arranged.stream().map(ReplicaPlacer::rackKey).distinct().count();
        int startIndex = start.startIndex() % n;
        int shift = start.replicaShift() % n;
        List<List<Integer>> result = new ArrayList<>(partitions);
        int partitionId = firstPartitionId;
        for (int i = 0; i < partitions; i++, partitionId++) {
            if (partitionId > 0 && partitionId % n == 0) {
                shift++;
            }
            int first = (partitionId + startIndex) % n;
            LiveBroker leader = arranged.get(first);
            List<Integer> replicas = new ArrayList<>(rf);
            replicas.add(leader.id());
            Set<String> racksUsed = new HashSet<>();
            racksUsed.add(rackKey(leader));
            int k = 0;
            for (int j = 0; j < rf - 1; j++) {
                while (true) {
                    // n > 1 here (rf <= n); every candidate index is tried within n - 1 steps of k,
                    // and some broker satisfies both conditions while the partition has fewer than n replicas
                    LiveBroker candidate = arranged.get(followerIndex(first, shift * racks, k++, n));
                    String rack = rackKey(candidate);
                    boolean rackOk = !racksUsed.contains(rack) || racksUsed.size() == racks;
                    boolean brokerOk = !replicas.contains(candidate.id());
                    if (rackOk && brokerOk) {
                        replicas.add(candidate.id());
                        racksUsed.add(rack);
                        break;
                    }
                }
            }
            result.add(replicas);
        }
        return result;
    }

    /** Kafka's follower index: 1 .. n-1 places after the leader, rotating with the shift. */
    private static int followerIndex(int first, int shift, int replica, int n) {
        int offset = 1 + (int) (((long) shift + replica) % (n - 1));
        return (first + offset) % n;
    }

    /** Brokers ordered so racks alternate: first broker of each rack (racks sorted), then the second... */
    static List<LiveBroker> alternateRacks(List<LiveBroker> sortedById) {
        TreeMap<String, Iterator<LiveBroker>> byRack = new TreeMap<>();
        Map<String, List<LiveBroker>> lists = new TreeMap<>();
        for (LiveBroker b : sortedById) {
            lists.computeIfAbsent(rackKey(b), r -> new ArrayList<>()).add(b);
        }
        lists.forEach((rack, list) -> byRack.put(rack, list.iterator()));
        List<LiveBroker> result = new ArrayList<>(sortedById.size());
        while (result.size() < sortedById.size()) {
            for (Iterator<LiveBroker> it : byRack.values()) {
                if (it.hasNext()) {
                    result.add(it.next());
                }
            }
        }
        return result;
    }

    /** The rack as a grouping key; brokers without one share a key no real rack can have ("" sorts first). */
    private static String rackKey(LiveBroker b) {
        Optional<String> rack = b.rack();
        return rack.map(r -> "r:" + r).orElse("");
    }

    private interface RackOf {
        String rack(int brokerId);
    }

    private static void balanceFollowers(List<List<Integer>> placed, List<LiveBroker> brokers, RackOf rackOf) {
        Map<Integer, Integer> load = new HashMap<>();
        for (LiveBroker b : brokers) {
            load.put(b.id(), 0);
        }
        for (List<Integer> replicas : placed) {
            for (int id : replicas) {
                load.merge(id, 1, Integer::sum);
            }
        }
        while (true) {
            int max = load.values().stream().max(Integer::compare).orElse(0);
            int min = load.values().stream().min(Integer::compare).orElse(0);
            if (max - min <= 1 || !shiftOneReplica(placed, load, max, min, brokers, rackOf)) {
                return;
            }
        }
    }

    /** One follower move: {@code partition}'s replica {@code index} becomes broker {@code to}. */
    private record Move(int partition, int index, int to) {
    }

    /**
     * Lowers a most-loaded broker by one and raises a least-loaded one by one, through a shortest chain
     * of follower moves (a direct move may be ruled out by racks: then b → c → d where each step keeps
     * its partition's racks, and the brokers in between keep their counts). False if no chain exists.
     */
    private static boolean shiftOneReplica(List<List<Integer>> placed, Map<Integer, Integer> load, int max, int min,
                                           List<LiveBroker> brokers, RackOf rackOf) {
        Map<Integer, Move> reachedBy = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (LiveBroker b : brokers) {
            if (load.get(b.id()) == max) {
                reachedBy.put(b.id(), null);
                queue.add(b.id());
            }
        }
        while (!queue.isEmpty()) {
            int from = queue.poll();
            for (int p = 0; p < placed.size(); p++) {
                List<Integer> replicas = placed.get(p);
                int j = replicas.indexOf(from);
                if (j < 1) {
                    continue; // leaders stay; a partition without this broker offers no move
                }
                for (LiveBroker b : brokers) {
                    int to = b.id();
                    if (reachedBy.containsKey(to) || replicas.contains(to) || !keepsRacks(replicas, j, to, rackOf)) {
                        continue;
                    }
                    reachedBy.put(to, new Move(p, j, to));
                    if (load.get(to) == min) {
                        return applyChain(placed, load, reachedBy, to, rackOf);
                    }
                    queue.add(to);
                }
            }
        }
        return false;
    }

    private static boolean applyChain(List<List<Integer>> placed, Map<Integer, Integer> load,
                                      Map<Integer, Move> reachedBy, int end, RackOf rackOf) {
        List<Move> chain = new ArrayList<>();
        for (Move m = reachedBy.get(end); m != null; m = reachedBy.get(placed.get(m.partition()).get(m.index()))) {
            chain.add(m);
        }
        // moves were found on the state before any of them: each is checked again as it is made
        for (Move m : chain) {
            List<Integer> replicas = placed.get(m.partition());
            if (replicas.contains(m.to()) || !keepsRacks(replicas, m.index(), m.to(), rackOf)) {
                return false;
            }
            int from = replicas.set(m.index(), m.to());
            load.merge(from, -1, Integer::sum);
            load.merge(m.to(), 1, Integer::sum);
        }
        return true;
    }

    /** Whether replacing replica {@code j} by broker {@code to} leaves the partition on at least as many racks. */
    private static boolean keepsRacks(List<Integer> replicas, int j, int to, RackOf rackOf) {
        String fromRack = rackOf.rack(replicas.get(j));
        String toRack = rackOf.rack(to);
        if (fromRack.equals(toRack)) {
            return true;
        }
        boolean fromRackStays = false;
        boolean toRackPresent = false;
        for (int i = 0; i < replicas.size(); i++) {
            if (i == j) {
                continue;
            }
            String rack = rackOf.rack(replicas.get(i));
            fromRackStays |= rack.equals(fromRack);
            toRackPresent |= rack.equals(toRack);
        }
        return fromRackStays || !toRackPresent;
    }
}
