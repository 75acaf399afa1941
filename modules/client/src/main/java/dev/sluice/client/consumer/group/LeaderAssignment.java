package dev.sluice.client.consumer.group;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.consumer.assignor.MemberSubscription;
import dev.sluice.client.consumer.assignor.PartitionAssignor;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.metadata.Metadata;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the elected leader does between JoinGroup and SyncGroup: decode every member's
 * subscription, learn the partition counts of all their topics (not just ours), run the chosen
 * assignor and encode one assignment per member. Remembers the counts it used, so a later
 * metadata change (partitions added) triggers a new rebalance.
 */
final class LeaderAssignment {
    private static final System.Logger LOG = System.getLogger(LeaderAssignment.class.getName());

    /** A member as JoinGroup lists it to the leader. */
    record Member(String memberId, String groupInstanceId, byte[] metadata) {
    }

    private final Metadata metadata;
    private final List<PartitionAssignor> assignors;
    private volatile Map<String, Integer> assignedCounts = Map.of();

    LeaderAssignment(Metadata metadata, List<PartitionAssignor> assignors) {
        this.metadata = metadata;
        this.assignors = assignors;
    }

    Map<String, byte[]> assign(String protocol, List<Member> members, long deadlineMs) {
        PartitionAssignor assignor = assignors.stream().filter(a -> a.name().equals(protocol)).findFirst()
                .orElseThrow(() -> new SluiceClientException("the coordinator chose assignor " + protocol
                        + " which this consumer does not have"));
        Map<String, MemberSubscription> subscriptions = new LinkedHashMap<>();
        Set<String> topics = new TreeSet<>();
        for (Member m : members) {
            MemberSubscription s = ConsumerProtocol.decodeSubscription(m.metadata()).forMember(m.memberId(), m.groupInstanceId());
            subscriptions.put(m.memberId(), s);
            topics.addAll(s.topics());
        }
        Map<String, Integer> counts = partitionCounts(topics, deadlineMs);
        Map<String, List<TopicPartition>> assignment = assignor.assign(counts, subscriptions);
        assignedCounts = counts;
        LOG.log(System.Logger.Level.DEBUG, () -> "leader assignment (" + protocol + "): " + assignment);
        Map<String, byte[]> out = new HashMap<>();
        subscriptions.keySet().forEach(member ->
                out.put(member, ConsumerProtocol.encodeAssignment(assignment.getOrDefault(member, List.of()))));
        return out;
    }

    /** Counts of the topics that exist, after one refresh if some are not in the snapshot yet. */
    private Map<String, Integer> partitionCounts(Set<String> topics, long deadlineMs) {
        topics.forEach(metadata::add);
        if (topics.stream().anyMatch(t -> metadata.cluster().topic(t) == null)) {
            try {
                metadata.awaitUpdate(Math.max(deadlineMs, metadata.clockMs() + 1000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SluiceClientException("interrupted", e);
            }
        }
        Cluster cluster = metadata.cluster();
        Map<String, Integer> counts = new HashMap<>();
        for (String topic : topics) {
            int n = cluster.partitionCount(topic);
            if (n > 0) {
                counts.put(topic, n);
            }
        }
        return counts;
    }

    /** True if the cluster's partition counts differ from those of the last assignment. */
    boolean metadataChanged(Cluster cluster) {
        for (Map.Entry<String, Integer> e : assignedCounts.entrySet()) {
            int now = cluster.partitionCount(e.getKey());
            if (now > 0 && now != e.getValue()) {
                return true;
            }
        }
        return false;
    }

    void forget() {
        assignedCounts = Map.of();
    }
}
