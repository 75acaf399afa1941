package dev.sluice.client.consumer.assignor;

import dev.sluice.api.storage.TopicPartition;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Splits partitions among group members; run by the leader only. Implementations are pure
 * functions of their input, so every member would compute the same answer.
 */
public interface PartitionAssignor {
    /** The protocol name sent in JoinGroup, e.g. {@code range}; must match kafka-clients' to mix. */
    String name();

    default RebalanceProtocol rebalanceProtocol() {
        return RebalanceProtocol.EAGER;
    }

    /** Assignor-specific userData this member adds to its subscription; null for none. */
    default ByteBuffer subscriptionUserData(int generationId) {
        return null;
    }

    /**
     * @param partitionsPerTopic partition counts of the subscribed topics that exist (others are skipped)
     * @param subscriptions      by member id
     * @return for every member id in {@code subscriptions}, its partitions (possibly empty)
     */
    Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
                                             Map<String, MemberSubscription> subscriptions);
}
