package dev.sluice.storage.lmdb.log;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.LogConfig;

/**
 * retention.ms then retention.bytes, applied oldest batch first as the file backend applies them
 * to segments: time deletes while batches are expired, then size deletes while the log stays at
 * least {@code retention.bytes} without the batch. A batch without a timestamp (max timestamp
 * below zero) never expires by time.
 */
final class RetentionRule implements Pruning.Rule {
    private final long nowMs;
    private final long retentionMs;
    private final long retentionBytes;
    private long excess;
    private boolean byTime;

    RetentionRule(LogConfig config, long nowMs, long logSize) {
        this.nowMs = nowMs;
        this.retentionMs = config.retentionMs();
        this.retentionBytes = config.retentionBytes();
        this.excess = logSize - retentionBytes;
        this.byTime = retentionMs >= 0;
    }

    @Override
    public boolean deletable(RecordBatch batch) {
        int size = batch.sizeInBytes();
        if (byTime && batch.maxTimestamp() >= 0 && nowMs - batch.maxTimestamp() > retentionMs) {
            excess -= size;
            return true;
        }
        byTime = false;
        if (retentionBytes >= 0 && excess - size >= 0) {
            excess -= size;
            return true;
        }
        return false;
    }
}
