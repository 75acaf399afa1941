package dev.sluice.storage.lmdb.log;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.AbortedTxn;
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
import java.util.HashSet;
import java.util.Set;
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
    /**
     * What one write transaction does: drops and replacements (applied after the cursor is
     * closed, since the flyweights pointed into pages these change), the aborted-transaction
     * entries it removes, and where the next one starts.
     */
    private record Chunk(long from, long next, List<Long> drops, List<Long> replacedAt, List<ByteBuffer> replacements,
                         Set<Long> entriesRemoved, long looked, long freed, long written) {
    }

    /** The chunk being applied (kept across a rerun of its transaction); cleaner thread only. */
    private Chunk planned;
    /** Whether the last run of the chunk's transaction applied it (false: the log changed). */
    private boolean applied;
    /** Bytes the transaction being run took off the log's size (undone if it reruns or fails). */
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
        Compactor compactor = new Compactor(request, section.cleanableBytes() / 8 + 1, log.abortedTxnEntries());
        long read = buildMap(compactor, section, request);
        long indexedEnd = compactor.indexedEnd();
        if (indexedEnd <= section.firstDirtyOffset()) {
            return new CompactionOutcome.NothingToClean(section.firstDirtyOffset());
        }
        long next = log.logStartOffset();
        long freed = 0;
        long written = 0;
        long before = 0;
        planned = null;
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
            Chunk chunk = planned;
            if (!applied) {
                return new CompactionOutcome.Aborted("the log was truncated or shortened during the cleaning");
            }
            if (!chunk.entriesRemoved().isEmpty()) {
                log.abortedTxnsRemoved(chunk.entriesRemoved());
            }
            read += chunk.looked();
            request.throttle().bytesProcessed(chunk.looked() + chunk.written());
            before += chunk.looked();
            freed += chunk.freed();
            written += chunk.written();
            next = chunk.next();
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
     * {@link #applied} false if the log changed under the cleaning. Run again if the map had to
     * grow: it first undoes the size change of the earlier run and applies the same decisions
     * ({@link #planned}: the compactor sees each batch once).
     */
    private Void cleanChunk(Txn<ByteBuffer> txn, Compactor compactor, long from, long end, long removalsAtStart) {
        log.addToSize(appliedFreed);
        appliedFreed = 0;
        applied = false;
        log.checkOpen(); // inside the transaction: ordered against a delete's drop
        if (log.removals() != removalsAtStart) {
            return null;
        }
        if (planned == null || planned.from() != from) {
            planned = decide(txn, compactor, from, end);
        }
        Chunk chunk = planned;
        for (long baseOffset : chunk.drops()) {
            tables.batches.delete(txn, Keys.batch(id, baseOffset));
        }
        for (int i = 0; i < chunk.replacedAt().size(); i++) {
            ByteBuffer batch = chunk.replacements().get(i);
            ByteBuffer target = tables.batches.reserve(txn, Keys.batch(id, chunk.replacedAt().get(i)), batch.remaining());
            target.put(0, batch, batch.position(), batch.remaining());
        }
        log.removeAbortedTxns(txn, chunk.entriesRemoved());
        if (chunk.freed() != 0) {
            PartitionMeta meta = tables.meta(txn, id);
            tables.putMeta(txn, id, meta.logStart(), meta.logEnd(), meta.size() - chunk.freed());
        }
        if (chunk.next() >= end) {
            tables.putFirstDirty(txn, id, end);
        }
        log.addToSize(-chunk.freed()); // atomic against the writer, whose transactions wait for this one
        appliedFreed = chunk.freed();
        applied = true;
        return null;
    }

    /** The compactor's decisions for the batches of one chunk, read in {@code txn}. */
    private Chunk decide(Txn<ByteBuffer> txn, Compactor compactor, long from, long end) {
        List<Long> drops = new ArrayList<>();
        List<Long> replacedAt = new ArrayList<>();
        List<ByteBuffer> replacements = new ArrayList<>();
        Set<Long> markers = new HashSet<>();
        long looked = 0;
        long freed = 0;
        long written = 0;
        long next = end;
        try (BatchCursor cursor = new BatchCursor(tables, txn, id)) {
            for (boolean more = cursor.seekContaining(from); more; more = cursor.next()) {
                RecordBatch batch = cursor.batch();
                if (batch.baseOffset() >= end) {
                    break;
                }
                if (looked >= CHUNK_BYTES) {
                    next = batch.baseOffset();
                    break;
                }
                int size = batch.sizeInBytes();
                looked += size;
                if (batch.isControl()) {
                    markers.add(batch.baseOffset());
                }
                Compactor.Decision decision = compactor.clean(batch);
                if (decision instanceof Compactor.Decision.Drop) {
                    drops.add(batch.baseOffset());
                    freed += size;
                } else if (decision instanceof Compactor.Decision.Replace replace) {
                    replacedAt.add(batch.baseOffset());
                    replacements.add(replace.batch());
                    freed += size - replace.batch().remaining();
                    written += replace.batch().remaining();
                }
            }
        }
        // the entries of this chunk's abort markers whose records are all gone
        Set<Long> entriesRemoved = new HashSet<>();
        for (AbortedTxn entry : log.abortedTxnEntries()) {
            if (markers.contains(entry.lastOffset()) && !compactor.keepsAbortedTxn(entry)) {
                entriesRemoved.add(entry.lastOffset());
            }
        }
        return new Chunk(from, next, drops, replacedAt, replacements, entriesRemoved, looked, freed, written);
    }
}
