package dev.sluice.client.consumer.assignor;

import dev.sluice.api.storage.TopicPartition;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One member's subscription as the group leader sees it (Kafka's ConsumerProtocolSubscription plus
 * the member's identity from JoinGroup).
 *
 * @param memberId        the coordinator-assigned member id
 * @param groupInstanceId {@code group.instance.id} of a static member, else null
 * @param topics          subscribed topics
 * @param ownedPartitions partitions the member holds now (protocol v1+; cooperative assignors use them)
 * @param generationId    the generation those partitions come from, -1 if unknown (v2+)
 * @param userData        assignor-specific bytes, or null
 */
public record MemberSubscription(String memberId, String groupInstanceId, List<String> topics,
                                 List<TopicPartition> ownedPartitions, int generationId, ByteBuffer userData) {
    public MemberSubscription {
        topics = List.copyOf(topics);
        ownedPartitions = List.copyOf(ownedPartitions);
        userData = userData == null ? null : userData.asReadOnlyBuffer();
    }

    /** A member that owns nothing yet. */
    public static MemberSubscription of(String memberId, List<String> topics) {
        return new MemberSubscription(memberId, null, topics, List.of(), -1, null);
    }
}
