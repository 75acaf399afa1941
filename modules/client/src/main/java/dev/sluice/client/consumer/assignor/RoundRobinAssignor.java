package dev.sluice.client.consumer.assignor;

import dev.sluice.api.storage.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code roundrobin}: all partitions of all subscribed topics, sorted by topic then partition, are
 * dealt one at a time to the members in member order, skipping members not subscribed to the
 * partition's topic. With equal subscriptions counts differ by at most one.
 */
public final class RoundRobinAssignor implements PartitionAssignor {
    public static final String NAME = "roundrobin";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
                                                    Map<String, MemberSubscription> subscriptions) {
        Map<String, List<TopicPartition>> out = new HashMap<>();
        List<MemberSubscription> members = new ArrayList<>(subscriptions.values());
        members.sort(MemberOrder.ORDER);
        TreeSet<String> topics = new TreeSet<>();
        for (MemberSubscription member : members) {
            out.put(member.memberId(), new ArrayList<>());
            topics.addAll(member.topics());
        }
        int next = 0; // the dealer's position in the member circle
        for (String topic : topics) {
            Integer partitions = partitionsPerTopic.get(topic);
            if (partitions == null) {
                continue;
            }
            for (int p = 0; p < partitions; p++) {
                while (!members.get(next).topics().contains(topic)) {
                    next = (next + 1) % members.size();
                }
                out.get(members.get(next).memberId()).add(new TopicPartition(topic, p));
                next = (next + 1) % members.size();
            }
        }
        return out;
    }
}
