package dev.sluice.api.storage;

import java.util.List;

/**
 * The answer to OffsetsForLeaderEpoch for one partition: the largest epoch at or below the
 * requested one that the log knows, and where that epoch ended (the start of the next higher
 * epoch, or the log end for the latest). {@link #UNDEFINED} (-1, -1) when the log cannot say.
 */
public record EpochEndOffset(int epoch, long endOffset) {
    /** Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. */
    public static final EpochEndOffset UNDEFINED = new EpochEndOffset(-1, -1L);

    public boolean isUndefined() {
        return endOffset < 0;
    }

    /**
     * Kafka's {@code LeaderEpochFileCache.endOffsetFor}, rule for rule, over a history ordered by
     * epoch (and start offset):
     * <ul>
     *   <li>requested -1 (a client on the old format): undefined;</li>
     *   <li>the latest epoch: (it, the log end), since it is still being written;</li>
     *   <li>above the latest epoch (or an empty history): undefined;</li>
     *   <li>below the first epoch: (the requested epoch, where the first epoch starts): the data
     *       before it is gone, so a follower or consumer truncates to the log's beginning;</li>
     *   <li>otherwise: (the largest epoch below or equal, the start of the next higher epoch).</li>
     * </ul>
     */
    public static EpochEndOffset find(List<EpochEntry> history, int requested, long logEndOffset) {
        if (requested == UNDEFINED.epoch() || history.isEmpty()) {
            return UNDEFINED;
        }
        EpochEntry latest = history.get(history.size() - 1);
        if (latest.epoch() == requested) {
            return new EpochEndOffset(requested, logEndOffset);
        }
        EpochEntry floor = null;
        for (EpochEntry entry : history) {
            if (entry.epoch() > requested) {
                return new EpochEndOffset(floor == null ? requested : floor.epoch(), entry.startOffset());
            }
            floor = entry;
        }
        return UNDEFINED; // above the latest epoch
    }
}
