package dev.sluice.storage.file;

import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.file.checkpoint.OffsetCheckpointFile;
import dev.sluice.storage.file.log.LogCheckpoints;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The per-directory checkpoint files, {@code recovery-point-offset-checkpoint} and
 * {@code log-start-offset-checkpoint}, kept in memory and rewritten whenever a log reports a
 * change. Entries of partitions not opened in this run are carried over untouched.
 */
final class DirectoryCheckpoints implements LogCheckpoints {
    static final String RECOVERY_POINT_FILE = "recovery-point-offset-checkpoint";
    static final String LOG_START_OFFSET_FILE = "log-start-offset-checkpoint";
    private static final System.Logger LOG = System.getLogger(DirectoryCheckpoints.class.getName());

    private final OffsetCheckpointFile recoveryPointFile;
    private final OffsetCheckpointFile logStartFile;
    private final Map<TopicPartition, Long> recoveryPoints;
    private final Map<TopicPartition, Long> logStartOffsets;
    private boolean deferRecoveryPointWrites;
    /** How often the recovery-point file was written: for tests of start-up cost. */
    private int recoveryPointWrites;

    DirectoryCheckpoints(java.nio.file.Path directory) {
        this.recoveryPointFile = new OffsetCheckpointFile(directory.resolve(RECOVERY_POINT_FILE));
        this.logStartFile = new OffsetCheckpointFile(directory.resolve(LOG_START_OFFSET_FILE));
        this.logStartOffsets = new HashMap<>(logStartFile.read());
        Map<TopicPartition, Long> points;
        try {
            points = recoveryPointFile.read();
        } catch (StorageException e) {
            // losing recovery points only costs time: every segment gets recovered
            LOG.log(System.Logger.Level.WARNING, "ignoring unreadable " + RECOVERY_POINT_FILE + "; logs will be fully recovered", e);
            points = Map.of();
        }
        this.recoveryPoints = new HashMap<>(points);
    }

    synchronized OptionalLong recoveryPoint(TopicPartition partition) {
        Long offset = recoveryPoints.get(partition);
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    }

    synchronized OptionalLong logStartOffset(TopicPartition partition) {
        Long offset = logStartOffsets.get(partition);
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    }

    @Override
    public synchronized void recoveryPoint(TopicPartition partition, long offset) {
        Long previous = recoveryPoints.put(partition, offset);
        if (!deferRecoveryPointWrites && (previous == null || previous != offset)) {
            writeRecoveryPoints();
        }
    }

    @Override
    public synchronized void logStartOffset(TopicPartition partition, long offset) {
        Long previous = logStartOffsets.put(partition, offset);
        if (previous == null || previous != offset) {
            logStartFile.write(logStartOffsets);
        }
    }

    /** The partition is gone. */
    synchronized void forget(TopicPartition partition) {
        if (recoveryPoints.remove(partition) != null) {
            recoveryPointFile.write(recoveryPoints);
        }
        if (logStartOffsets.remove(partition) != null) {
            logStartFile.write(logStartOffsets);
        }
    }

    /** While every log closes or opens, collect recovery points and write the file once ({@link #writeAll()}). */
    synchronized void deferWrites() {
        deferRecoveryPointWrites = true;
    }

    /** Ends {@link #deferWrites()}: writes the recovery points collected meanwhile, once. */
    synchronized void resumeWrites() {
        deferRecoveryPointWrites = false;
        writeRecoveryPoints();
    }

    private void writeRecoveryPoints() {
        recoveryPointFile.write(recoveryPoints);
        recoveryPointWrites++;
    }

    synchronized int recoveryPointWrites() {
        return recoveryPointWrites;
    }

    synchronized void writeAll() {
        recoveryPointFile.write(recoveryPoints);
        logStartFile.write(logStartOffsets);
    }
}
