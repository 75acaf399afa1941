package dev.sluice.broker.testing;

import dev.sluice.api.Time;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.StorageEngines;
import dev.sluice.broker.topic.FileTopicRegistry;
import dev.sluice.broker.topic.TopicDefaults;

import java.nio.file.Path;
import java.util.Map;

/**
 * The {@link PartitionManager} unit tests open without a broker: one storage engine and a file topic
 * catalogue in a test directory, with {@link #topicDefaults the tests' topic defaults}.
 *
 * <p>Stateless; what it opens belongs to the calling test (close it).
 */
public final class PartitionManagers {
    /** {@code max.broker.partitions} of the tests: far above what any test creates. */
    public static final int MAX_PARTITIONS = 1000;

    private PartitionManagers() {
    }

    /**
     * Kafka's log defaults, CreateTime, 1 MB messages, one partition of one replica, no automatic topic
     * creation, {@code delete} cleanup, no timestamp bounds, on the given storage engine.
     */
    public static TopicDefaults topicDefaults(String engine) {
        return new TopicDefaults(LogConfig.DEFAULT, TimestampType.CREATE_TIME, 1_000_000, 1, (short) 1, false, "delete",
                engine, Long.MAX_VALUE, Long.MAX_VALUE);
    }

    /** A manager on {@code dir} with {@code engine} as the default engine, not started (a test may set it up first). */
    public static PartitionManager create(Path dir, String engine, Time time) {
        StorageEngines engines = new StorageEngines(dir, engine, Map.of(), time).openDefault();
        return new PartitionManager(engines, new FileTopicRegistry(dir), topicDefaults(engine), time, MAX_PARTITIONS);
    }

    /** As {@link #create}, started: the partitions on disk are open. */
    public static PartitionManager open(Path dir, String engine, Time time) {
        PartitionManager partitions = create(dir, engine, time);
        partitions.startup();
        return partitions;
    }
}
