package dev.sluice.broker.group.offset;

import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.LogStorage;

import java.util.List;

/**
 * Writes a partition's live records (latest value of every key, no tombstones) at the log end and
 * only then moves the log start to where they begin. Until that last step the older records stay
 * authoritative: a crash part-way leaves a partial copy of values that are already in the log,
 * which replaying simply applies again. Used for {@code __consumer_offsets} and {@code __transaction_state}.
 */
public final class LiveStateSnapshot {
    /** A finished snapshot: the new log start and how many bytes it took. */
    public record Written(long startOffset, long bytes) {
    }

    private LiveStateSnapshot() {
    }

    public static Written write(LogStorage log, List<byte[][]> records, int maxBatchBytes, long timestamp) {
        long start = log.logEndOffset();
        long bytes = 0;
        RecordBatchBuilder batch = null;
        int batchBytes = 0;
        for (byte[][] kv : records) {
            int size = kv[0].length + (kv[1] == null ? 0 : kv[1].length) + 32; // a record's overhead is < 32 bytes
            if (batch != null && batchBytes + size > maxBatchBytes) {
                bytes += log.append(batch.build()).bytes();
                batch = null;
            }
            if (batch == null) {
                batch = new RecordBatchBuilder(null).partitionLeaderEpoch(0);
                batchBytes = 61; // the batch header
            }
            batch.append(timestamp, kv[0], kv[1]);
            batchBytes += size;
        }
        if (batch != null) {
            bytes += log.append(batch.build()).bytes();
        }
        // durable before it replaces the older records: the new start is written to a checkpoint file
        log.flush();
        log.deleteRecordsBefore(start);
        return new Written(start, bytes);
    }
}
