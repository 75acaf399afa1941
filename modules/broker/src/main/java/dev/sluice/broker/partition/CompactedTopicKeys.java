package dev.sluice.broker.partition;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.TopicPartition;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A compacted topic keeps the latest record of each key, so a record without a key has no place
 * in it: Kafka's LogValidator refuses the produce with INVALID_RECORD. Only compacted topics pay
 * for this decode (records, decompressed if need be); every other topic's produce path reads batch
 * headers only. Stateless; request handler threads.
 */
final class CompactedTopicKeys {
    private CompactedTopicKeys() {
    }

    /** The refusal if a record of {@code records} (validated batches) has no key, else null. */
    static AppendOutcome check(ByteBuffer records, TopicPartition partition) {
        RecordBatch batch = new RecordBatch();
        List<String> errors = new ArrayList<>();
        int count = 0;
        for (int at = records.position(); at < records.limit(); at += batch.sizeInBytes()) {
            batch.wrap(records, at);
            List<Record> decoded;
            try {
                decoded = RecordBatches.records(batch, CompressionCodecs.installed());
            } catch (InvalidRecordException e) {
                return new AppendOutcome.Rejected(AppendError.CORRUPT_MESSAGE, e.getMessage());
            }
            for (int i = 0; i < decoded.size(); i++) {
                if (decoded.get(i).key() == null) {
                    count++;
                    if (errors.size() < 3) {
                        errors.add("RecordError(batchIndex=" + i + ", message='Compacted topic cannot accept message without key "
                                + "in topic partition " + partition + "')");
                    }
                }
            }
        }
        if (count == 0) {
            return null;
        }
        // Kafka's LogValidator.processRecordErrors text
        return new AppendOutcome.Rejected(AppendError.INVALID_RECORD, "One or more records have been rejected due to " + count
                + " record errors in total, and only showing the first three errors at most: [" + String.join(", ", errors) + "]");
    }
}
