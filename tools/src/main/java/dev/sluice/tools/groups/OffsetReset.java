package dev.sluice.tools.groups;

import dev.sluice.api.internal.json.JsonWriter;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code groups --reset-offsets}: works out the new committed offset of every chosen partition
 * (earliest, latest, current, first at a time, shifted, a given offset, or read from a CSV file;
 * always kept within the log), prints the plan as kafka-consumer-groups.sh does (or its CSV with
 * {@code --export}), and with {@code --execute} commits it. Like Kafka, only while the group has no
 * members: a running consumer would overwrite the reset with its next commit. Used by one thread.
 */
final class OffsetReset {
    /** Where to move: {@code value} is the time (epoch ms) for TIME, the offset for OFFSET, the delta for SHIFT. */
    record Target(Kind kind, long value) {
        enum Kind { EARLIEST, LATEST, CURRENT, TIME, OFFSET, SHIFT }
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

    /** The partitions the group has committed offsets for ({@code --all-topics}), of topics that still exist. */
    List<TopicPartition> committedPartitions(String groupId) {
        Set<String> topics = admin.listTopics().join();
        return admin.listGroupOffsets(groupId).join().keySet().stream().filter(tp -> topics.contains(tp.topic()))
                .sorted().toList();
    }

    Map<TopicPartition, Long> plan(String groupId, List<TopicPartition> partitions, Target target) {
        Map<TopicPartition, Long> earliest = lookup(partitions, OffsetSpec.earliest());
        Map<TopicPartition, Long> latest = lookup(partitions, OffsetSpec.latest());
        Map<TopicPartition, Long> committed = target.kind() == Target.Kind.CURRENT || target.kind() == Target.Kind.SHIFT
                ? admin.listGroupOffsets(groupId).join() : Map.of();
        Map<TopicPartition, Long> plan = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            long low = earliest.get(tp);
            long high = latest.get(tp);
            Long current = committed.get(tp);
            if (target.kind() == Target.Kind.SHIFT && current == null) {
                throw new CommandFailure("Cannot shift offset for partition " + tp.topic() + "-" + tp.partition()
                        + " since there is no current committed offset (use --to-offset, --to-earliest or --to-latest for it)");
            }
            long wanted = switch (target.kind()) {
                case EARLIEST -> low;
                case LATEST -> high;
                case CURRENT -> current == null ? high : current; // as Kafka: no committed offset means the log end
                case OFFSET -> target.value();
                case SHIFT -> current + target.value();
                case TIME -> -1L; // filled in below, one lookup for all partitions
            };
            plan.put(tp, Math.max(low, Math.min(high, wanted))); // Kafka keeps a reset inside the log
        }
        if (target.kind() == Target.Kind.TIME) {
            lookup(partitions, OffsetSpec.forTimestamp(target.value()))
                    .forEach((tp, offset) -> plan.put(tp, offset < 0 ? latest.get(tp) : offset)); // nothing that late: the end
        }
        return plan;
    }

    /**
     * {@code --from-file}: Kafka's CSV, {@code topic,partition,offset} per line, or
     * {@code group,topic,partition,offset} for several groups; each offset kept inside the log.
     */
    Map<String, Map<TopicPartition, Long>> planFromFile(List<String> lines, List<String> groups) throws UsageException {
        Map<String, Map<TopicPartition, Long>> wanted = new LinkedHashMap<>();
        int number = 0;
        for (String line : lines) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.trim().split(",", -1);
            String group;
            int first;
            if (cells.length == 4) {
                group = cells[0].trim();
                first = 1;
            } else if (cells.length == 3 && groups.size() == 1) {
                group = groups.get(0);
                first = 0;
            } else {
                throw new UsageException("--from-file line " + number + " is not topic,partition,offset"
                        + (groups.size() == 1 ? "" : " with the group first (group,topic,partition,offset)") + ": '" + line + "'");
            }
            try {
                TopicPartition tp = new TopicPartition(cells[first].trim(), Integer.parseInt(cells[first + 1].trim()));
                wanted.computeIfAbsent(group, g -> new TreeMap<>()).put(tp, Long.parseLong(cells[first + 2].trim()));
            } catch (NumberFormatException e) {
                throw new UsageException("--from-file line " + number + ": partition and offset must be numbers: '" + line + "'");
            }
        }
        Map<String, Map<TopicPartition, Long>> plans = new LinkedHashMap<>();
        for (String group : groups) {
            Map<TopicPartition, Long> offsets = wanted.getOrDefault(group, Map.of());
            List<TopicPartition> partitions = List.copyOf(offsets.keySet());
            for (TopicPartition tp : partitions) {
                checkPartition(tp);
            }
            Map<TopicPartition, Long> earliest = lookup(partitions, OffsetSpec.earliest());
            Map<TopicPartition, Long> latest = lookup(partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> plan = new TreeMap<>();
            offsets.forEach((tp, offset) -> plan.put(tp, Math.max(earliest.get(tp), Math.min(latest.get(tp), offset))));
            plans.put(group, plan);
        }
        return plans;
    }

    private void checkPartition(TopicPartition tp) {
        int count = TopicCheck.require(admin, tp.topic()).partitions().size();
        if (tp.partition() < 0 || tp.partition() >= count) {
            throw new CommandFailure("topic '" + tp.topic() + "' has partitions 0.." + (count - 1) + ", not " + tp.partition());
        }
    }

    private Map<TopicPartition, Long> lookup(List<TopicPartition> partitions, OffsetSpec spec) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
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

    static void print(Map<String, Map<TopicPartition, Long>> plans, PrintStream out) {
        Table table = new Table("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
        plans.forEach((groupId, plan) -> plan.forEach((tp, offset) -> table.add(groupId, tp.topic(), tp.partition(), offset)));
        out.println();
        table.print(out);
    }

    /** {@code --export}: Kafka's CSV, with the group first only when several groups are reset. */
    static void printCsv(Map<String, Map<TopicPartition, Long>> plans, PrintStream out) {
        boolean withGroup = plans.size() > 1;
        plans.forEach((groupId, plan) -> plan.forEach((tp, offset) ->
                out.println((withGroup ? groupId + "," : "") + tp.topic() + "," + tp.partition() + "," + offset)));
    }

    static String json(Map<String, Map<TopicPartition, Long>> plans) {
        List<Object> rows = new java.util.ArrayList<>();
        plans.forEach((groupId, plan) -> plan.forEach((tp, offset) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", groupId);
            row.put("topic", tp.topic());
            row.put("partition", tp.partition());
            row.put("offset", offset);
            rows.add(row);
        }));
        return JsonWriter.write(rows, JsonWriter.Others.AS_STRING);
    }
}
