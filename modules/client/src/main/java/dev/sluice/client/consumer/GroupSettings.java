package dev.sluice.client.consumer;

import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;
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

    /** The group settings of a consumer, defined once (Kafka's names and defaults). */
    static final List<ConfigKey> KEYS = List.of(
            ConfigKey.of("group.id", ConfigType.STRING, null, null, "the consumer group; unset: assign mode only, no commits"),
            ConfigKey.of("group.instance.id", ConfigType.STRING, null, null,
                    "a static member keeps its partitions across restarts"),
            ConfigKey.of("session.timeout.ms", ConfigType.INT, 45_000, Validator.atLeast(1),
                    "the coordinator drops a silent member after this"),
            ConfigKey.of("heartbeat.interval.ms", ConfigType.INT, 3_000, Validator.atLeast(1), "heartbeat period"),
            ConfigKey.of("max.poll.interval.ms", ConfigType.INT, 300_000, Validator.atLeast(1),
                    "leave the group if poll is not called in time; also the rebalance timeout"),
            ConfigKey.of("partition.assignment.strategy", ConfigType.LIST, List.of("range", "cooperative-sticky"), null,
                    "assignor names (or Kafka class names) in preference order"),
            ConfigKey.of("enable.auto.commit", ConfigType.BOOLEAN, true, null, "commit positions periodically (with a group.id)"),
            ConfigKey.of("auto.commit.interval.ms", ConfigType.INT, 5_000, Validator.atLeast(0), "auto-commit period"),
            ConfigKey.of("group.protocol", ConfigType.STRING, "classic", Validator.oneOf("classic", "consumer"),
                    "classic (KIP-848's consumer protocol is not supported)"));

    static GroupSettings read(ConfigValues v, ConfigReader r) {
        String groupId = v.getString("group.id");
        String instanceId = v.getString("group.instance.id");
        int session = v.getInt("session.timeout.ms");
        int heartbeat = v.getInt("heartbeat.interval.ms");
        int maxPoll = v.getInt("max.poll.interval.ms");
        List<String> assignors = new ArrayList<>();
        for (String name : v.getList("partition.assignment.strategy")) {
            PartitionAssignors.byName(name).ifPresentOrElse(a -> assignors.add(a.name()), () -> r.problem(
                    "partition.assignment.strategy " + name + " is not one of range, roundrobin, cooperative-sticky"
                            + " (or their org.apache.kafka.clients.consumer class names)"));
        }
        if (assignors.isEmpty()) {
            r.problem("partition.assignment.strategy names no assignor");
        }
        boolean autoCommitSet = v.isSet("enable.auto.commit");
        boolean autoCommit = v.getBoolean("enable.auto.commit");
        int autoCommitInterval = v.getInt("auto.commit.interval.ms");
        if (v.getString("group.protocol").equalsIgnoreCase("consumer")) {
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
