package dev.sluice.tools.groups;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.GroupDescription;
import dev.sluice.client.admin.ListedOffset;
import dev.sluice.client.admin.OffsetSpec;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TopicDescription;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Table;
import dev.sluice.tools.cli.TopicCheck;
import dev.sluice.tools.cli.UsageException;

import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code groups --reset-offsets}: works out the new committed offset of every chosen partition
 * (earliest, latest, first at a time, or a given offset kept within the log), prints the plan as
 * kafka-consumer-groups.sh does, and with {@code --execute} commits it. Like Kafka, only while
 * the group has no members: a running consumer would overwrite the reset with its next commit.
 */
final class OffsetReset {
    /** Where to move: {@code value} is the time (epoch ms) for TIME and the offset for OFFSET. */
    record Target(Kind kind, long value) {
        enum Kind { EARLIEST, LATEST, TIME, OFFSET }
    }

    private final SluiceAdmin admin;

    OffsetReset(SluiceAdmin admin) {
        this.admin = admin;
    }

    /** Kafka accepts 2026-01-01T00:00:00Z, with an offset (+02:00), or local time without one. */
    static long parseDateTime(String text) throws UsageException {
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException notInstant) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException notOffset) {
                try {
                    return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
                } catch (DateTimeParseException e) {
                    throw new UsageException("--to-datetime takes e.g. 2026-01-01T00:00:00Z or 2026-01-01T00:00:00.000+01:00, not '"
                            + text + "'");
                }
            }
        }
    }

    /** {@code topic} or {@code topic:0,2}: the partitions it names (all of the topic's without a list). */
    List<TopicPartition> partitions(List<String> topicSpecs) throws UsageException {
        List<TopicPartition> out = new java.util.ArrayList<>();
        for (String spec : topicSpecs) {
            int colon = spec.indexOf(':');
            String topic = colon < 0 ? spec : spec.substring(0, colon);
            TopicDescription description = TopicCheck.require(admin, topic);
            if (colon < 0) {
                description.partitions().forEach(p -> out.add(new TopicPartition(topic, p.partition())));
                continue;
            }
            for (String p : spec.substring(colon + 1).split(",")) {
                int partition;
                try {
                    partition = Integer.parseInt(p.trim());
                } catch (NumberFormatException e) {
                    throw new UsageException("--topic takes T or T:0,1,2, not '" + spec + "'");
                }
                if (partition < 0 || partition >= description.partitions().size()) {
                    throw new CommandFailure("topic '" + topic + "' has partitions 0.." + (description.partitions().size() - 1)
                            + ", not " + partition);
                }
                out.add(new TopicPartition(topic, partition));
            }
        }
        return out;
    }

    Map<TopicPartition, Long> plan(List<TopicPartition> partitions, Target target) {
        Map<TopicPartition, Long> earliest = lookup(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = lookup(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> plan = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            long low = earliest.get(tp);
            long high = latest.get(tp);
            plan.put(tp, switch (target.kind()) {
                case EARLIEST -> low;
                case LATEST -> high;
                case OFFSET -> Math.max(low, Math.min(high, target.value())); // Kafka keeps a reset inside the log
                case TIME -> -1L; // filled in below, one lookup for all partitions
            });
        }
        if (target.kind() == Target.Kind.TIME) {
            lookup(partitions, OffsetSpec.forTimestamp(target.value()))
                    .forEach((tp, offset) -> plan.put(tp, offset < 0 ? latest.get(tp) : offset)); // nothing that late: the end
        }
        return plan;
    }

    private Map<TopicPartition, Long> lookup(List<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, spec));
        Map<TopicPartition, Long> out = new HashMap<>();
        Map<TopicPartition, ListedOffset> listed = admin.listOffsets(specs).join();
        listed.forEach((tp, o) -> out.put(tp, o.offset()));
        return out;
    }

    /** Fails unless the group has no members (Empty, or unknown so far). */
    void requireInactive(String groupId) {
        GroupDescription group = admin.describeGroups(List.of(groupId)).join().get(groupId);
        if (group.exists() && !group.state().equals("Empty")) {
            throw new CommandFailure("Assignments can only be reset if the group '" + groupId + "' is inactive, but the current state is "
                    + group.state() + ". Stop its " + group.members().size() + " consumer(s) first.");
        }
    }

    void execute(String groupId, Map<TopicPartition, Long> plan) {
        admin.alterGroupOffsets(groupId, plan).join();
    }

    static void print(String groupId, Map<TopicPartition, Long> plan, PrintStream out) {
        Table table = new Table("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
        plan.forEach((tp, offset) -> table.add(groupId, tp.topic(), tp.partition(), offset));
        out.println();
        table.print(out);
    }
}
