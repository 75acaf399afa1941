package dev.sluice.storage.lmdb.log;

import dev.sluice.api.Time;
import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.AbortedTxnList;
import dev.sluice.api.storage.AppendResult;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.IncomingBatches;
import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.lmdb.env.LmdbEnvironment;
import dev.sluice.storage.lmdb.env.ReadTxn;
import dev.sluice.storage.lmdb.env.TxnWork;
import org.lmdbjava.Txn;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The log of one partition in the directory's shared LMDB environment.
 *
 * <p>Every change (append; truncation, retention, DeleteRecords: {@link LmdbLogTruncation}) is one
 * write transaction that updates the batches, the time index, the epochs and the partition metadata together: after a
 * crash the log is exactly as of some commit, so there is nothing to recover. In-memory copies
 * (log start and end, size, epochs) are published only after the commit. One writer at a time
 * (the caller serialises writes, as for every {@link LogStorage}); reads run concurrently in
 * their own snapshots (see {@link LogReads}).
 *
 * <p>Durability follows the partition's flush policy: with {@code MDB_NOSYNC} commits go to the
 * page cache, and the environment is synced when {@code flush.messages} or {@code flush.ms} is
 * due, on {@link #flush()} and on close. A sync covers every partition of the directory.
 */
public final class LmdbLog implements LogStorage {
    private final LmdbEnvironment env;
    private final LogTables tables;
    private final int id;
    private final TopicPartition partition;
    private final Time time;
    private final LogReads reads;
    private final IncomingBatches incoming = new IncomingBatches();
    private final LmdbLogTruncation truncation;

    private volatile LogConfig config;
    private volatile long logStartOffset;
    private volatile long logEndOffset;
    private volatile long size;
    private volatile List<EpochEntry> epochs;
    /** The aborted-transaction index, in marker order (its table's rows, in memory); changed after each commit. */
    private volatile AbortedTxnList abortedTxns;
    private volatile boolean closed;
    /** Bumped inside every transaction that removes batches (truncation, retention): a cleaning in progress stops. */
    private volatile long removals;
    private volatile LmdbLogCompaction compaction;
    private static final java.lang.invoke.VarHandle SIZE;

    static {
        try {
            SIZE = java.lang.invoke.MethodHandles.lookup().findVarHandle(LmdbLog.class, "size", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // writer-only state
    private long maxTimestampSoFar;
    private long unflushedRecords;
    private long lastFlushMs;
    /** What the transaction being run works on and produced (set before, read after {@link LmdbEnvironment#write}). */
    private ByteBuffer pendingInput;
    private long pendingMaxTimestamp;
    private List<EpochEntry> pendingEpochs;
    private final TxnWork<Void> appendWork = this::appendInTxn;

    private LmdbLog(LmdbEnvironment env, LogTables tables, int id, TopicPartition partition, LogConfig config, Time time) {
        this.env = env;
        this.tables = tables;
        this.id = id;
        this.partition = partition;
        this.config = Objects.requireNonNull(config, "config");
        this.time = time;
        this.reads = new LogReads(tables, id, partition);
        this.truncation = new LmdbLogTruncation(this, env, tables, id, partition);
    }

    /** Loads the log of partition {@code id}, which the engine has registered. */
    public static LmdbLog open(LmdbEnvironment env, LogTables tables, int id, TopicPartition partition, LogConfig config, Time time) {
        LmdbLog log = new LmdbLog(env, tables, id, partition, config, time);
        try (ReadTxn read = env.beginRead(); TimeIndex index = new TimeIndex(tables, read.txn(), id)) {
            PartitionMeta meta = tables.meta(read.txn(), id);
            log.logStartOffset = meta.logStart();
            log.logEndOffset = meta.logEnd();
            log.size = meta.size();
            log.epochs = tables.loadEpochs(read.txn(), id);
            log.abortedTxns = new AbortedTxnList(tables.loadAbortedTxns(read.txn(), id));
            log.maxTimestampSoFar = index.maxTimestamp();
        }
        log.lastFlushMs = time.milliseconds();
        return log;
    }

    @Override
    public TopicPartition topicPartition() {
        return partition;
    }

    // ---------------------------------------------------------------- appending

    @Override
    public AppendResult append(ByteBuffer batches) {
        return append(batches, null, true);
    }

    @Override
    public AppendResult appendWithOffsets(ByteBuffer batches) {
        return append(batches, null, false);
    }

    @Override
    public AppendResult append(ByteBuffer batches, BatchFacts facts) {
        return append(batches, facts, true);
    }

    @Override
    public AppendResult appendWithOffsets(ByteBuffer batches, BatchFacts facts) {
        return append(batches, facts, false);
    }

    /** {@code facts}: the caller's walk over the batches, or null to have them walked and validated here. */
    private AppendResult append(ByteBuffer input, BatchFacts facts, boolean assignOffsets) {
        ensureOpen();
        LogConfig cfg = config;
        if (facts == null) {
            incoming.prepare(input, logEndOffset, assignOffsets, cfg.segmentBytes());
        } else {
            incoming.prepare(input, facts, logEndOffset, assignOffsets, cfg.segmentBytes());
        }
        return write(input, cfg);
    }

    private AppendResult write(ByteBuffer input, LogConfig cfg) {
        pendingInput = input;
        try {
            env.write(appendWork);
        } finally {
            pendingInput = null;
        }
        maxTimestampSoFar = pendingMaxTimestamp;
        epochs = pendingEpochs;
        SIZE.getAndAdd(this, (long) incoming.bytes()); // atomic: the cleaner may shrink it meanwhile
        logEndOffset = incoming.lastOffset() + 1; // last: readers never look past it
        unflushedRecords += incoming.records();
        if (flushDue(cfg)) {
            flushNow();
        }
        return incoming.result();
    }

    /** Stores each batch straight into space LMDB reserves for it (one copy), with its time index entry and epoch. */
    private Void appendInTxn(Txn<ByteBuffer> txn) {
        ensureOpen(); // inside the transaction: a delete's drop is ordered after this commit, or this aborts
        ByteBuffer input = pendingInput;
        long maxTimestamp = maxTimestampSoFar;
        List<EpochEntry> entries = epochs;
        BatchFacts facts = incoming.facts();
        for (int i = 0; i < facts.count(); i++) {
            int batchSize = facts.size(i);
            long baseOffset = facts.baseOffset(i);
            ByteBuffer target = tables.batches.reserve(txn, Keys.batch(id, baseOffset), batchSize);
            target.put(0, input, facts.position(i), batchSize);
            if (facts.maxTimestamp(i) > maxTimestamp) {
                maxTimestamp = facts.maxTimestamp(i);
                TimeIndex.add(tables, txn, id, maxTimestamp, baseOffset);
            }
            entries = EpochHistory.assign(entries, facts.leaderEpoch(i), baseOffset);
        }
        if (entries != epochs) {
            tables.storeEpochs(txn, id, entries);
        }
        tables.putMeta(txn, id, logStartOffset, incoming.lastOffset() + 1, size + incoming.bytes());
        pendingMaxTimestamp = maxTimestamp;
        pendingEpochs = entries;
        return null;
    }

    // ---------------------------------------------------------------- reading

    @Override
    public LogSlice read(long fromOffset, long maxOffset, int maxBytes, boolean minOneBatch) {
        ensureOpen();
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, was " + maxBytes);
        }
        try (ReadTxn read = beginRead()) {
            return reads.read(read.txn(), fromOffset, maxOffset, maxBytes, minOneBatch);
        }
    }

    @Override
    public Optional<TimestampOffset> offsetForTimestamp(long timestampMs) {
        ensureOpen();
        try (ReadTxn read = beginRead()) {
            return reads.offsetForTimestamp(read.txn(), timestampMs);
        }
    }

    @Override
    public Optional<TimestampOffset> maxTimestamp() {
        ensureOpen();
        try (ReadTxn read = beginRead()) {
            return reads.maxTimestamp(read.txn());
        }
    }

    /** A snapshot; a log closed meanwhile reports that instead of the environment's own error. */
    private ReadTxn beginRead() {
        try {
            return env.beginRead();
        } catch (IllegalStateException e) {
            ensureOpen();
            throw e;
        }
    }

    @Override
    public long logStartOffset() {
        return logStartOffset;
    }

    @Override
    public long logEndOffset() {
        return logEndOffset;
    }

    @Override
    public long sizeInBytes() {
        return size;
    }

    @Override
    public List<EpochEntry> epochs() {
        return epochs;
    }

    @Override
    public void assignEpochStartOffset(int epoch, long startOffset) {
        ensureOpen();
        List<EpochEntry> updated = EpochHistory.assign(epochs, epoch, startOffset);
        if (updated == epochs) {
            return;
        }
        env.write(txn -> {
            ensureOpen(); // as every write: ordered against a delete's drop
            tables.storeEpochs(txn, id, updated);
            return null;
        });
        epochs = updated;
    }

    @Override
    public void appendAbortedTransaction(AbortedTxn entry) {
        ensureOpen();
        if (entry.lastOffset() >= logEndOffset) {
            throw new IllegalArgumentException(partition + ": aborted transaction " + entry
                    + " has its marker at or past the log end " + logEndOffset);
        }
        if (entry.lastOffset() <= abortedTxns.lastMarkerOffset()) {
            return; // already indexed (a replay after restart)
        }
        env.write(txn -> {
            ensureOpen(); // as every write: ordered against a delete's drop
            tables.putAbortedTxn(txn, id, entry);
            return null;
        });
        abortedTxns.append(entry);
    }

    @Override
    public List<AbortedTxn> abortedTransactions(long fromOffset, long upperBoundOffset) {
        ensureOpen();
        return abortedTxns.overlapping(fromOffset, upperBoundOffset);
    }

    // ---------------------------------------------------------------- truncation and retention

    @Override
    public void truncateTo(long offset) {
        ensureOpen();
        truncation.truncateTo(offset);
    }

    @Override
    public void truncateFullyAndStartAt(long offset) {
        ensureOpen();
        truncation.truncateFullyAndStartAt(offset);
    }

    @Override
    public long deleteRecordsBefore(long offset) {
        ensureOpen();
        return truncation.deleteRecordsBefore(offset);
    }

    @Override
    public int enforceRetention() {
        ensureOpen();
        LogConfig cfg = config;
        int deleted = truncation.enforceRetention(cfg, time.milliseconds());
        if (flushDue(cfg)) {
            flushNow();
        }
        return deleted;
    }

    /** Inside a transaction removing batches ({@link LmdbLogTruncation}): a cleaning in progress stops. */
    void removingBatches() {
        removals++;
    }

    /** The aborted-transaction index in memory (the one list, changed in step with its table). */
    AbortedTxnList abortedTxns() {
        return abortedTxns;
    }

    /** Writer-only: the largest timestamp appended, which the time index's last entry holds. */
    long maxTimestampSoFar() {
        return maxTimestampSoFar;
    }

    /** After a committed truncation or deletion ({@link LmdbLogTruncation}): the new state, the log end last. */
    void published(long start, long end, long newSize, List<EpochEntry> newEpochs, long maxTimestamp) {
        maxTimestampSoFar = maxTimestamp;
        epochs = newEpochs;
        abortedTxns.dropBefore(start); // in step with what the committed transaction removed
        abortedTxns.truncateFrom(end);
        size = newSize;
        logStartOffset = start;
        logEndOffset = end;
    }

    // ---------------------------------------------------------------- compaction

    @Override
    public Optional<dev.sluice.api.storage.LogCompaction> compaction() {
        LmdbLogCompaction c = compaction;
        if (c == null) {
            synchronized (this) {
                if (compaction == null) {
                    compaction = new LmdbLogCompaction(this, env, tables, id, partition);
                }
                c = compaction;
            }
        }
        return Optional.of(c);
    }

    long removals() {
        return removals;
    }

    /** The cleaner freed {@code bytes} (negative to undo); atomic against the writer's additions. */
    void addToSize(long bytes) {
        SIZE.getAndAdd(this, bytes);
    }

    /** The aborted-transaction index, every entry in marker order (the cleaner's view of transactions). */
    List<AbortedTxn> abortedTxnEntries() {
        return abortedTxns.toList();
    }

    /** Inside the cleaner's write transaction: removes the entries of these markers (their records are gone). */
    void removeAbortedTxns(Txn<ByteBuffer> txn, java.util.Set<Long> markers) {
        for (long marker : markers) {
            tables.abortedTxns.delete(txn, Keys.abortedTxn(id, marker));
        }
    }

    /** After that transaction committed: the same in memory. */
    void abortedTxnsRemoved(java.util.Set<Long> markers) {
        abortedTxns.removeMarkers(markers);
    }

    /** Inside a transaction: throws if the log was closed. */
    void checkOpen() {
        ensureOpen();
    }

    // ---------------------------------------------------------------- configuration, flushing, lifecycle

    @Override
    public void updateConfig(LogConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    @Override
    public LogConfig config() {
        return config;
    }

    /** flush.messages / flush.ms, checked on append and on the periodic retention call. */
    private boolean flushDue(LogConfig cfg) {
        if (unflushedRecords == 0 || env.syncsEveryCommit()) {
            return false;
        }
        return unflushedRecords >= cfg.flushMessages()
                || (cfg.flushMs() != Long.MAX_VALUE && time.milliseconds() - lastFlushMs >= cfg.flushMs());
    }

    private void flushNow() {
        env.sync();
        unflushedRecords = 0;
        lastFlushMs = time.milliseconds();
    }

    @Override
    public void flush() {
        ensureOpen();
        flushNow();
    }

    /** Marks the log closed; the engine syncs and closes the shared environment. */
    @Override
    public void close() {
        closed = true;
    }

    public boolean isClosed() {
        return closed;
    }

    private void ensureOpen() {
        if (closed) {
            throw new LogClosedException("log " + partition + " is closed");
        }
    }

    @Override
    public String toString() {
        return "LmdbLog(" + partition + ", id=" + id + ", start=" + logStartOffset + ", end=" + logEndOffset + ")";
    }
}
