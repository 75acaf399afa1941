package dev.sluice.broker.producer;

import dev.sluice.api.record.RecordBatch;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Producer bookkeeping of one partition: for each producer id, its epoch and recent batch
 * sequences, so a retried batch is answered without being appended twice and a gap in sequences
 * is refused; for transactional producers also the open transaction and the coordinator epoch of
 * the last marker, and the transactions that hold the last stable offset back
 * ({@link OngoingTransactions}). Kafka's rules (ProducerStateManager / ProducerAppendInfo).
 * Guarded by the partition's append lock.
 */
public final class ProducerStateTable {
    /** 1: idempotence only; 2: adds each producer's open transaction and coordinator epoch. */
    private static final int SNAPSHOT_VERSION = 2;

    private final Map<Long, ProducerEntry> producers = new HashMap<>();
    private final OngoingTransactions transactions = new OngoingTransactions();

    /** Decides what to do with {@code batch}; does not change state. */
    public SequenceCheck check(RecordBatch batch) {
        return check(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(),
                batch.isTransactional());
    }

    /** Decides what to do with a batch of these header fields; does not change state. */
    public SequenceCheck check(long producerId, short epoch, int firstSeq, int lastSeq, boolean transactional) {
        if (producerId == RecordBatch.NO_PRODUCER_ID) {
            return SequenceCheck.ACCEPT;
        }
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            // nothing known (new producer, or its state expired): a fresh producer starts at 0
            return firstSeq == 0 ? SequenceCheck.ACCEPT : new SequenceCheck.OutOfOrder(
                    "producer " + producerId + " has no state on this partition but sent sequence " + firstSeq);
        }
        if (epoch < entry.epoch()) {
            return new SequenceCheck.Fenced("producer " + producerId + " epoch " + epoch
                    + " is older than the current epoch " + entry.epoch());
        }
        if (epoch > entry.epoch()) {
            return firstSeq == 0 ? SequenceCheck.ACCEPT : new SequenceCheck.OutOfOrder(
                    "producer " + producerId + " started epoch " + epoch + " at sequence " + firstSeq + " instead of 0");
        }
        int duplicate = entry.findDuplicate(firstSeq, lastSeq);
        if (duplicate >= 0) {
            return new SequenceCheck.Duplicate(entry.firstOffset(duplicate), entry.lastOffset(duplicate),
                    entry.timestamp(duplicate));
        }
        if (!transactional && entry.currentTxnFirstOffset() != ProducerEntry.NO_TXN) {
            return new SequenceCheck.InvalidTxnState("producer " + producerId + " sent a non-transactional batch"
                    + " while its transaction from offset " + entry.currentTxnFirstOffset() + " is open");
        }
        int last = entry.lastSequence();
        int expected = last == Integer.MAX_VALUE ? 0 : last + 1;
        if (last >= 0 ? firstSeq != expected : firstSeq != 0 && entry.batchCount() == 0 && entry.coordinatorEpoch() >= 0) {
            // no batch in this epoch yet (a marker started it): Kafka expects sequence 0
            return new SequenceCheck.OutOfOrder("producer " + producerId + " sent sequence " + firstSeq
                    + " but the next expected is " + (last >= 0 ? expected : 0));
        }
        return SequenceCheck.ACCEPT;
    }

    /**
     * Decides a transaction marker from the coordinator (Kafka's {@code appendEndTxnMarker} checks):
     * an epoch older than the producer's → {@link SequenceCheck.Fenced}; a coordinator epoch older
     * than the last marker's → {@link SequenceCheck.CoordinatorFenced}. Does not change state.
     */
    public SequenceCheck checkMarker(long producerId, short epoch, int coordinatorEpoch) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            return SequenceCheck.ACCEPT;
        }
        if (epoch < entry.epoch()) {
            return new SequenceCheck.Fenced("transaction marker for producer " + producerId + " has epoch " + epoch
                    + ", older than the current epoch " + entry.epoch());
        }
        if (coordinatorEpoch < entry.coordinatorEpoch()) {
            return new SequenceCheck.CoordinatorFenced("transaction marker for producer " + producerId
                    + " from coordinator epoch " + coordinatorEpoch + ", older than " + entry.coordinatorEpoch());
        }
        return SequenceCheck.ACCEPT;
    }

    /** Records an appended batch (whose base offset is now assigned); returns what a marker completed, or null. */
    public CompletedTxn record(RecordBatch batch, long appendTimestamp, long nowMs) {
        if (batch.isControl()) {
            int type = dev.sluice.api.record.EndTxnMarker.typeOf(batch);
            return type == dev.sluice.api.record.EndTxnMarker.NOT_A_MARKER ? null : recordMarker(batch.producerId(),
                    batch.producerEpoch(), dev.sluice.api.record.EndTxnMarker.coordinatorEpochOf(batch),
                    type == dev.sluice.api.record.EndTxnMarker.COMMIT, batch.baseOffset(), nowMs);
        }
        record(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(),
                batch.baseOffset(), batch.lastOffset(), appendTimestamp, nowMs, batch.isTransactional());
        return null;
    }

    /** Records an appended data batch of these header fields and offsets; a transactional one may open a transaction. */
    public void record(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset,
                       long appendTimestamp, long nowMs, boolean transactional) {
        if (producerId == RecordBatch.NO_PRODUCER_ID) {
            return;
        }
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            entry = new ProducerEntry(epoch);
            producers.put(producerId, entry);
        }
        entry.record(epoch, firstSeq, lastSeq, firstOffset, lastOffset, appendTimestamp, nowMs);
        if (transactional && entry.currentTxnFirstOffset() == ProducerEntry.NO_TXN) {
            entry.beginTransaction(firstOffset);
            transactions.begin(producerId, firstOffset);
        }
    }

    /**
     * Records an appended commit or abort marker at {@code offset}: the producer's open transaction
     * (if any) ends. Returns it, or null for a marker without an open transaction (it neither moves
     * the last stable offset nor belongs in the index, as in Kafka).
     */
    public CompletedTxn recordMarker(long producerId, short epoch, int coordinatorEpoch, boolean commit, long offset,
                                     long nowMs) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            entry = new ProducerEntry(epoch);
            producers.put(producerId, entry);
        }
        long first = entry.currentTxnFirstOffset();
        entry.endTransaction(epoch, coordinatorEpoch, nowMs);
        if (first == ProducerEntry.NO_TXN) {
            return null;
        }
        long lastStable = transactions.complete(first, offset);
        return new CompletedTxn(producerId, first, offset, !commit, lastStable);
    }

    /** The last stable offset given the high watermark (completed transactions below it are forgotten). */
    public long lastStableOffset(long highWatermark) {
        return transactions.lastStableOffset(highWatermark);
    }

    /** Open transactions (tests). */
    public int openTransactions() {
        return transactions.openCount();
    }

    /** Every producer as DescribeProducers shows it. */
    public java.util.List<ProducerSummary> summaries() {
        java.util.List<ProducerSummary> out = new java.util.ArrayList<>(producers.size());
        producers.forEach((id, e) -> out.add(new ProducerSummary(id, e.epoch(), e.lastSequence(), e.lastTimestamp(),
                e.coordinatorEpoch(), e.currentTxnFirstOffset())));
        return out;
    }

    /**
     * Forgets producers idle for longer than {@code expirationMs} (producer.id.expiration.ms); never
     * one whose transaction is open, as Kafka.
     */
    public int expire(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(e -> e.currentTxnFirstOffset() == ProducerEntry.NO_TXN
                && nowMs - e.lastUpdateMs() > expirationMs);
        return before - producers.size();
    }

    /** Drops everything (after truncation the log is rescanned). */
    public void clear() {
        producers.clear();
        transactions.clear();
    }

    public int size() {
        return producers.size();
    }

    /**
     * Writes the table: version, count, then per producer its id, epoch, update time, open
     * transaction's first offset (-1: none), coordinator epoch and batches.
     */
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(SNAPSHOT_VERSION);
        data.writeInt(producers.size());
        for (Map.Entry<Long, ProducerEntry> e : producers.entrySet()) {
            ProducerEntry entry = e.getValue();
            data.writeLong(e.getKey());
            data.writeShort(entry.epoch());
            data.writeLong(entry.lastUpdateMs());
            data.writeLong(entry.currentTxnFirstOffset());
            data.writeInt(entry.coordinatorEpoch());
            data.writeInt(entry.batchCount());
            for (int b = 0; b < entry.batchCount(); b++) { // oldest first
                data.writeInt(entry.firstSequence(b));
                data.writeInt(entry.lastSequence(b));
                data.writeLong(entry.firstOffset(b));
                data.writeLong(entry.lastOffset(b));
                data.writeLong(entry.timestamp(b));
            }
        }
        data.flush();
    }

    /** Replaces the table with a snapshot written by {@link #writeSnapshot}. */
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int version = data.readInt();
        if (version != 1 && version != SNAPSHOT_VERSION) {
            throw new IOException("unknown producer state snapshot version " + version);
        }
        int count = data.readInt();
        if (count < 0 || count > 10_000_000) {
            throw new IOException("corrupt producer state snapshot: " + count + " producers");
        }
        clear();
        for (int i = 0; i < count; i++) {
            long id = data.readLong();
            short epoch = data.readShort();
            long updated = data.readLong();
            long txnFirstOffset = version >= 2 ? data.readLong() : ProducerEntry.NO_TXN;
            int coordinatorEpoch = version >= 2 ? data.readInt() : -1;
            if (txnFirstOffset < ProducerEntry.NO_TXN) {
                throw new IOException("corrupt producer state snapshot: transaction start " + txnFirstOffset);
            }
            int batches = data.readInt();
            if (batches < 0 || batches > ProducerEntry.RETAINED_BATCHES) {
                throw new IOException("corrupt producer state snapshot: " + batches + " batches");
            }
            ProducerEntry entry = new ProducerEntry(epoch);
            for (int b = 0; b < batches; b++) {
                entry.record(epoch, data.readInt(), data.readInt(), data.readLong(), data.readLong(), data.readLong(),
                        updated);
            }
            entry.restore(txnFirstOffset, coordinatorEpoch, updated);
            producers.put(id, entry);
        }
        transactions.rebuild(producers);
    }
}
