package dev.sluice.tools.groups;

import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.BrokerNode;
import dev.sluice.client.admin.GroupDescription;
import dev.sluice.client.admin.GroupMember;
import dev.sluice.client.admin.ListedOffset;
import dev.sluice.client.admin.OffsetSpec;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Table;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * {@code groups --describe}: per group its state, kafka-consumer-groups.sh's offsets table (one
 * row per partition the group has an offset for or is assigned: committed offset, log end offset,
 * lag and the member holding it) and its members. {@code --offsets}, {@code --members} and
 * {@code --state} print only that table, as Kafka does; without them all three are shown.
 * {@code --format json} prints everything about every group as one array. Used by one thread.
 */
final class GroupDescriber {
    /** Which part to show: ALL is Sluice's default (state line, offsets, members). */
    enum View { ALL, OFFSETS, MEMBERS, STATE }

    /** One row of the offsets table; null cells print as "-". */
    record OffsetRow(String topic, int partition, Long current, Long end, Long lag, GroupMember owner) {
    }

    /** What one group is: description and offset rows. */
    record Group(GroupDescription description, List<OffsetRow> offsets) {
    }

    private final SluiceAdmin admin;

    GroupDescriber(SluiceAdmin admin) {
        this.admin = admin;
    }

    /** Describes each group; a group that neither exists nor has offsets fails the command. */
    List<Group> collect(List<String> groupIds) {
        Map<String, GroupDescription> descriptions = admin.describeGroups(groupIds).join();
        List<Group> out = new ArrayList<>();
        for (String groupId : groupIds) {
            GroupDescription group = descriptions.get(groupId);
            Map<TopicPartition, Long> committed = admin.listGroupOffsets(groupId).join();
            if (!group.exists() && committed.isEmpty()) {
                throw new CommandFailure("consumer group '" + groupId + "' does not exist (sluice groups --list shows the groups there are)");
            }
            Map<TopicPartition, GroupMember> owners = new HashMap<>();
            for (GroupMember m : group.members()) {
                m.assignment().forEach(tp -> owners.put(tp, m));
            }
            Set<TopicPartition> partitions = union(committed.keySet(), owners.keySet());
            Map<TopicPartition, Long> ends = endOffsets(partitions);
            List<OffsetRow> rows = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                Long current = committed.get(tp);
                Long end = ends.get(tp);
                rows.add(new OffsetRow(tp.topic(), tp.partition(), current, end,
                        current == null || end == null ? null : Math.max(0, end - current), owners.get(tp)));
            }
            out.add(new Group(group, rows));
        }
        return out;
    }

    void print(List<Group> groups, View view, boolean verbose, PrintStream out) {
        for (Group group : groups) {
            switch (view) {
                case ALL -> printAll(group, out);
                case OFFSETS -> {
                    out.println();
                    offsetsTable(group).print(out);
                }
                case MEMBERS -> {
                    out.println();
                    membersTable(group, verbose).print(out);
                }
                case STATE -> {
                    out.println();
                    stateTable(group).print(out);
                }
            }
        }
    }

    private static void printAll(Group group, PrintStream out) {
        GroupDescription d = group.description();
        int members = d.members().size();
        out.println();
        if (members == 0) {
            out.println("Consumer group '" + d.groupId() + "' has no active members.");
        } else {
            out.println("Consumer group '" + d.groupId() + "' is " + d.state() + " with " + members + " member"
                    + (members == 1 ? "" : "s") + (d.protocol().isEmpty() ? "" : " (assignor " + d.protocol() + ")") + ".");
        }
        out.println();
        offsetsTable(group).print(out);
        if (members > 0) {
            out.println();
            membersTable(group, true).print(out);
        }
    }

    private static Table offsetsTable(Group group) {
        Table table = new Table("GROUP", "TOPIC", "PARTITION", "CURRENT-OFFSET", "LOG-END-OFFSET", "LAG",
                "CONSUMER-ID", "HOST", "CLIENT-ID");
        String groupId = group.description().groupId();
        for (OffsetRow r : group.offsets()) {
            GroupMember owner = r.owner();
            table.add(groupId, r.topic(), r.partition(), r.current(), r.end(), r.lag(),
                    owner == null ? null : owner.memberId(), owner == null ? null : owner.host(),
                    owner == null ? null : owner.clientId());
        }
        return table;
    }

    /** Kafka's --members table; --verbose (and the full view) adds each member's assignment. */
    private static Table membersTable(Group group, boolean withAssignment) {
        String groupId = group.description().groupId();
        Table table = withAssignment
                ? new Table("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT")
                : new Table("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS");
        for (GroupMember m : group.description().members()) {
            if (withAssignment) {
                table.add(groupId, m.memberId(), m.host(), m.clientId(), m.assignment().size(), assignment(m));
            } else {
                table.add(groupId, m.memberId(), m.host(), m.clientId(), m.assignment().size());
            }
        }
        return table;
    }

    /** Kafka's --state table: GROUP, COORDINATOR (ID), ASSIGNMENT-STRATEGY, STATE, #MEMBERS. */
    private static Table stateTable(Group group) {
        GroupDescription d = group.description();
        BrokerNode c = d.coordinator();
        Table table = new Table("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS");
        table.add(d.groupId(), c == null ? null : c.host() + ":" + c.port() + "  (" + c.id() + ")",
                d.protocol().isEmpty() ? null : d.protocol(), d.state(), d.members().size());
        return table;
    }

    /** Every group as one JSON array: state, coordinator, members with assignments, offsets. */
    static String json(List<Group> groups) {
        List<Object> out = new ArrayList<>();
        for (Group group : groups) {
            GroupDescription d = group.description();
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("group", d.groupId());
            g.put("state", d.state());
            g.put("protocolType", d.protocolType());
            g.put("assignmentStrategy", d.protocol());
            g.put("coordinator", d.coordinator() == null ? null : d.coordinator().id());
            List<Object> members = new ArrayList<>();
            for (GroupMember m : d.members()) {
                Map<String, Object> member = new LinkedHashMap<>();
                member.put("consumerId", m.memberId());
                member.put("groupInstanceId", m.groupInstanceId());
                member.put("host", m.host());
                member.put("clientId", m.clientId());
                member.put("assignment", m.assignment().stream().sorted().map(GroupDescriber::partition).toList());
                members.add(member);
            }
            g.put("members", members);
            List<Object> offsets = new ArrayList<>();
            for (OffsetRow r : group.offsets()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("topic", r.topic());
                row.put("partition", r.partition());
                row.put("currentOffset", r.current());
                row.put("logEndOffset", r.end());
                row.put("lag", r.lag());
                row.put("consumerId", r.owner() == null ? null : r.owner().memberId());
                offsets.add(row);
            }
            g.put("offsets", offsets);
            out.add(g);
        }
        return JsonWriter.write(out, JsonWriter.Others.AS_STRING);
    }

    private static Map<String, Object> partition(TopicPartition tp) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("topic", tp.topic());
        p.put("partition", tp.partition());
        return p;
    }

    /** Log end offsets of the partitions whose topics still exist (a group may remember deleted ones). */
    private Map<TopicPartition, Long> endOffsets(Set<TopicPartition> partitions) {
        Set<String> topics = admin.listTopics().join();
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.stream().filter(tp -> topics.contains(tp.topic())).forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> out = new HashMap<>();
        if (specs.isEmpty()) {
            return out;
        }
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
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        return byTopic.entrySet().stream()
                .map(e -> e.getKey() + "(" + e.getValue().stream().map(String::valueOf).collect(Collectors.joining(",")) + ")")
                .collect(Collectors.joining(" "));
    }
}
