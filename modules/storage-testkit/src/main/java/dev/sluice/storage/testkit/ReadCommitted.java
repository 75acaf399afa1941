package dev.sluice.storage.testkit;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.EndTxnMarker;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.LogStorage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Reads a log as a read_committed Kafka consumer does (kafka-clients' {@code CompletedFetch}):
 * fetch by fetch, each with the aborted transactions the log reports for its range and a fresh
 * set of aborted producers; a transactional batch of a producer in that set is skipped until the
 * producer's abort marker; control batches are never returned. Small fetches make transactions
 * span fetches, as they do for real consumers.
 */
public final class ReadCommitted {
    private ReadCommitted() {
    }

    /** The records a read_committed consumer gets from the log start up to {@code upperBound} (the last stable offset). */
    public static List<Record> records(LogStorage log, long upperBound, int fetchMaxBytes) {
        CompressionCodecs codecs = CompressionCodecs.installed();
        List<Record> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < upperBound) {
            List<RecordBatch> batches = TestBatches.batchesOf(log.read(next, upperBound, fetchMaxBytes, true));
            if (batches.isEmpty()) {
                break; // what is left below the bound was cleaned away: a consumer waits for the bound to move
            }
            PriorityQueue<AbortedTxn> aborted = new PriorityQueue<>(Comparator.comparingLong(AbortedTxn::firstOffset));
            aborted.addAll(log.abortedTransactions(next, upperBound));
            Set<Long> abortedProducers = new HashSet<>();
            for (RecordBatch batch : batches) {
                if (batch.producerId() >= 0) {
                    while (!aborted.isEmpty() && aborted.peek().firstOffset() <= batch.lastOffset()) {
                        abortedProducers.add(aborted.poll().producerId());
                    }
                    if (batch.isControl() && EndTxnMarker.typeOf(batch) == EndTxnMarker.ABORT) {
                        abortedProducers.remove(batch.producerId());
                    } else if (batch.isTransactional() && abortedProducers.contains(batch.producerId())) {
                        continue;
                    }
                }
                if (batch.isControl()) {
                    continue;
                }
                for (Record record : RecordBatches.records(batch, codecs)) {
                    if (record.offset() >= next && record.offset() < upperBound) {
                        out.add(record);
                    }
                }
            }
            next = batches.get(batches.size() - 1).nextOffset();
        }
        return out;
    }
}
