package dev.sluice.replication.fetch;

import dev.sluice.api.storage.EpochEndOffset;

import java.util.function.IntFunction;

/**
 * Where a follower truncates when its leader says the logs diverged (KIP-101, KIP-279; with
 * KIP-595 the leader's answer comes in the fetch as DivergingEpoch): Kafka's
 * {@code AbstractFetcherThread.getOffsetTruncationState}, rule for rule. Pure: no I/O.
 */
final class Truncation {
    private Truncation() {
    }

    /**
     * @param leader          the leader's largest epoch at or below the follower's last fetched one, and its end
     * @param followerEpochs  the follower's own answer for an epoch (its {@code endOffsetForEpoch})
     * @param followerLogEnd  the follower's log end
     * @param fetchOffset     where the follower fetched from
     * @return the offset to truncate to (at most the log end); {@code complete} false when the follower
     * lacked the leader's epoch and only cut back to its own end of the epoch below: another round follows
     */
    static Target target(EpochEndOffset leader, IntFunction<EpochEndOffset> followerEpochs, long followerLogEnd,
                         long fetchOffset) {
        if (leader.endOffset() < 0) {
            // the leader knows no epoch at or below ours: nothing to compare, keep what we have
            return new Target(Math.min(fetchOffset, followerLogEnd), true);
        }
        if (leader.epoch() < 0) {
            return new Target(Math.min(leader.endOffset(), followerLogEnd), true);
        }
        EpochEndOffset mine = followerEpochs.apply(leader.epoch());
        if (mine.isUndefined()) {
            // we hold no epoch at or below the leader's: its end is the safe point
            return new Target(Math.min(leader.endOffset(), followerLogEnd), true);
        }
        if (mine.epoch() != leader.epoch()) {
            // we never saw the leader's epoch: cut to the end of our largest epoch below it and ask again
            return new Target(Math.min(mine.endOffset(), followerLogEnd), false);
        }
        return new Target(Math.min(Math.min(mine.endOffset(), leader.endOffset()), followerLogEnd), true);
    }

    record Target(long offset, boolean complete) {
    }
}
