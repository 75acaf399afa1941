package dev.sluice.client.consumer.assignor;

import dev.sluice.api.storage.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * The sticky assignment core: keep every member's valid owned partitions, deal the rest to the
 * least loaded eligible member, then move partitions from a member to an eligible one holding at
 * least two fewer until no such move exists. The result is balanced in Kafka's sense (with equal
 * subscriptions counts differ by at most one) and moves as few owned partitions as the balance
 * allows: newly dealt partitions move before owned ones.
 */
final class StickyBalancer {
    private StickyBalancer() {
    }

    /**
     * Who owns each partition now, by the members' claims: claims on partitions that no longer
     * exist or of topics the claimer left are void; on a conflict the newest generation wins (a
     * member that missed a rebalance still lists what it used to own), then member order.
     */
    static Map<TopicPartition, String> previousOwners(Map<String, Integer> partitionsPerTopic,
                                                      Map<String, MemberSubscription> subscriptions,
                                                      ToIntFunction<MemberSubscription> generation) {
        List<MemberSubscription> claimers = new ArrayList<>(subscriptions.values());
        claimers.sort(Comparator.comparingInt(generation).reversed().thenComparing(MemberOrder.ORDER));
        Map<TopicPartition, String> owners = new HashMap<>();
        for (MemberSubscription member : claimers) {
            for (TopicPartition tp : member.ownedPartitions()) {
                Integer count = partitionsPerTopic.get(tp.topic());
                if (count != null && tp.partition() < count && member.topics().contains(tp.topic())) {
                    owners.putIfAbsent(tp, member.memberId());
                }
            }
        }
        return owners;
    }

    static Map<String, List<TopicPartition>> balance(Map<String, Integer> partitionsPerTopic,
                                                     Map<String, MemberSubscription> subscriptions,
                                                     Map<TopicPartition, String> owners) {
        List<String> members = subscriptions.values().stream().sorted(MemberOrder.ORDER)
                .map(MemberSubscription::memberId).toList();
        Map<String, List<String>> subscribers = new HashMap<>(); // topic -> eligible members, in member order
        for (String member : members) {
            for (String topic : new LinkedHashSet<>(subscriptions.get(member).topics())) {
                if (partitionsPerTopic.containsKey(topic)) {
                    subscribers.computeIfAbsent(topic, t -> new ArrayList<>()).add(member);
                }
            }
        }
        Map<String, Set<TopicPartition>> assigned = new HashMap<>();
        members.forEach(m -> assigned.put(m, new LinkedHashSet<>()));
        owners.forEach((tp, member) -> assigned.get(member).add(tp));
        if (subscribers.values().stream().allMatch(s -> s.size() == members.size())) {
            trimToQuotas(members, assigned, subscribers.keySet().stream().mapToInt(partitionsPerTopic::get).sum());
        }

        Set<TopicPartition> kept = new HashSet<>();
        assigned.values().forEach(kept::addAll);
        List<TopicPartition> unowned = new ArrayList<>();
        for (String topic : new TreeSet<>(subscribers.keySet())) {
            for (int p = 0; p < partitionsPerTopic.get(topic); p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                if (!kept.contains(tp)) {
                    unowned.add(tp);
                }
            }
        }
        // the most constrained partitions first, while every member still has room
        unowned.sort(Comparator.comparingInt((TopicPartition tp) -> subscribers.get(tp.topic()).size())
                .thenComparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        Set<TopicPartition> fresh = new HashSet<>(unowned);
        for (TopicPartition tp : unowned) {
            assigned.get(leastLoaded(subscribers.get(tp.topic()), assigned, null)).add(tp);
        }
        rebalance(members, subscribers, assigned, fresh);

        Map<String, List<TopicPartition>> out = new HashMap<>();
        assigned.forEach((member, partitions) -> out.put(member, new ArrayList<>(partitions)));
        return out;
    }

    /**
     * With equal subscriptions the final counts are known: {@code total / members}, and one more
     * for {@code total % members} of them. Owners keep as much as those quotas allow (the largest
     * owners get the larger quota), so the fewest owned partitions move; the rest is dealt later.
     */
    private static void trimToQuotas(List<String> members, Map<String, Set<TopicPartition>> assigned, int total) {
        int minQuota = total / members.size();
        int largerQuotas = total % members.size();
        List<String> largestFirst = new ArrayList<>(members);
        largestFirst.sort(Comparator.comparingInt((String m) -> assigned.get(m).size()).reversed());
        for (String member : largestFirst) {
            Set<TopicPartition> owned = assigned.get(member);
            int quota = minQuota;
            if (largerQuotas > 0 && owned.size() > minQuota) {
                quota++;
                largerQuotas--;
            }
            List<TopicPartition> extra = new ArrayList<>(owned).subList(Math.min(quota, owned.size()), owned.size());
            extra.forEach(owned::remove);
        }
    }

    /** Moves partitions from fuller to emptier eligible members until no move narrows the gap. */
    private static void rebalance(List<String> members, Map<String, List<String>> subscribers,
                                  Map<String, Set<TopicPartition>> assigned, Set<TopicPartition> fresh) {
        boolean moved = true;
        while (moved) {
            moved = false;
            List<String> fullestFirst = new ArrayList<>(members);
            fullestFirst.sort(Comparator.comparingInt((String m) -> assigned.get(m).size()).reversed());
            for (String from : fullestFirst) {
                List<TopicPartition> candidates = new ArrayList<>(assigned.get(from));
                candidates.sort(Comparator.comparing((TopicPartition tp) -> !fresh.contains(tp))); // fresh first
                for (TopicPartition tp : candidates) {
                    String to = leastLoaded(subscribers.get(tp.topic()), assigned, from);
                    if (to != null && assigned.get(from).size() > assigned.get(to).size() + 1) {
                        assigned.get(from).remove(tp);
                        assigned.get(to).add(tp);
                        moved = true;
                    }
                }
            }
        }
    }

    private static String leastLoaded(List<String> candidates, Map<String, Set<TopicPartition>> assigned, String except) {
        String best = null;
        for (String member : candidates) {
            if (!member.equals(except) && (best == null || assigned.get(member).size() < assigned.get(best).size())) {
                best = member;
            }
        }
        return best;
    }
}
