package dev.sluice.broker.partition;

/**
 * What this broker is for a partition: its leader (appends, serves consumers and followers), a
 * follower of another broker (copies the leader's log; produce and fetch are refused with the
 * leader's id and epoch as a hint), or offline (its log directory failed).
 */
public sealed interface PartitionRole {

    /** The leader epoch this broker knows for the partition (-1 if offline). */
    int leaderEpoch();

    /** This broker leads the partition in {@code leaderEpoch}. */
    record Leader(int leaderEpoch) implements PartitionRole {
    }

    /** Broker {@code leaderId} leads the partition in {@code leaderEpoch}; this one follows. */
    record Follower(int leaderId, int leaderEpoch) implements PartitionRole {
    }

    /** The partition's log is unusable (its log directory failed). */
    record Offline() implements PartitionRole {
        @Override
        public int leaderEpoch() {
            return -1;
        }
    }
}
