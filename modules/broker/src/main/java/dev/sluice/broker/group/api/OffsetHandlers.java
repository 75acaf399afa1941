package dev.sluice.broker.group.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.api.offset.CommittedOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.api.RequestContext;
import dev.sluice.broker.group.GroupOffsets;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** OffsetCommit, OffsetFetch (single group before v8, batched from v8), OffsetDelete. */
final class OffsetHandlers {
    private final GroupOffsets offsets;
    private final BrokerState broker;
    private final OffsetCommitChecks checks;
    private final CoordinatorGuard guard;

    OffsetHandlers(GroupOffsets offsets, BrokerState broker, int maxMetadataSize, CoordinatorGuard guard) {
        this.offsets = offsets;
        this.broker = broker;
        this.checks = new OffsetCommitChecks(broker, maxMetadataSize);
        this.guard = guard;
    }


    // ---- OffsetCommit ----

    void offsetCommit(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        long now = broker.time().milliseconds();
        // v2-4 may ask for a retention of their own; later versions use the broker's
        long retention = version <= 4 ? request.getLong("RetentionTimeMs") : -1;
        long expire = retention >= 0 ? now + retention : -1;
        Map<TopicPartition, Errors> errors = new LinkedHashMap<>();
        Map<TopicPartition, CommittedOffset> valid = new HashMap<>();
        for (Struct topic : request.getArray("Topics")) {
            String name = topic.getString("Name");
            for (Struct p : topic.getArray("Partitions")) {
                TopicPartition tp = new TopicPartition(name, p.getInt("PartitionIndex"));
                String metadata = p.getString("CommittedMetadata");
                Errors error = checks.check(ctx, tp, metadata);
                errors.put(tp, error);
                if (error == Errors.NONE) {
                    valid.put(tp, new CommittedOffset(p.getLong("CommittedOffset"),
                            version >= 6 ? p.getInt("CommittedLeaderEpoch") : -1, metadata, now, expire));
                }
            }
        }
        String groupId = request.getString("GroupId");
        Errors stored = offsets.commit(groupId, request.getInt("GenerationIdOrMemberEpoch"),
                request.getString("MemberId"), version >= 7 ? request.getString("GroupInstanceId") : null, valid);
        OffsetCommitChecks.answerWhenStored(ctx, offsets, groupId, stored, !valid.isEmpty(), errors);
    }

    // ---- OffsetFetch ----

    void offsetFetch(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        Struct response = ctx.newResponse();
        boolean requireStable = version >= 7 && request.getBool("RequireStable");
        if (version < 8) {
            String group = request.getString("GroupId");
            for (Map.Entry<String, List<Integer>> topic : answer(ctx, group, wanted(request.getArray("Topics"))).entrySet()) {
                Struct out = response.addStruct("Topics").set("Name", topic.getKey());
                fillPartitions(ctx, out, group, topic.getKey(), topic.getValue(), version, requireStable);
            }
            if (version >= 2) {
                response.set("ErrorCode", Errors.NONE.code());
            }
        } else {
            for (Struct g : request.getArray("Groups")) {
                String group = g.getString("GroupId");
                // a batch may name groups coordinated elsewhere, or still loading here: each gets its own error
                Errors notHere = guard.errorFor(ctx, group, AclOperation.DESCRIBE);
                Struct groupOut = response.addStruct("Groups").set("GroupId", group).set("ErrorCode", notHere.code());
                if (notHere != Errors.NONE) {
                    continue;
                }
                for (Map.Entry<String, List<Integer>> topic : answer(ctx, group, wanted(g.getArray("Topics"))).entrySet()) {
                    Struct out = groupOut.addStruct("Topics").set("Name", topic.getKey());
                    fillPartitions(ctx, out, group, topic.getKey(), topic.getValue(), version, requireStable);
                }
            }
        }
        ctx.respond(response);
    }

    /** Requested topic → partitions, or null for "all the group has". */
    private static Map<String, List<Integer>> wanted(List<Struct> topics) {
        if (topics == null) {
            return null;
        }
        Map<String, List<Integer>> wanted = new LinkedHashMap<>();
        for (Struct t : topics) {
            wanted.computeIfAbsent(t.getString("Name"), n -> new ArrayList<>())
                    .addAll(t.<Integer>getList("PartitionIndexes"));
        }
        return wanted;
    }

