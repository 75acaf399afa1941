package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigValues;
import dev.sluice.broker.replica.ReplicaFetchSettings;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The broker's settings about its place in a cluster and replication: its id and rack, ZooKeeper, controlled
 * shutdown, leader elections and balance, and the followers' replica fetching; read from {@link #values()}.
 * {@link BrokerConfig} is one; immutable, any thread.
 */
public interface BrokerClusterConfig {

    /** The broker settings, parsed (given or default). */
    ConfigValues values();

    /** {@code broker.id} if set (Kafka's ZooKeeper-mode name), else {@code node.id}. */
    default int nodeId() {
        Object brokerId = values().get("broker.id");
        return brokerId != null ? (Integer) brokerId : values().getInt("node.id");
    }

    default Optional<String> brokerRack() {
        return Optional.ofNullable(values().getString("broker.rack"));
    }

    /** The configured cluster id, or null to generate one (and persist it) on first start. */
    default String clusterId() {
        return values().getString("cluster.id");
    }

    /** {@code zookeeper.connect}: set, this broker is part of a cluster coordinated through ZooKeeper. */
    default Optional<String> zookeeperConnect() {
        String connect = values().getString("zookeeper.connect");
        return connect == null || connect.isBlank() ? Optional.empty() : Optional.of(connect);
    }

    default int zookeeperSessionTimeoutMs() {
        return values().getInt("zookeeper.session.timeout.ms");
    }

    /** {@code controlled.shutdown.enable}: in a cluster, move leadership away before stopping. */
    default boolean controlledShutdownEnable() {
        return values().getBoolean("controlled.shutdown.enable");
    }

    default int controlledShutdownMaxRetries() {
        return values().getInt("controlled.shutdown.max.retries");
    }

    default long controlledShutdownRetryBackoffMs() {
        return values().getLong("controlled.shutdown.retry.backoff.ms");
    }

    default boolean autoLeaderRebalanceEnable() {
        return values().getBoolean("auto.leader.rebalance.enable");
    }

    default long leaderImbalanceCheckIntervalMs() {
        return TimeUnit.SECONDS.toMillis(values().getLong("leader.imbalance.check.interval.seconds"));
    }

    default int leaderImbalancePerBrokerPercentage() {
        return values().getInt("leader.imbalance.per.broker.percentage");
    }

    /** The broker default of {@code unclean.leader.election.enable} (a topic may override it). */
    default boolean uncleanLeaderElectionEnable() {
        return values().getBoolean("unclean.leader.election.enable");
    }

    /** The follower's replica fetcher settings (issue #11). */
    default ReplicaFetchSettings replicaFetchSettings() {
        ConfigValues v = values();
        return new ReplicaFetchSettings(v.getInt("num.replica.fetchers"), v.getInt("replica.fetch.wait.max.ms"),
                v.getInt("replica.fetch.min.bytes"), v.getInt("replica.fetch.max.bytes"),
                v.getInt("replica.fetch.response.max.bytes"), v.getInt("replica.fetch.backoff.ms"),
                v.getInt("replica.socket.timeout.ms"));
    }
}
