package dev.sluice.broker.partition;

import dev.sluice.api.storage.TopicPartition;

import java.util.Set;

/**
 * An ISR change a partition's leader proposes to the controller (AlterPartition): the in-sync
 * followers it wants, at the leader epoch and partition epoch it knows. It counts only once the
 * controller has written it; until then the partition keeps it as pending (one at a time).
 * Immutable; compared by identity where it matters (an answer is applied only to the change it
 * answers).
 *
 * @param inSyncFollowers the proposed ISR without the leader
 * @param expand          true if it adds a follower, false if it removes followers
 */
public record IsrChange(TopicPartition topicPartition, int leaderEpoch, int partitionEpoch, Set<Integer> inSyncFollowers,
                        boolean expand) {
    public IsrChange {
        inSyncFollowers = Set.copyOf(inSyncFollowers);
    }
}
