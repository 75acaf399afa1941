package dev.sluice.client.consumer.internals;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.OffsetResetStrategy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the consumer reads: the assigned partitions, each with its position (the next offset to
 * return), paused flag and pending offset reset. Shared by the application thread (poll, seek)
 * and the I/O thread (fetch, reset), so every method synchronizes on this object.
 *
 * <p>The seam for consumer groups: {@link #assign} is called by the user in assign mode; the group
 * coordinator calls {@link #assignFromGroup} on each rebalance. A partition the group hands over
 * waits for its committed offset ({@link #committedFound}) before it falls back to a reset, so
 * the fetcher neither resets nor fetches it meanwhile.
 */
public final class SubscriptionState {
    static final class PartitionState {
        Long position;                 // null: needs a reset
        OffsetResetStrategy reset;     // what to reset to when position is null
        boolean resetInFlight;
        boolean awaitingCommitted;     // a group assigned it: the committed offset comes first
        boolean paused;
        long highWatermark = -1;
    }

    private final OffsetResetStrategy defaultReset;
    private final Map<TopicPartition, PartitionState> assigned = new LinkedHashMap<>();

    public SubscriptionState(OffsetResetStrategy defaultReset) {
        this.defaultReset = defaultReset;
    }

    public synchronized void assign(Collection<TopicPartition> partitions) {
        assigned.keySet().retainAll(partitions);
        for (TopicPartition tp : partitions) {
            assigned.computeIfAbsent(tp, k -> {
                PartitionState s = new PartitionState();
                s.reset = defaultReset;
                return s;
            });
        }
        notifyAll();
    }

    /** Like {@link #assign}, but partitions new to us wait for their committed offsets. */
    public synchronized void assignFromGroup(Collection<TopicPartition> partitions) {
        assigned.keySet().retainAll(partitions);
        for (TopicPartition tp : partitions) {
            assigned.computeIfAbsent(tp, k -> {
                PartitionState s = new PartitionState();
                s.reset = defaultReset;
                s.awaitingCommitted = true;
                return s;
            });
        }
        notifyAll();
    }

    /** Partitions still waiting for their committed offsets. */
    public synchronized Set<TopicPartition> awaitingCommitted() {
        return partitionsWhere(s -> s.awaitingCommitted);
    }

    /**
     * Positions from committed offsets (a missing or negative one means none: the partition is
     * reset by {@code auto.offset.reset}); partitions sought meanwhile are left alone.
     */
    public synchronized void committedFound(Map<TopicPartition, Long> committed) {
        committed.forEach((tp, offset) -> {
            PartitionState s = assigned.get(tp);
            if (s != null && s.awaitingCommitted) {
                s.awaitingCommitted = false;
                s.position = offset != null && offset >= 0 ? offset : null;
            }
        });
        notifyAll();
    }

    /** The position of every partition that has one: what a commit of "everything consumed" sends. */
    public synchronized Map<TopicPartition, Long> allConsumed() {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        assigned.forEach((tp, s) -> {
            if (s.position != null) {
                out.put(tp, s.position);
            }
        });
        return out;
    }

    public synchronized Set<TopicPartition> assignment() {
        return Set.copyOf(assigned.keySet());
    }

    public synchronized boolean isAssigned(TopicPartition tp) {
        return assigned.containsKey(tp);
    }

    public synchronized void seek(TopicPartition tp, long offset) {
        PartitionState s = state(tp);
        s.position = offset;
        s.resetInFlight = false;
        s.awaitingCommitted = false;
        notifyAll();
    }

    /** Drops the position so the fetcher looks one up with {@code strategy}. */
    public synchronized void requestReset(TopicPartition tp, OffsetResetStrategy strategy) {
        PartitionState s = state(tp);
        s.position = null;
        s.reset = strategy;
        s.resetInFlight = false;
        s.awaitingCommitted = false;
        notifyAll();
    }

    /** Sets a looked-up position unless the user sought elsewhere meanwhile. */
    synchronized void resetCompleted(TopicPartition tp, OffsetResetStrategy strategy, long offset) {
        PartitionState s = assigned.get(tp);
        if (s != null && s.position == null && s.reset == strategy) {
            s.position = offset;
            s.resetInFlight = false;
            notifyAll();
        }
    }

    synchronized void resetFailed(TopicPartition tp) {
        PartitionState s = assigned.get(tp);
        if (s != null) {
            s.resetInFlight = false;
        }
    }

    synchronized OffsetResetStrategy resetStrategy(TopicPartition tp) {
        return state(tp).reset;
    }

    synchronized boolean isAwaitingCommitted(TopicPartition tp) {
        return state(tp).awaitingCommitted;
    }

    public synchronized Long position(TopicPartition tp) {
        return state(tp).position;
    }

    /** Advances past returned records, only if nobody moved the position meanwhile. */
    synchronized boolean advance(TopicPartition tp, long expected, long next) {
        PartitionState s = assigned.get(tp);
        if (s == null || s.position == null || s.position != expected) {
            return false;
        }
        s.position = next;
        return true;
    }

    synchronized void highWatermark(TopicPartition tp, long hw) {
        PartitionState s = assigned.get(tp);
        if (s != null) {
            s.highWatermark = hw;
        }
    }

    public synchronized void pause(Collection<TopicPartition> partitions, boolean paused) {
        for (TopicPartition tp : partitions) {
            state(tp).paused = paused;
        }
        notifyAll();
    }

    public synchronized Set<TopicPartition> paused() {
        return partitionsWhere(s -> s.paused);
    }

    /** The assigned partitions whose state matches; the caller holds the lock. */
    private Set<TopicPartition> partitionsWhere(Predicate<PartitionState> test) {
        List<TopicPartition> out = new ArrayList<>();
        assigned.forEach((tp, s) -> {
            if (test.test(s)) {
                out.add(tp);
            }
        });
        return Set.copyOf(out);
    }

    synchronized boolean isFetchable(TopicPartition tp) {
        PartitionState s = assigned.get(tp);
        return s != null && !s.paused && s.position != null;
    }

    /** Partitions that need a reset lookup now, grouped by strategy; marks them in flight. */
    synchronized Map<TopicPartition, OffsetResetStrategy> takeResets() {
        Map<TopicPartition, OffsetResetStrategy> out = new LinkedHashMap<>();
        assigned.forEach((tp, s) -> {
            if (s.position == null && !s.resetInFlight && !s.awaitingCommitted) {
                out.put(tp, s.reset);
            }
        });
        return out;
    }

    synchronized void markResetInFlight(TopicPartition tp) {
        PartitionState s = assigned.get(tp);
        if (s != null) {
            s.resetInFlight = true;
        }
    }

    /** Partitions with a position to fetch from: (partition, offset), not paused. */
    synchronized Map<TopicPartition, Long> fetchPositions() {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        assigned.forEach((tp, s) -> {
            if (!s.paused && s.position != null) {
                out.put(tp, s.position);
            }
        });
        return out;
    }

    private PartitionState state(TopicPartition tp) {
        PartitionState s = assigned.get(tp);
        if (s == null) {
            throw new IllegalStateException(tp + " is not assigned to this consumer");
        }
        return s;
    }
}
