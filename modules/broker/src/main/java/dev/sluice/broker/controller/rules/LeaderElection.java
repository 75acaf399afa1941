package dev.sluice.broker.controller.rules;

import dev.sluice.protocol.Errors;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Who leads a partition, as Kafka's controller decides it ({@code PartitionLeaderElectionAlgorithms}
 * and the ISR removal of {@code KafkaController}). Candidates are tried in replica order, so the
 * preferred leader wins whenever it is eligible. Stateless; any thread.
 *
 * <p>Every rule keeps these: a new leader comes from the live ISR, unless unclean election is enabled
 * (then any live replica, which becomes the whole ISR); each change raises the leader epoch by one;
 * the ISR is never emptied: members that are down are dropped only while one stays, so when the last
 * in-sync replica fails it stays in the ISR and the partition has no leader ({@code -1}) until that
 * replica returns (KIP-966). An ISR whose members all failed at once is kept whole: each of them holds
 * every acknowledged record, and whichever returns first may lead.
 */
public final class LeaderElection {

    private LeaderElection() {
    }

    /**
     * The first state of a new partition: its first live replica leads, the live replicas are the ISR.
     * No live replica: INVALID_REPLICATION_FACTOR (as KRaft refuses such a manual assignment).
     */
    public static Election newPartition(List<Integer> replicas, Set<Integer> live, int initialLeaderEpoch) {
        List<Integer> liveReplicas = retain(replicas, live);
        if (liveReplicas.isEmpty()) {
            return new Election.NotElected(Errors.INVALID_REPLICATION_FACTOR,
                    "All brokers of the replica assignment " + replicas + " are offline.");
        }
        return new Election.Elected(new PartitionLeadership(replicas, liveReplicas.get(0), initialLeaderEpoch, liveReplicas), false);
    }

    /**
     * After brokers failed or returned ({@code live} = the brokers alive now): down members leave the
     * ISR (never the last), a leader that is down is replaced from the live ISR (or, with
     * {@code uncleanEnabled}, from any live replica), and a partition without a leader gets one as soon
     * as an eligible replica is back.
     */
    public static PartitionChange afterBrokerChange(PartitionLeadership state, Set<Integer> live, boolean uncleanEnabled) {
        List<Integer> liveIsr = retain(state.isr(), live);
        if (state.leaderIn(live)) {
            return liveIsr.size() == state.isr().size()
                    ? PartitionChange.UNCHANGED
                    : new PartitionChange.Changed(state.next(state.leader(), liveIsr), false);
        }
        Integer candidate = firstIn(state.replicas(), liveIsr);
        if (candidate != null) {
            return new PartitionChange.Changed(state.next(candidate, liveIsr), false);
        }
        if (uncleanEnabled) {
            Integer anyLive = firstIn(state.replicas(), live);
            if (anyLive != null) {
                return new PartitionChange.Changed(state.next(anyLive, List.of(anyLive)), true);
            }
        }
        // no eligible replica is up; the ISR keeps its (down) members so one of them can lead on return
        return state.hasLeader()
                ? new PartitionChange.Changed(state.next(PartitionLeadership.NO_LEADER, state.isr()), false)
                : PartitionChange.UNCHANGED;
    }

    /**
     * Controlled shutdown of {@code shuttingDown}: a partition they lead moves to the first live ISR
     * member not shutting down (none: it stays, and the broker is told the partition remains), and they
     * leave the ISR of partitions whose ISR keeps other members.
     */
    public static PartitionChange controlledShutdown(PartitionLeadership state, Set<Integer> live, Set<Integer> shuttingDown) {
        List<Integer> isrWithout = new ArrayList<>(state.isr());
        isrWithout.removeAll(shuttingDown);
        if (state.hasLeader() && shuttingDown.contains(state.leader())) {
            Integer candidate = null;
            for (int replica : state.replicas()) {
                if (isrWithout.contains(replica) && live.contains(replica)) {
                    candidate = replica;
                    break;
                }
            }
            return candidate == null
                    ? PartitionChange.UNCHANGED
                    : new PartitionChange.Changed(state.next(candidate, isrWithout), false);
        }
        if (isrWithout.isEmpty() || isrWithout.size() == state.isr().size()) {
            return PartitionChange.UNCHANGED;
        }
        return new PartitionChange.Changed(state.next(state.leader(), isrWithout), false);
    }

    /**
     * A PREFERRED election (ElectLeaders, or automatic rebalancing): the first replica leads if it is
     * eligible ({@code eligible}: live and not shutting down) and in the ISR; ISR unchanged.
     */
    public static Election preferred(PartitionLeadership state, Set<Integer> eligible) {
        int preferred = state.preferredLeader();
        if (state.leader() == preferred) {
            return new Election.NotElected(Errors.ELECTION_NOT_NEEDED, Errors.ELECTION_NOT_NEEDED.message());
        }
        if (!eligible.contains(preferred) || !state.isr().contains(preferred)) {
            return new Election.NotElected(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "The preferred leader " + preferred
                    + (eligible.contains(preferred) ? " is not in the ISR " + state.isr() + "." : " is not available."));
        }
        return new Election.Elected(state.next(preferred, state.isr()), false);
    }

    /**
     * An UNCLEAN election (ElectLeaders): only for a partition whose leader is down; the live ISR is
     * preferred, else any live replica leads alone.
     */
    public static Election unclean(PartitionLeadership state, Set<Integer> eligible) {
        if (state.leaderIn(eligible)) {
            return new Election.NotElected(Errors.ELECTION_NOT_NEEDED, Errors.ELECTION_NOT_NEEDED.message());
        }
        PartitionChange change = afterBrokerChange(state, eligible, true);
        if (change instanceof PartitionChange.Changed changed && changed.state().hasLeader()) {
            return new Election.Elected(changed.state(), changed.unclean());
        }
        return new Election.NotElected(Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE,
                "No replica of " + state.replicas() + " is available to lead.");
    }

    private static List<Integer> retain(List<Integer> ordered, Collection<Integer> keep) {
        List<Integer> result = new ArrayList<>(ordered.size());
        for (int id : ordered) {
            if (keep.contains(id)) {
                result.add(id);
            }
        }
        return result;
    }

    private static Integer firstIn(List<Integer> replicas, Collection<Integer> set) {
        for (int id : replicas) {
            if (set.contains(id)) {
                return id;
            }
        }
        return null;
    }
}
