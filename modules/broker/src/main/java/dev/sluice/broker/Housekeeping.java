package dev.sluice.broker;

import dev.sluice.api.Scheduler;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.group.GroupOffsets;
import dev.sluice.broker.partition.PartitionManager;

import java.util.concurrent.TimeUnit;

/**
 * The broker's periodic chores, one {@link Scheduler} for all (each is short; a slow one only delays
 * the next): retention, the high-watermark checkpoint, producer-id expiry, offset expiry. A chore
 * that fails is logged and runs again at its next turn: housekeeping never stops the broker.
 *
 * <p>Stateless; the chores run on the scheduler's thread ({@code sluice-housekeeping}).
 */
final class Housekeeping {
    private static final System.Logger LOG = System.getLogger(Housekeeping.class.getName());
    /** Kafka's producer.id.expiration.ms default: idempotence state of idle producers is dropped after a day. */
    private static final long PRODUCER_ID_EXPIRATION_MS = TimeUnit.DAYS.toMillis(1);
    /** Kafka's replica.high.watermark.checkpoint.interval.ms default. */
    private static final long HIGH_WATERMARK_CHECKPOINT_MS = 5_000;

    private Housekeeping() {
    }

    static void schedule(Scheduler housekeeping, BrokerConfig config, PartitionManager p, GroupOffsets offsets) {
        long retentionCheck = config.logRetentionCheckIntervalMs();
        housekeeping.scheduleWithFixedDelay(() -> runQuietly("retention", p::enforceRetention),
                retentionCheck, retentionCheck);
        housekeeping.scheduleWithFixedDelay(() -> runQuietly("high watermark checkpoint", p::checkpointHighWatermarks),
                HIGH_WATERMARK_CHECKPOINT_MS, HIGH_WATERMARK_CHECKPOINT_MS);
        long producerCheck = TimeUnit.MINUTES.toMillis(10);
        housekeeping.scheduleWithFixedDelay(() -> runQuietly("producer expiration", () -> p.all()
                .forEach(partition -> partition.expireProducers(PRODUCER_ID_EXPIRATION_MS))), producerCheck, producerCheck);
        long offsetsCheck = config.offsetsRetentionCheckIntervalMs();
        housekeeping.scheduleWithFixedDelay(() -> runQuietly("offset expiration", offsets::expireOffsets),
                offsetsCheck, offsetsCheck);
    }

    /** Runs {@code task}; a failure is logged as {@code what} failed, not thrown. */
    static void runQuietly(String what, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, what + " failed", e);
        }
    }
}
