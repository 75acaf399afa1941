package dev.sluice.client.consumer.assignor;

import dev.sluice.api.storage.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code range}: per topic, the subscribers in member order each take a contiguous run of
 * partitions; the first {@code partitions % members} take one extra. Members subscribed to the
 * same topics get the same partition numbers of each, which suits joins of co-partitioned topics.
 */
public final class RangeAssignor implements PartitionAssignor {
    public static final String NAME = "range";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Map<String, List<TopicPartition>> assign(Map<String, Integer> partitionsPerTopic,
                                                    Map<String, MemberSubscription> subscriptions) {
        Map<String, List<TopicPartition>> out = new HashMap<>();
        Map<String, List<MemberSubscription>> subscribersByTopic = new TreeMap<>();
        for (MemberSubscription member : subscriptions.values()) {
            out.put(member.memberId(), new ArrayList<>());
            for (String topic : member.topics()) {
                subscribersByTopic.computeIfAbsent(topic, t -> new ArrayList<>()).add(member);
            }
        }
        subscribersByTopic.forEach((topic, members) -> {
            Integer partitions = partitionsPerTopic.get(topic);
            if (partitions == null) {
                return; // no metadata for it: nothing to hand out
            }
            members.sort(MemberOrder.ORDER);
            int perMember = partitions / members.size();
            int extra = partitions % members.size();
            for (int i = 0; i < members.size(); i++) {
                int start = perMember * i + Math.min(i, extra);
                int length = perMember + (i < extra ? 1 : 0);
                List<TopicPartition> mine = out.get(members.get(i).memberId());
                for (int p = start; p < start + length; p++) {
                    mine.add(new TopicPartition(topic, p));
                }
            }
        });
        return out;
    }
}