    /**
     * What to answer for: the requested partitions, or everything the group has committed (by topic, partition)
     * in topics the request may describe (as Kafka, the others are left out).
     */
    private Map<String, List<Integer>> answer(RequestContext ctx, String group, Map<String, List<Integer>> wanted) {
        if (wanted != null) {
            return wanted;
        }
        Map<String, List<Integer>> all = new TreeMap<>();
        for (TopicPartition tp : offsets.fetchAll(group).keySet()) {
            if (!broker.authorization().shows(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, tp.topic())) {
                continue;
            }
            all.computeIfAbsent(tp.topic(), n -> new ArrayList<>()).add(tp.partition());
        }
        all.values().forEach(list -> list.sort(null));
        return all;
    }

    private void fillPartitions(RequestContext ctx, Struct topicOut, String group, String topic, List<Integer> partitions,
                                short version, boolean requireStable) {
        if (!broker.authorization().allows(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic)) {
            for (int p : partitions) { // as Kafka: no offset of a topic the request may not describe
                topicOut.addStruct("Partitions").set("PartitionIndex", p).set("CommittedOffset", -1L).set("Metadata", "")
                        .set("ErrorCode", Errors.TOPIC_AUTHORIZATION_FAILED.code());
            }
            return;
        }
        for (int p : partitions) {
            TopicPartition tp = new TopicPartition(topic, p);
            // Kafka: with RequireStable an offset pending in a transaction is UNSTABLE_OFFSET_COMMIT (the client retries)
            boolean unstable = requireStable && offsets.hasPendingTransactionalOffset(group, tp);
            Optional<CommittedOffset> committed = unstable ? Optional.empty() : offsets.fetch(group, tp);
            Struct out = topicOut.addStruct("Partitions").set("PartitionIndex", p)
                    .set("CommittedOffset", committed.map(CommittedOffset::offset).orElse(-1L))
                    .set("Metadata", committed.map(CommittedOffset::metadata).orElse(""))
                    .set("ErrorCode", (unstable ? Errors.UNSTABLE_OFFSET_COMMIT : Errors.NONE).code());
            if (version >= 5) {
                out.set("CommittedLeaderEpoch", committed.map(CommittedOffset::leaderEpoch).orElse(-1));
            }
        }
    }

    // ---- OffsetDelete ----

    void offsetDelete(RequestContext ctx) {
        Struct request = ctx.body();
        Map<TopicPartition, Errors> unknown = new HashMap<>();
        Set<TopicPartition> requested = new HashSet<>();
        Map<String, List<Integer>> order = new LinkedHashMap<>();
        for (Struct topic : request.getArray("Topics")) {
            String name = topic.getString("Name");
            for (Struct p : topic.getArray("Partitions")) {
                TopicPartition tp = new TopicPartition(name, p.getInt("PartitionIndex"));
                order.computeIfAbsent(name, n -> new ArrayList<>()).add(tp.partition());
                if (!broker.authorization().allows(ctx, AclOperation.READ, ResourceType.TOPIC, name)) {
                    unknown.put(tp, Errors.TOPIC_AUTHORIZATION_FAILED); // as Kafka: READ on each topic
                } else if (checks.exists(tp)) {
                    requested.add(tp);
                } else {
                    unknown.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                }
            }
        }
        Map.Entry<Errors, Map<TopicPartition, Errors>> outcome = offsets.delete(request.getString("GroupId"), requested);
        Struct response = ctx.newResponse().set("ErrorCode", outcome.getKey().code());
        if (outcome.getKey() == Errors.NONE) {
            order.forEach((name, partitions) -> {
                Struct topicOut = response.addStruct("Topics").set("Name", name);
                for (int p : partitions) {
                    TopicPartition tp = new TopicPartition(name, p);
                    Errors error = unknown.getOrDefault(tp, outcome.getValue().getOrDefault(tp, Errors.NONE));
                    topicOut.addStruct("Partitions").set("PartitionIndex", p).set("ErrorCode", error.code());
                }
            });
        }
        ctx.respond(response);
    }
}
