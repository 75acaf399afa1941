package dev.sluice.api.offset;

/**
 * A consumer group's committed position in one partition.
 *
 * @param offset          next offset the group will consume
 * @param leaderEpoch     leader epoch of the last consumed record, or -1
 * @param metadata        client-supplied string (may be empty, never null)
 * @param commitTimestamp when the broker stored it (ms)
 * @param expireTimestamp when it may be dropped, or -1 for the broker's retention policy
 */
public record CommittedOffset(long offset, int leaderEpoch, String metadata, long commitTimestamp, long expireTimestamp) {
    public CommittedOffset {
        if (metadata == null) {
            metadata = "";
        }
    }
}
