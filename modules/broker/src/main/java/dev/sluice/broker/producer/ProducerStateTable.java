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
 * Idempotent-producer bookkeeping of one partition: for each producer id, its epoch and recent
 * batch sequences, so a retried batch is answered without being appended twice and a gap in
 * sequences is refused. Kafka's rules (ProducerStateManager), simplified to what an idempotent,
 * non-transactional producer needs. Guarded by the partition's append lock.
 */
public final class ProducerStateTable {
    private static final int SNAPSHOT_VERSION = 1;

    private final Map<Long, ProducerEntry> producers = new HashMap<>();

    /** Decides what to do with {@code batch}; does not change state. */
    public SequenceCheck check(RecordBatch batch) {
        return check(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence());
    }

    /** Decides what to do with a batch of these header fields; does not change state. */
    public SequenceCheck check(long producerId, short epoch, int firstSeq, int lastSeq) {
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
        ProducerBatch duplicate = entry.findDuplicate(firstSeq, lastSeq);
        if (duplicate != null) {
            return new SequenceCheck.Duplicate(duplicate.firstOffset(), duplicate.lastOffset(), duplicate.timestamp());
        }
        int last = entry.lastSequence();
        int expected = last == Integer.MAX_VALUE ? 0 : last + 1;
        if (last >= 0 && firstSeq != expected) {
            return new SequenceCheck.OutOfOrder("producer " + producerId + " sent sequence " + firstSeq
                    + " but the next expected is " + expected);
        }
        return SequenceCheck.ACCEPT;
    }

    /** Records an appended batch (whose base offset is now assigned). */
    public void record(RecordBatch batch, long appendTimestamp, long nowMs) {
        record(batch.producerId(), batch.producerEpoch(), batch.baseSequence(), batch.lastSequence(),
                batch.baseOffset(), batch.lastOffset(), appendTimestamp, nowMs);
    }

    /** Records an appended batch of these header fields and offsets. */
    public void record(long producerId, short epoch, int firstSeq, int lastSeq, long firstOffset, long lastOffset,
                       long appendTimestamp, long nowMs) {
        if (producerId == RecordBatch.NO_PRODUCER_ID) {
            return;
        }
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            entry = new ProducerEntry(epoch);
            producers.put(producerId, entry);
        }
        entry.record(epoch, new ProducerBatch(firstSeq, lastSeq, firstOffset, lastOffset, appendTimestamp), nowMs);
    }

    /** Forgets producers idle for longer than {@code expirationMs} (producer.id.expiration.ms). */
    public int expire(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(e -> nowMs - e.lastUpdateMs() > expirationMs);
        return before - producers.size();
    }

    /** Drops everything (after truncation the log is rescanned). */
    public void clear() {
        producers.clear();
    }

    public int size() {
        return producers.size();
    }

    /** Writes the table: version, count, then per producer its id, epoch, update time and batches. */
    public void writeSnapshot(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(SNAPSHOT_VERSION);
        data.writeInt(producers.size());
        for (Map.Entry<Long, ProducerEntry> e : producers.entrySet()) {
            ProducerEntry entry = e.getValue();
            data.writeLong(e.getKey());
            data.writeShort(entry.epoch());
            data.writeLong(entry.lastUpdateMs());
            int count = 0;
            for (ProducerBatch ignored : entry.batches()) {
                count++;
            }
            data.writeInt(count);
            for (ProducerBatch b : entry.batches()) {
                data.writeInt(b.firstSequence());
                data.writeInt(b.lastSequence());
                data.writeLong(b.firstOffset());
                data.writeLong(b.lastOffset());
                data.writeLong(b.timestamp());
            }
        }
        data.flush();
    }

    /** Replaces the table with a snapshot written by {@link #writeSnapshot}. */
    public void readSnapshot(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int version = data.readInt();
        if (version != SNAPSHOT_VERSION) {
            throw new IOException("unknown producer state snapshot version " + version);
        }
        int count = data.readInt();
        if (count < 0 || count > 10_000_000) {
            throw new IOException("corrupt producer state snapshot: " + count + " producers");
        }
        producers.clear();
        for (int i = 0; i < count; i++) {
            long id = data.readLong();
            short epoch = data.readShort();
            long updated = data.readLong();
            int batches = data.readInt();
            if (batches < 0 || batches > ProducerEntry.RETAINED_BATCHES) {
                throw new IOException("corrupt producer state snapshot: " + batches + " batches");
            }
            ProducerEntry entry = new ProducerEntry(epoch);
            for (int b = 0; b < batches; b++) {
                entry.record(epoch, new ProducerBatch(data.readInt(), data.readInt(), data.readLong(), data.readLong(),
                        data.readLong()), updated);
            }
            producers.put(id, entry);
        }
    }
}
