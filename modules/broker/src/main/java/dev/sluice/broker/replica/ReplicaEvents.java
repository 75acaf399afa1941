package dev.sluice.broker.replica;

/**
 * What the replica manager tells the broker's metrics as traffic passes (Kafka's BrokerTopicStats
 * and the ISR meters). Called on request handler threads and on the threads completing delayed
 * fetches and ISR changes: implementations must be thread-safe and cheap (no locks, no allocation
 * once a topic is known).
 */
public interface ReplicaEvents {
    ReplicaEvents NONE = new ReplicaEvents() {
    };

    /** A produce appended {@code messages} records in {@code bytes} bytes of batches to a partition of {@code topic} as leader. */
    default void appended(String topic, long messages, long bytes) {
    }

    /** A follower appended {@code bytes} of batches fetched from the leader of a partition of {@code topic}. */
    default void replicated(String topic, long bytes) {
    }

    /** A produce to a partition of {@code topic} was refused. */
    default void produceFailed(String topic) {
    }

    /** A fetch answered a partition of {@code topic} with {@code bytes} of records. */
    default void fetched(String topic, boolean follower, long bytes) {
    }

    /** A fetch of a partition of {@code topic} was answered with an error. */
    default void fetchFailed(String topic, boolean follower) {
    }

    /** A fetch's answer is going out: its traffic per topic (on the thread completing it). */
    default void fetchAnswered(FetchParams params, java.util.List<FetchTarget> targets,
                               java.util.List<FetchPartitionResult> results) {
        if (this == NONE) {
            return;
        }
        for (int i = 0; i < results.size(); i++) {
            dev.sluice.api.storage.TopicPartition tp = targets.get(i).topicPartition();
            if (tp == null) {
                continue;
            }
            FetchPartitionResult r = results.get(i);
            if (r.error() == dev.sluice.protocol.Errors.NONE) {
                fetched(tp.topic(), params.fromFollower(), r.records().sizeInBytes());
            } else {
                fetchFailed(tp.topic(), params.fromFollower());
            }
        }
    }

    /** The controller committed an ISR change this broker proposed as leader. */
    default void isrChanged(boolean expand) {
    }
}
