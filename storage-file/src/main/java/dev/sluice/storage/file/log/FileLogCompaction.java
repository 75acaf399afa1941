package dev.sluice.storage.file.log;

import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.CleanableSection;
import dev.sluice.api.storage.CompactionOutcome;
import dev.sluice.api.storage.CompactionRequest;
import dev.sluice.api.storage.LogCompaction;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.storage.compaction.Compactor;
import dev.sluice.storage.file.checkpoint.OffsetCheckpointFile;
import dev.sluice.storage.file.segment.BatchHeaderReader;
import dev.sluice.storage.file.segment.LogSegment;
import dev.sluice.storage.file.segment.SegmentFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compaction of a {@link FileLog} (Kafka's cleaner, storage half). Cleans whole old segments,
 * never the active one: groups of consecutive segments (together at most {@code segment.bytes})
 * are each written to one new segment named after the group's first base offset, with the
 * {@code .cleaned} suffix, fsynced, renamed {@code .swap}, and then swapped in under the log's
 * write lock: the new segment replaces the old ones for readers, the old ones are retired
 * ({@code .deleted}, removed after {@code file.delete.delay.ms}, so reads in flight finish), and
 * the {@code .swap} suffix is dropped. Start-up removes {@code .cleaned} files and finishes any
 * swap it finds ({@link LogLoader}), so a crash at any step leaves the old or the new segments,
 * never both and never neither. Indexes of a cleaned segment are built as it is written.
 *
 * <p>The first dirty offset is kept in {@code cleaner-offset-checkpoint} in the partition
 * directory (Kafka's checkpoint format, one entry), written after the swap; a crash before it
 * only makes the next cleaning redo work.
 *
 * <p>Threads: {@link #compact} on one cleaner thread at a time; it reads segments without the
 * log's lock (old segments are immutable) and takes the lock only to swap, checking first that
 * no truncation happened and its segments are all still there. The other calls from any thread.
 */
final class FileLogCompaction implements LogCompaction {
    static final String CHECKPOINT_FILE = "cleaner-offset-checkpoint";
    private static final System.Logger LOG = System.getLogger(FileLogCompaction.class.getName());
    private static final int READ_CHUNK = 1 << 20;

    private final FileLog log;
    private final LogSegments segments;
    private final Path dir;
    private final TopicPartition partition;
    private final OffsetCheckpointFile checkpoint;
    private volatile long firstDirty;

    FileLogCompaction(FileLog log, LogSegments segments, Path dir, TopicPartition partition) {
        this.log = log;
        this.segments = segments;
        this.dir = dir;
        this.partition = partition;
        this.checkpoint = new OffsetCheckpointFile(dir.resolve(CHECKPOINT_FILE));
        this.firstDirty = readCheckpoint();
    }

    private long readCheckpoint() {
        try {
            Long stored = checkpoint.read().get(partition);
            return stored == null ? 0 : stored;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: ignoring unreadable {1}: the log will be cleaned from its start",
                    partition, CHECKPOINT_FILE);
            return 0;
        }
    }

    @Override
    public long firstDirtyOffset() {
        return Math.min(Math.max(firstDirty, log.logStartOffset()), log.logEndOffset());
    }

    @Override
    public CleanableSection cleanableSection(long nowMs, long minCompactionLagMs, long upperBoundOffset) {
        long dirtyStart = firstDirtyOffset();
        LogSegment active = segments.active();
        long end = Math.min(upperBoundOffset, active.baseOffset());
        long clean = 0;
        long cleanable = 0;
        long firstDirtyTimestamp = -1;
        for (LogSegment segment : segments.all()) {
            LogSegment next = segments.next(segment);
            if (next == null || segment.baseOffset() >= end) {
                break;
            }
            if (next.baseOffset() <= dirtyStart) {
                clean += segment.size();
                continue;
            }
            TimestampOffset max = segment.maxTimestampSoFar();
            if (minCompactionLagMs > 0 && max != null && max.timestamp() > nowMs - minCompactionLagMs) {
                end = Math.min(end, Math.max(segment.baseOffset(), dirtyStart));
                break;
            }
            if (firstDirtyTimestamp < 0 && max != null) {
                firstDirtyTimestamp = max.timestamp();
            }
            cleanable += segment.size();
        }
        end = Math.max(end, dirtyStart);
        return new CleanableSection(dirtyStart, end, clean, end > dirtyStart ? cleanable : 0, firstDirtyTimestamp);
    }

    @Override
    public CompactionOutcome compact(CompactionRequest request) {
        long truncationsAtStart = log.truncations();
        CleanableSection section = cleanableSection(request.nowMs(), request.minCompactionLagMs(), request.upperBoundOffset());
        if (section.cleanableEndOffset() <= section.firstDirtyOffset()) {
            return new CompactionOutcome.NothingToClean(section.firstDirtyOffset());
        }
        // after the section: every segment it may clean is no longer active, so its entries are all in
        List<AbortedTxn> abortedTxns = new ArrayList<>();
        for (LogSegment segment : segments.all()) {
            abortedTxns.addAll(segment.txnIndex().entries());
        }
        Compactor compactor = new Compactor(request, section.cleanableBytes() / 8 + 1, abortedTxns);
        long[] read = {0};
        try {
            buildMap(compactor, section, request, read);
        } catch (UncheckedIOException e) {
            throw new dev.sluice.api.storage.StorageException("cannot read " + partition + " for cleaning", e.getCause());
        }
        long indexedEnd = compactor.indexedEnd();
        if (indexedEnd <= section.firstDirtyOffset()) {
            return new CompactionOutcome.NothingToClean(section.firstDirtyOffset());
        }
        List<List<LogSegment>> groups = groups(indexedEnd);
        long written = 0;
        long before = 0;
        long after = 0;
        for (List<LogSegment> group : groups) {
            LogSegment cleaned = null;
            boolean swapped = false;
            try {
                cleaned = LogSegment.open(dir, group.get(0).baseOffset(), log.config().maxIndexBytes(),
                        log.time().milliseconds(), SegmentFiles.CLEANED_SUFFIX);
                for (LogSegment segment : group) {
                    before += segment.size();
                    read[0] += cleanInto(segment, cleaned, compactor, indexedEnd, request);
                }
                // the entries of the markers in the group, less those whose records are all gone
                for (LogSegment segment : group) {
                    for (AbortedTxn entry : segment.txnIndex().entries()) {
                        if (entry.lastOffset() >= indexedEnd || compactor.keepsAbortedTxn(entry)) {
                            cleaned.txnIndex().append(entry);
                        }
                    }
                }
                cleaned.onBecomeInactive();
                cleaned.flush();
                LogSegment following = segments.next(group.get(group.size() - 1));
                SwapRecovery.recordEnd(dir, cleaned.baseOffset(), following.baseOffset());
                cleaned.renameWithSuffix(SegmentFiles.SWAP_SUFFIX);
                SegmentDirectory.fsync(dir);
                String refused = swap(group, cleaned, truncationsAtStart);
                if (refused != null) {
                    return new CompactionOutcome.Aborted(refused);
                }
                swapped = true;
                written += cleaned.size();
                after += cleaned.size();
            } finally {
                if (cleaned != null && !swapped) {
                    cleaned.delete();
                }
                if (cleaned != null) {
                    SwapRecovery.forgetEnd(dir, cleaned.baseOffset());
                }
            }
        }
        firstDirty = indexedEnd;
        checkpoint.write(Map.of(partition, indexedEnd));
        return compactor.outcome(read[0], written, before, after);
    }

    /** Pass 1: producers' last batches over the whole log, keys of the dirty part up to where the map fills. */
    private void buildMap(Compactor compactor, CleanableSection section, CompactionRequest request, long[] read) {
        long offset = log.logStartOffset();
        boolean indexing = true;
        RecordBatch batch = new RecordBatch();
        while (offset < log.logEndOffset()) {
            ByteBuffer chunk = toBuffer(log.read(offset, log.logEndOffset(), READ_CHUNK, true));
            if (!chunk.hasRemaining()) {
                break;
            }
            request.throttle().bytesProcessed(chunk.remaining());
            read[0] += chunk.remaining();
            for (int at = chunk.position(); at < chunk.limit(); at += batch.sizeInBytes()) {
                batch.wrap(chunk, at);
                compactor.seeBatchHeader(batch);
                if (indexing && batch.baseOffset() >= section.firstDirtyOffset()) {
                    indexing = batch.lastOffset() < section.cleanableEndOffset() && compactor.index(batch);
                }
                offset = batch.nextOffset();
            }
        }
    }

    /** Consecutive old segments below {@code end}, grouped so each group fits one segment. */
    private List<List<LogSegment>> groups(long end) {
        List<List<LogSegment>> groups = new ArrayList<>();
        List<LogSegment> current = new ArrayList<>();
        long size = 0;
        int limit = log.config().segmentBytes();
        LogSegment active = segments.active();
        for (LogSegment segment : segments.all()) {
            if (segment == active || segment.baseOffset() >= end) {
                break;
            }
            LogSegment next = segments.next(segment);
            boolean fits = !current.isEmpty() && size + segment.size() <= limit
                    && next.baseOffset() - 1 - current.get(0).baseOffset() <= Integer.MAX_VALUE;
            if (!current.isEmpty() && !fits) {
                groups.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(segment);
            size += segment.size();
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    /** Pass 2 for one old segment: what the compactor keeps of it, appended to {@code cleaned}. Returns bytes read. */
    private long cleanInto(LogSegment segment, LogSegment cleaned, Compactor compactor, long indexedEnd,
                           CompactionRequest request) {
        BatchHeaderReader reader = new BatchHeaderReader();
        RecordBatch batch = new RecordBatch();
        BatchFacts facts = new BatchFacts();
        int indexInterval = log.config().indexIntervalBytes();
        long read = 0;
        int position = 0;
        while (position < segment.size()) {
            ByteBuffer chunk = toBuffer(segment.read(position, Long.MAX_VALUE, READ_CHUNK, true, reader));
            if (!chunk.hasRemaining()) {
                break;
            }
            request.throttle().bytesProcessed(chunk.remaining());
            read += chunk.remaining();
            position += chunk.remaining();
            ByteBuffer out = ByteBuffer.allocate(chunk.remaining() + 1024);
            for (int at = chunk.position(); at < chunk.limit(); at += batch.sizeInBytes()) {
                batch.wrap(chunk, at);
                ByteBuffer kept = keptBytes(batch, compactor, indexedEnd);
                if (kept == null) {
                    continue;
                }
                if (out.remaining() < kept.remaining()) {
                    out = grow(out, kept.remaining());
                }
                out.put(kept);
            }
            out.flip();
            if (out.hasRemaining()) {
                request.throttle().bytesProcessed(out.remaining());
                cleaned.append(out, facts.collectValidated(out, new RecordBatch()), indexInterval);
            }
        }
        return read;
    }

    private static ByteBuffer keptBytes(RecordBatch batch, Compactor compactor, long indexedEnd) {
        ByteBuffer whole = batch.buffer().duplicate();
        whole.limit(batch.offset() + batch.sizeInBytes()).position(batch.offset());
        if (batch.baseOffset() >= indexedEnd) {
            return whole; // beyond what this cleaning indexed: copied as it is
        }
        Compactor.Decision decision = compactor.clean(batch);
        if (decision instanceof Compactor.Decision.Replace replace) {
            return replace.batch();
        }
        return decision instanceof Compactor.Decision.Keep ? whole : null;
    }

    /** Under the log's lock: the swap, or why it was refused. */
    private String swap(List<LogSegment> group, LogSegment cleaned, long truncationsAtStart) {
        log.writeLock().lock();
        try {
            log.checkOpen();
            if (log.truncations() != truncationsAtStart) {
                return "the log was truncated during the cleaning";
            }
            for (LogSegment segment : group) {
                if (segments.floor(segment.baseOffset()) != segment) {
                    return "segment " + segment.baseOffset() + " was removed during the cleaning";
                }
            }
            log.swapSegments(group, cleaned);
            return null;
        } finally {
            log.writeLock().unlock();
        }
    }

    private static ByteBuffer grow(ByteBuffer out, int extra) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + extra));
        out.flip();
        return bigger.put(out);
    }

    private static ByteBuffer toBuffer(LogSlice slice) {
        try {
            return slice.toBuffer();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
