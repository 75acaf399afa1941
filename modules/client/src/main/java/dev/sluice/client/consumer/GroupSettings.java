package dev.sluice.client.consumer;

import dev.sluice.client.config.ConfigReader;
import dev.sluice.client.consumer.assignor.PartitionAssignor;
import dev.sluice.client.consumer.assignor.PartitionAssignors;

import java.util.ArrayList;
import java.util.List;

/**
 * How a {@link SluiceConsumer} takes part in a consumer group (Kafka's names and defaults).
 *
 * @param groupId              {@code group.id}; null: no group (assign mode only, no commits)
 * @param groupInstanceId      {@code group.instance.id}: a static member keeps its partitions across restarts
 * @param sessionTimeoutMs     {@code session.timeout.ms} (45000): the coordinator drops a silent member after this
 * @param heartbeatIntervalMs  {@code heartbeat.interval.ms} (3000)
 * @param maxPollIntervalMs    {@code max.poll.interval.ms} (300000): leave the group if poll is not called in time;
 *                             also the rebalance timeout
 * @param assignors            {@code partition.assignment.strategy} names in preference order
 *                             (default {@code range, cooperative-sticky}, as Kafka)
 * @param enableAutoCommit     {@code enable.auto.commit} (true with a group.id)
 * @param autoCommitIntervalMs {@code auto.commit.interval.ms} (5000)
 */
public record GroupSettings(String groupId, String groupInstanceId, int sessionTimeoutMs, int heartbeatIntervalMs,
                            int maxPollIntervalMs, List<String> assignors, boolean enableAutoCommit,
                            int autoCommitIntervalMs) {
    public GroupSettings {
        assignors = List.copyOf(assignors);
    }

    /** Fresh assignor instances for {@link #assignors}. */
    public List<PartitionAssignor> newAssignors() {
        return assignors.stream().map(n -> PartitionAssignors.byName(n).orElseThrow()).toList();
    }

    static GroupSettings read(ConfigReader r) {
        String groupId = r.string("group.id", null);
        String instanceId = r.string("group.instance.id", null);
        int session = r.intValue("session.timeout.ms", 45_000, 1, Integer.MAX_VALUE);
        int heartbeat = r.intValue("heartbeat.interval.ms", 3_000, 1, Integer.MAX_VALUE);
        int maxPoll = r.intValue("max.poll.interval.ms", 300_000, 1, Integer.MAX_VALUE);
        List<String> assignors = new ArrayList<>();
        for (String name : r.list("partition.assignment.strategy", List.of("range", "cooperative-sticky"))) {
            PartitionAssignors.byName(name).ifPresentOrElse(a -> assignors.add(a.name()), () -> r.problem(
                    "partition.assignment.strategy " + name + " is not one of range, roundrobin, cooperative-sticky"
                            + " (or their org.apache.kafka.clients.consumer class names)"));
        }
        if (assignors.isEmpty()) {
            r.problem("partition.assignment.strategy names no assignor");
        }
        boolean autoCommitSet = r.isSet("enable.auto.commit");
        boolean autoCommit = r.bool("enable.auto.commit", true);
        int autoCommitInterval = r.intValue("auto.commit.interval.ms", 5_000, 0, Integer.MAX_VALUE);
        String protocol = r.choice("group.protocol", "classic", "classic", "consumer");
        if (protocol.equals("consumer")) {
            r.problem("group.protocol=consumer (KIP-848) is not supported; use classic");
        }
        if (heartbeat >= session) {
            r.problem("heartbeat.interval.ms=" + heartbeat + " must be lower than session.timeout.ms=" + session);
        }
        if (groupId == null) {
            if (autoCommitSet && autoCommit) {
                r.problem("enable.auto.commit=true needs a group.id");
            }
            if (instanceId != null) {
                r.problem("group.instance.id needs a group.id");
            }
            autoCommit = false; // as Kafka: nothing to commit to
        }
        return new GroupSettings(groupId, instanceId, session, heartbeat, maxPoll, assignors, autoCommit,
                autoCommitInterval);
    }
}
