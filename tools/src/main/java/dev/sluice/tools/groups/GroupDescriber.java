package dev.sluice.tools.groups;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.GroupDescription;
import dev.sluice.client.admin.GroupMember;
import dev.sluice.client.admin.ListedOffset;
import dev.sluice.client.admin.OffsetSpec;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Table;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code groups --describe}: the group's state, then kafka-consumer-groups.sh's offsets table (one
 * row per partition the group has an offset for or is assigned: committed offset, log end offset,
 * lag and the member holding it), then the members with their assignments.
 */
final class GroupDescriber {
    private final SluiceAdmin admin;

    GroupDescriber(SluiceAdmin admin) {
        this.admin = admin;
    }

    void describe(String groupId, PrintStream out) {
        GroupDescription group = admin.describeGroups(List.of(groupId)).join().get(groupId);
        Map<TopicPartition, Long> committed = admin.listGroupOffsets(groupId).join();
        if (!group.exists() && committed.isEmpty()) {
            throw new CommandFailure("consumer group '" + groupId + "' does not exist (sluice groups --list shows the groups there are)");
        }
        Map<TopicPartition, GroupMember> owners = new HashMap<>();
        for (GroupMember m : group.members()) {
            m.assignment().forEach(tp -> owners.put(tp, m));
        }
        Map<TopicPartition, Long> ends = endOffsets(union(committed.keySet(), owners.keySet()));

        int members = group.members().size();
        out.println();
        if (members == 0) {
            out.println("Consumer group '" + groupId + "' has no active members.");
        } else {
            out.println("Consumer group '" + groupId + "' is " + group.state() + " with " + members + " member"
                    + (members == 1 ? "" : "s") + (group.protocol().isEmpty() ? "" : " (assignor " + group.protocol() + ")") + ".");
        }
        out.println();
        Table offsets = new Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                "CONSUMER-ID", "HOST", "CLIENT-ID");
        for (TopicPartition tp : union(committed.keySet(), owners.keySet())) {
            Long current = committed.get(tp);
            Long end = ends.get(tp);
            GroupMember owner = owners.get(tp);
            offsets.add(groupId, tp.topic(), tp.partition(), current, end,
                    current == null || end == null ? null : Math.max(0, end - current),
                    owner == null ? null : owner.memberId(), owner == null ? null : owner.host(),
                    owner == null ? null : owner.clientId());
        }
        offsets.print(out);
        if (members > 0) {
            out.println();
            Table memberTable = new Table("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT");
            for (GroupMember m : group.members()) {
                memberTable.add(groupId, m.memberId(), m.host(), m.clientId(), m.assignment().size(), assignment(m));
            }
            memberTable.print(out);
        }
    }

    /** Log end offsets of the partitions whose topics still exist (a group may remember deleted ones). */
    private Map<TopicPartition, Long> endOffsets(Set<TopicPartition> partitions) {
        Set<String> topics = admin.listTopics().join();
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.stream().filter(tp -> topics.contains(tp.topic())).forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, ListedOffset> listed = admin.listOffsets(specs).join();
        listed.forEach((tp, o) -> out.put(tp, o.offset()));
        return out;
    }

    private static Set<TopicPartition> union(Set<TopicPartition> a, Set<TopicPartition> b) {
        Map<TopicPartition, Boolean> sorted = new TreeMap<>();
        a.forEach(tp -> sorted.put(tp, true));
        b.forEach(tp -> sorted.put(tp, true));
        return sorted.keySet();
    }

    /** topic(0,1,2) per topic, like "orders(0,2) payments(1)". */
    private static String assignment(GroupMember member) {
        if (member.assignment().isEmpty()) {
            return "-";
        }
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        member.assignment().stream().sorted().forEach(tp ->
                byTopic.computeIfAbsent(tp.topic(), t -> new java.util.ArrayList<>()).add(tp.partition()));
        return byTopic.entrySet().stream()
                .map(e -> e.getKey() + "(" + e.getValue().stream().map(String::valueOf).collect(Collectors.joining(",")) + ")")
                .collect(Collectors.joining(" "));
    }
}
