package dev.sluice.broker.replica;

import dev.sluice.api.storage.TopicPartition;

/**
 * Hears which partitions this broker leads, as the controller's requests settle them (Kafka's
 * {@code onLeadershipChange}): the group coordinator loads and unloads the groups of a partition of
 * {@code __consumer_offsets} with it. Called on the request handler thread applying the control
 * request, one request at a time, after the partition's role changed; must return quickly.
 */
public interface LeadershipListener {

    /** This broker leads {@code tp} in {@code leaderEpoch} (newly, or a LeaderAndIsr confirmed it). */
    void becameLeader(TopicPartition tp, int leaderEpoch);

    /** This broker no longer leads {@code tp}: it follows another leader, or the replica was stopped. */
    void resigned(TopicPartition tp, int leaderEpoch);
}
