package dev.sluice.broker.partition;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.compression.CompressionType;
import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.InvalidRecordException;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.TimestampType;

import java.nio.ByteBuffer;

/**
 * The checks of a produce request's records before the leader appends them (Kafka's
 * LogValidator, lean): batch magic and structure, sizes against max.message.bytes and
 * segment.bytes, installed codecs, no control batches from clients (markers come from the
 * coordinator through WriteTxnMarkers), a producer id on transactional batches, CreateTime
 * timestamps within message.timestamp.before/after.max.ms. It is the one walk over the batch
 * headers: each batch's facts are recorded in a {@link BatchFacts} that every later step reads.
 * Stateless; called on request handler threads with their thread-local flyweights.
 */
final class ProduceValidation {
    private ProduceValidation() {
    }

    /**
     * The one walk over the headers: checks each batch and records its facts, which every later
     * step (sequence check, stamping, storage append, index update, producer state) reads instead.
     */
    static AppendOutcome validate(ByteBuffer records, PartitionSettings rules, BatchFacts facts, RecordBatch batch,
                                  int segmentBytes, long now) {
        facts.clear();
        if (!records.hasRemaining()) {
            return new AppendOutcome.Rejected(AppendError.CORRUPT_MESSAGE, "empty record set");
        }
        if (records.remaining() > segmentBytes) {
            // as Kafka: not retriable, so a producer gives up at once instead of retrying until its delivery timeout
            return new AppendOutcome.Rejected(AppendError.RECORD_LIST_TOO_LARGE, "record batches of " + records.remaining()
                    + " bytes are larger than the topic's segment.bytes=" + segmentBytes);
        }
        boolean createTime = rules.timestampType() == TimestampType.CREATE_TIME;
        int position = records.position();
        while (position < records.limit()) {
            batch.wrap(records, position);
            int available = records.limit() - position;
            if (available >= RecordBatch.MAGIC_OFFSET + 1 && batch.magic() != RecordBatch.MAGIC_V2) {
                return new AppendOutcome.Rejected(AppendError.UNSUPPORTED_FOR_MESSAGE_FORMAT,
                        "record batch magic " + batch.magic() + " is not supported; use a client that writes v2 batches");
            }
            try {
                // the CRC is checked once, by the log append before anything is written; only a batch
                // about to be re-stamped with LogAppendTime (which rewrites its CRC) is checked here first
                if (rules.timestampType() == TimestampType.LOG_APPEND_TIME) {
                    batch.validate(available);
                } else {
                    batch.validateStructure(available);
                }
            } catch (InvalidRecordException e) {
                return new AppendOutcome.Rejected(AppendError.CORRUPT_MESSAGE, e.getMessage());
            }
            if (batch.sizeInBytes() > rules.maxMessageBytes()) {
                return new AppendOutcome.Rejected(AppendError.MESSAGE_TOO_LARGE, "record batch of " + batch.sizeInBytes()
                        + " bytes exceeds max.message.bytes=" + rules.maxMessageBytes());
            }
            int codec = batch.compressionId();
            if (codec > CompressionType.ZSTD.id() && !CompressionCodecs.installed().has(codec)) {
                // ids 5-7 belong to plugin codecs: only accept what this broker could hand to a reader that has it
                return new AppendOutcome.Rejected(AppendError.UNSUPPORTED_COMPRESSION_TYPE, "compression codec id "
                        + codec + " is not installed on this broker; add the plugin that provides it");
            }
            if (batch.isControl()) {
                return new AppendOutcome.Rejected(AppendError.INVALID_RECORD, "clients may not write control batches");
            }
            if (batch.isTransactional() && batch.producerId() == RecordBatch.NO_PRODUCER_ID) {
                return new AppendOutcome.Rejected(AppendError.INVALID_RECORD, "a transactional batch needs a producer id");
            }
            if (batch.recordCount() == 0) {
                return new AppendOutcome.Rejected(AppendError.INVALID_RECORD, "record batch has no records");
            }
            if (createTime) {
                AppendOutcome outOfRange = checkTimestamps(batch, now, rules);
                if (outOfRange != null) {
                    return outOfRange;
                }
            }
            facts.add(batch);
            position += batch.sizeInBytes();
        }
        // LogAppendTime batches were CRC-checked above and get a new CRC when stamped: the log need not check again
        facts.crcVerified(!createTime);
        return null;
    }

    /**
     * {@code message.timestamp.before/after.max.ms} of a CreateTime topic, checked on the batch header
     * (records are not decoded on append): the batch's max timestamp against the upper bound and its
     * base timestamp (the first record's) against the lower one. Kafka checks every record.
     */
    private static AppendOutcome checkTimestamps(RecordBatch batch, long now, PartitionSettings rules) {
        long max = batch.maxTimestamp();
        if (max != RecordBatch.NO_TIMESTAMP && max - now > rules.timestampAfterMaxMs()) {
            return new AppendOutcome.Rejected(AppendError.INVALID_TIMESTAMP, "timestamp " + max + " is more than "
                    + "message.timestamp.after.max.ms=" + rules.timestampAfterMaxMs() + " ahead of the broker's time " + now);
        }
        long base = batch.baseTimestamp();
        if (base != RecordBatch.NO_TIMESTAMP && now - base > rules.timestampBeforeMaxMs()) {
            return new AppendOutcome.Rejected(AppendError.INVALID_TIMESTAMP, "timestamp " + base + " is more than "
                    + "message.timestamp.before.max.ms=" + rules.timestampBeforeMaxMs() + " behind the broker's time " + now);
        }
        return null;
    }

}
