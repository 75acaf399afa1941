package dev.sluice.broker.group.offset;

import dev.sluice.api.Time;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.api.offset.OffsetStoreProvider;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorageEngine;

import java.util.Map;

/** {@code offsets.store=log}: offsets in the internal topic {@code __consumer_offsets}. */
public final class LogOffsetStoreProvider implements OffsetStoreProvider {
    public static final String NAME = "log";
    /** Kafka's default for {@code offsets.topic.num.partitions} is 50; Sluice's broker config defaults to 5. */
    private static final int DEFAULT_PARTITIONS = 5;

    @Override
    public String name() {
        return NAME;
    }

    /** A single node's store: every partition of the topic loaded now. */
    @Override
    public OffsetStore open(LogStorageEngine logs, Map<String, String> settings, Time time) {
        String configured = settings.get("offsets.topic.num.partitions");
        int partitions = configured == null ? DEFAULT_PARTITIONS : Integer.parseInt(configured.trim());
        SnapshotPolicy snapshots = SnapshotPolicy.from(settings);
        return LogOffsetStore.open(logs, partitions, logConfig(snapshots), snapshots, time);
    }

    /** A cluster broker's store: partitions are loaded as this broker comes to lead them. */
    public static LogOffsetStore openUnloaded(LogStorageEngine logs, Map<String, String> settings, Time time) {
        SnapshotPolicy snapshots = SnapshotPolicy.from(settings);
        return LogOffsetStore.unloaded(logs, logConfig(snapshots), snapshots, time);
    }

    private static LogConfig logConfig(SnapshotPolicy snapshots) {
        // offsets must never be dropped by time or size retention: only snapshots move the log start
        return LogConfig.DEFAULT.withRetentionMs(-1).withRetentionBytes(-1)
                .withSegmentBytes((int) Math.min(Integer.MAX_VALUE, snapshots.triggerBytes()));
    }
}
