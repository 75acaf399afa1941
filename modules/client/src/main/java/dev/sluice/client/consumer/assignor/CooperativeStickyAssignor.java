package dev.sluice.client.consumer.assignor;

import dev.sluice.api.storage.TopicPartition;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * {@code cooperative-sticky}: a balanced assignment that keeps partitions where they are (see
 * {@link StickyBalancer}), made safe for incremental rebalancing: a partition that moves from one
 * member to another is left out of this round, so its owner revokes it first; the owner's rejoin
 * triggers a second rebalance that hands it over.
 *
 * <p>Its userData is the member's generation as an int32, as kafka-clients writes it, for leaders
 * that read subscriptions older than version 2 (which carry no generation field).
 */
public final class CooperativeStickyAssignor implements PartitionAssignor {
    public static final String NAME = "cooperative-sticky";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RebalanceProtocol rebalanceProtocol() {
        return RebalanceProtocol.COOPERATIVE;
    }

    @Override
    public ByteBuffer subscriptionUserData(int generationId) {
        return ByteBuffer.allocate(4).putInt(0, generationId);
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
                                                    Map<String, MemberSubscription> subscriptions) {
        Map<TopicPartition, String> owners = StickyBalancer.previousOwners(partitionsPerTopic, subscriptions,
                CooperativeStickyAssignor::generation);
        Map<String, List<TopicPartition>> assignment = StickyBalancer.balance(partitionsPerTopic, subscriptions, owners);
        assignment.forEach((member, partitions) -> partitions.removeIf(tp -> {
            String owner = owners.get(tp);
            return owner != null && !owner.equals(member); // still owned elsewhere: revoke first
        }));
        return assignment;
    }

    /** The subscription's generation field, else the one in its userData, else -1. */
    static int generation(MemberSubscription member) {
        if (member.generationId() >= 0) {
            return member.generationId();
        }
        ByteBuffer data = member.userData();
        return data != null && data.remaining() >= 4 ? data.getInt(data.position()) : -1;
    }
}
