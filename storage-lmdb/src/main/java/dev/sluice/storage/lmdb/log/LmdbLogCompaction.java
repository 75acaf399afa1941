package dev.sluice.storage.lmdb.log;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.CleanableSection;
import dev.sluice.api.storage.CompactionOutcome;
import dev.sluice.api.storage.CompactionRequest;
import dev.sluice.api.storage.LogCompaction;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.storage.compaction.Compactor;
import dev.sluice.storage.lmdb.env.LmdbEnvironment;
import dev.sluice.storage.lmdb.env.ReadTxn;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Compaction of an {@link LmdbLog}: the dedupe map is built in one read snapshot, then the
 * cleaned part is rewritten in write transactions of about {@value #CHUNK_BYTES} bytes each, so
 * the directory's other partitions are not held up: each replaces or deletes batches (keys stay
 * their base offsets) and updates the partition's size in the same commit, so the log is
 * consistent after every one of them; the last also stores the first dirty offset (meta key
 * {@code [id][1]}). A crash between two leaves some batches cleaned and the checkpoint behind:
 * the next cleaning redoes the rest. LMDB has no segments, so there is no active segment to
 * spare: the cleanable part ends at the caller's upper bound (the high watermark) or at the first
 * batch younger than {@code min.compaction.lag.ms}.
 *
 * <p>Threads: {@link #compact} on one cleaner thread at a time, alongside the log's writer: each
 * write transaction first checks that no truncation or retention removed batches since the
 * cleaning began (else it stops: {@link CompactionOutcome.Aborted}) and reads the metadata it
 * updates from the transaction itself. The other calls from any thread.
 */
final class LmdbLogCompaction implements LogCompaction {
    static final int CHUNK_BYTES = 4 << 20;

    private final LmdbLog log;
    private final LmdbEnvironment env;
    private final LogTables tables;
    private final int id;
    private final TopicPartition partition;
    /** What the transaction being run did; reset at its start (it may run twice). */
    private long chunkFreed;
    private long chunkWritten;
    private long chunkNext;
    private long chunkLooked;
    private long appliedFreed;

    LmdbLogCompaction(LmdbLog log, LmdbEnvironment env, LogTables tables, int id, TopicPartition partition) {
        this.log = log;
        this.env = env;
        this.tables = tables;
        this.id = id;
        this.partition = partition;
    }

    @Override
    public long firstDirtyOffset() {
        long stored;
        try (ReadTxn read = env.beginRead()) {
            stored = tables.firstDirty(read.txn(), id);
        }
        return Math.min(Math.max(stored, log.logStartOffset()), log.logEndOffset());
    }

    @Override
    public CleanableSection cleanableSection(long nowMs, long minCompactionLagMs, long upperBoundOffset) {
        long dirtyStart = firstDirtyOffset();
        long end = Math.min(upperBoundOffset, log.logEndOffset());
        long dirtyBytes = 0;
        long cleanable = 0;
        long firstDirtyTimestamp = -1;
        boolean stopped = false;
        try (ReadTxn read = env.beginRead(); BatchCursor cursor = new BatchCursor(tables, read.txn(), id)) {
            long total = tables.meta(read.txn(), id).size();
            for (boolean more = cursor.seekContaining(dirtyStart); more; more = cursor.next()) {
                RecordBatch batch = cursor.batch();
                dirtyBytes += batch.sizeInBytes();
                if (stopped || batch.baseOffset() < dirtyStart) {
                    continue;
                }
                if (batch.lastOffset() >= end
                        || (minCompactionLagMs > 0 && batch.maxTimestamp() > nowMs - minCompactionLagMs)) {
                    end = Math.min(end, batch.baseOffset());
                    stopped = true;
                    continue;
                }
                if (firstDirtyTimestamp < 0) {
                    firstDirtyTimestamp = batch.maxTimestamp();
                }
                cleanable += batch.sizeInBytes();
            }
            end = Math.max(end, dirtyStart);
            return new CleanableSection(dirtyStart, end, Math.max(0, total - dirtyBytes), cleanable, firstDirtyTimestamp);
        }
    }

    @Override
    public CompactionOutcome compact(CompactionRequest request) {
        long removalsAtStart = log.removals();
        CleanableSection section = cleanableSection(request.nowMs(), request.minCompactionLagMs(), request.upperBoundOffset());
        if (section.cleanableEndOffset() <= section.firstDirtyOffset() || section.cleanableBytes() == 0) {
            return new CompactionOutcome.NothingToClean(section.firstDirtyOffset());
        }
        Compactor compactor = new Compactor(request, section.cleanableBytes() / 8 + 1);
        long read = buildMap(compactor, section, request);
        long indexedEnd = compactor.indexedEnd();
        if (indexedEnd <= section.firstDirtyOffset()) {
            return new CompactionOutcome.NothingToClean(section.firstDirtyOffset());
        }
        long next = log.logStartOffset();
        long freed = 0;
        long written = 0;
        long before = 0;
        while (next < indexedEnd) {
            long from = next;
            appliedFreed = 0;
            try {
                env.write(txn -> cleanChunk(txn, compactor, from, indexedEnd, removalsAtStart));
            } catch (RuntimeException e) {
                log.addToSize(appliedFreed); // the commit failed: undo what the transaction applied
                appliedFreed = 0;
                throw e;
            }
            if (chunkNext < 0) {
                return new CompactionOutcome.Aborted("the log was truncated or shortened during the cleaning");
            }
            read += chunkLooked;
            request.throttle().bytesProcessed(chunkLooked + chunkWritten);
            before += chunkLooked;
            freed += chunkFreed;
            written += chunkWritten;
            next = chunkNext;
        }
        return compactor.outcome(read, written, before, before - freed);
    }

    /** Pass 1 in one snapshot: producers' last batches over the whole log, keys of the dirty part. */
    private long buildMap(Compactor compactor, CleanableSection section, CompactionRequest request) {
        long read = 0;
        boolean indexing = true;
        try (ReadTxn txn = env.beginRead(); BatchCursor cursor = new BatchCursor(tables, txn.txn(), id)) {
            for (boolean more = cursor.seekFirst(); more; more = cursor.next()) {
                RecordBatch batch = cursor.batch();
                read += batch.sizeInBytes();
                request.throttle().bytesProcessed(batch.sizeInBytes());
                compactor.seeBatchHeader(batch);
                if (indexing && batch.baseOffset() >= section.firstDirtyOffset()) {
                    indexing = batch.lastOffset() < section.cleanableEndOffset() && compactor.index(batch);
                }
            }
        }
        return read;
    }

    /**
     * One write transaction: cleans batches from {@code from} until about {@link #CHUNK_BYTES} were
     * looked at or {@code end} is reached; the last one stores the checkpoint. Sets
     * {@link #chunkNext} to where the next one starts, or -1 if the log changed under the cleaning.
     * Run again if the map had to grow: it first undoes the size change of the earlier run.
     */
    private Void cleanChunk(Txn<ByteBuffer> txn, Compactor compactor, long from, long end, long removalsAtStart) {
        log.addToSize(appliedFreed);
        appliedFreed = 0;
        chunkFreed = 0;
        chunkWritten = 0;
        chunkLooked = 0;
        chunkNext = -1;
        log.checkOpen(); // inside the transaction: ordered against a delete's drop
        if (log.removals() != removalsAtStart) {
            return null;
        }
        List<Long> drops = new ArrayList<>();
        List<Long> replacedAt = new ArrayList<>();
        List<ByteBuffer> replacements = new ArrayList<>();
        long next = end;
        try (BatchCursor cursor = new BatchCursor(tables, txn, id)) {
            for (boolean more = cursor.seekContaining(from); more; more = cursor.next()) {
                RecordBatch batch = cursor.batch();
                if (batch.baseOffset() >= end) {
                    break;
                }
                if (chunkLooked >= CHUNK_BYTES) {
                    next = batch.baseOffset();
                    break;
                }
                int size = batch.sizeInBytes();
                chunkLooked += size;
                Compactor.Decision decision = compactor.clean(batch);
                if (decision instanceof Compactor.Decision.Drop) {
                    drops.add(batch.baseOffset());
                    chunkFreed += size;
                } else if (decision instanceof Compactor.Decision.Replace replace) {
                    replacedAt.add(batch.baseOffset());
                    replacements.add(replace.batch());
                    chunkFreed += size - replace.batch().remaining();
                    chunkWritten += replace.batch().remaining();
                }
            }
        }
        // applied after the cursor is closed: the flyweights above pointed into pages these change
        for (long baseOffset : drops) {
            tables.batches.delete(txn, Keys.batch(id, baseOffset));
        }
        for (int i = 0; i < replacedAt.size(); i++) {
            ByteBuffer batch = replacements.get(i);
            ByteBuffer target = tables.batches.reserve(txn, Keys.batch(id, replacedAt.get(i)), batch.remaining());
            target.put(0, batch, batch.position(), batch.remaining());
        }
        if (chunkFreed != 0) {
            PartitionMeta meta = tables.meta(txn, id);
            tables.putMeta(txn, id, meta.logStart(), meta.logEnd(), meta.size() - chunkFreed);
        }
        if (next >= end) {
            tables.putFirstDirty(txn, id, end);
        }
        log.addToSize(-chunkFreed); // atomic against the writer, whose transactions wait for this one
        appliedFreed = chunkFreed;
        chunkNext = next;
        return null;
    }
}
