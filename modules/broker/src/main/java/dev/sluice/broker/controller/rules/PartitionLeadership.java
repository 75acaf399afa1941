package dev.sluice.broker.controller.rules;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the controller records for one partition: its replicas (the first is the preferred leader),
 * the leader ({@link #NO_LEADER} when none is eligible), the leader epoch and the in-sync replicas.
 * An immutable value; any thread.
 *
 * <p>The constructor refuses states that break the controller's invariants, so no rule can produce
 * one: the ISR is never empty (KIP-966: when its last member fails it stays in the ISR, and the
 * partition has no leader until that member or, with unclean election, another replica returns),
 * the ISR is a subset of the replicas, and the leader is an ISR member or {@link #NO_LEADER}.
 */
public record PartitionLeadership(List<Integer> replicas, int leader, int leaderEpoch, List<Integer> isr) {

    public static final int NO_LEADER = -1;

    public PartitionLeadership {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        if (replicas.isEmpty()) {
            throw new IllegalArgumentException("a partition needs at least one replica");
        }
        if (new HashSet<>(replicas).size() != replicas.size()) {
            throw new IllegalArgumentException("duplicate replicas: " + replicas);
        }
        if (isr.isEmpty()) {
            throw new IllegalArgumentException("the ISR is never empty (replicas " + replicas + ")");
        }
        if (new HashSet<>(isr).size() != isr.size() || !replicas.containsAll(isr)) {
            throw new IllegalArgumentException("ISR " + isr + " is not a set of replicas " + replicas);
        }
        if (leader != NO_LEADER && !isr.contains(leader)) {
            throw new IllegalArgumentException("leader " + leader + " is not in the ISR " + isr);
        }
        if (leaderEpoch < 0) {
            throw new IllegalArgumentException("leader epoch must be >= 0: " + leaderEpoch);
        }
    }

    /** The replica that leads when the assignment is balanced: the first one. */
    public int preferredLeader() {
        return replicas.get(0);
    }

    public boolean hasLeader() {
        return leader != NO_LEADER;
    }

    /** Whether the leader is one of {@code live}; false without a leader. */
    public boolean leaderIn(Set<Integer> live) {
        return leader != NO_LEADER && live.contains(leader);
    }

    /** The next state: the given leader and ISR with the leader epoch raised by one. */
    public PartitionLeadership next(int newLeader, List<Integer> newIsr) {
        return new PartitionLeadership(replicas, newLeader, Math.addExact(leaderEpoch, 1), newIsr);
    }
}
