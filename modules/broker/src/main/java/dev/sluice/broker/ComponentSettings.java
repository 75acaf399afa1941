package dev.sluice.broker;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.controller.ControllerSettings;
import dev.sluice.broker.group.GroupConfig;
import dev.sluice.broker.topic.TopicDefaults;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What each part of the broker is told, derived from the {@link BrokerConfig} (the settings in effect,
 * static and dynamic): the cluster metadata store's and the offset store's settings, topic defaults,
 * the group coordinator's and the controller's settings. Pure functions; any thread.
 */
final class ComponentSettings {

    private ComponentSettings() {
    }

    /**
     * What the cluster metadata store is opened with: the settings as given, plus the broker's
     * effective session timeout, so the store and the broker (which times the controller's view of
     * failures by it) use one value, the broker's default included.
     */
    static Map<String, String> storeSettings(BrokerConfig config) {
        Map<String, String> settings = new HashMap<>(config.originals());
        settings.put("zookeeper.session.timeout.ms", Integer.toString(config.zookeeperSessionTimeoutMs()));
        return Map.copyOf(settings);
    }

    /** Topic defaults from the broker's settings in effect (static and dynamic). */
    static TopicDefaults topicDefaults(BrokerConfig config) {
        return new TopicDefaults(config.defaultLogConfig(), config.logMessageTimestampType(),
                config.messageMaxBytes(), config.numPartitions(), config.defaultReplicationFactor(),
                config.autoCreateTopicsEnable(), String.join(",", config.values().getList("log.cleanup.policy")), config.logStorage(),
                config.logMessageTimestampBeforeMaxMs(), config.logMessageTimestampAfterMaxMs(),
                config.values().getInt("min.insync.replicas"), config.values().getLong("replica.lag.time.max.ms"),
                config.values().getLong("log.cleaner.max.compaction.lag.ms"));
    }

    static GroupConfig groupConfig(BrokerConfig config) {
        return new GroupConfig(config.groupMinSessionTimeoutMs(), config.groupMaxSessionTimeoutMs(),
                config.groupInitialRebalanceDelayMs(), TimeUnit.MINUTES.toMillis(config.offsetsRetentionMinutes()),
                config.offsetsRetentionCheckIntervalMs(), config.offsetMetadataMaxBytes());
    }

    /** What an offset store is told: every setting given, plus the effective values it may need. */
    static Map<String, String> offsetStoreSettings(BrokerConfig config) {
        Map<String, String> settings = new LinkedHashMap<>(config.originals());
        settings.put("offsets.topic.num.partitions", Integer.toString(config.offsetsTopicNumPartitions()));
        settings.put("offsets.retention.minutes", Integer.toString(config.offsetsRetentionMinutes()));
        settings.put("offsets.topic.segment.bytes", Integer.toString(config.offsetsTopicSegmentBytes()));
        settings.put("offsets.snapshot.interval.ms", Long.toString(config.offsetsSnapshotIntervalMs()));
        return settings;
    }

    /** The controller's settings from the broker's (Kafka's names). */
    static ControllerSettings controllerSettings(BrokerConfig config) {
        return new ControllerSettings(config.uncleanLeaderElectionEnable(), config.autoLeaderRebalanceEnable(),
                config.leaderImbalancePerBrokerPercentage(), config.leaderImbalanceCheckIntervalMs());
    }
}
