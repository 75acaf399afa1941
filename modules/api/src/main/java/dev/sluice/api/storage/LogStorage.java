package dev.sluice.api.storage;

import dev.sluice.api.record.BatchFacts;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * SPI: the log of one partition: an ordered, append-only sequence of v2 record batches, each
 * record with a sequential offset. Batches are stored byte-for-byte as given (apart from the
 * base offset the log assigns), so reads can go to the network without transformation.
 *
 * <p>Thread-safety: appends, truncation and retention are serialised by the caller (one writer
 * per partition); reads may run concurrently with them and with each other.
 *
 * <p>Failures: any I/O failure (a failing or full disk, corrupt metadata) throws
 * {@link StorageException}, never {@code UncheckedIOException}: the broker answers
 * KAFKA_STORAGE_ERROR and takes the directory offline on it. Every call after {@link #close()}
 * (a deleted topic, a stopping broker), including a read the close overtook, throws
 * {@link LogClosedException}, which is not a disk failure. The contract kit checks both.
 */
public interface LogStorage extends AutoCloseable {

    TopicPartition topicPartition();

    /**
     * Appends whole batches (from position to limit of {@code batches}) at the log end, rewriting
     * each batch's base offset in place so offsets continue from {@link #logEndOffset()}. All batches
     * are validated (size, magic 2, CRC) before any is written: either all are appended or none.
     * The caller stamps the partition leader epoch before appending.
     *
     * @throws dev.sluice.api.record.InvalidRecordException if any batch is malformed
     */
    AppendResult append(ByteBuffer batches);

    /**
     * {@link #append(ByteBuffer)} for batches whose headers the caller (the broker's validation)
     * already walked into {@code facts}: a backend then reads the facts instead of the headers,
     * checks CRCs only if {@link BatchFacts#crcVerified()} is false, and writes the assigned base
     * offsets into {@code facts} as well as into the headers. The default ignores the facts.
     *
     * @throws dev.sluice.api.record.InvalidRecordException if a CRC does not match or the append is too large
     */
    default AppendResult append(ByteBuffer batches, BatchFacts facts) {
        AppendResult result = append(batches);
        long next = result.firstOffset();
        for (int i = 0; i < facts.count(); i++) {
            facts.baseOffset(i, next);
            next += facts.lastOffsetDelta(i) + 1L;
        }
        return result;
    }

    /**
     * Appends batches that already carry their offsets (a follower copying its leader). The first
     * base offset must be {@code >= logEndOffset()} and offsets must increase.
     */
    AppendResult appendWithOffsets(ByteBuffer batches);

    /**
     * {@link #appendWithOffsets(ByteBuffer)} for batches a follower already walked into {@code facts}
     * (their base offsets are the ones the headers carry); CRCs are checked only if
     * {@link BatchFacts#crcVerified()} is false. The default ignores the facts.
     */
    default AppendResult appendWithOffsets(ByteBuffer batches, BatchFacts facts) {
        return appendWithOffsets(batches);
    }

    /**
     * Reads whole batches starting with the one that contains {@code fromOffset}, stopping before
     * {@code maxOffset} (exclusive; pass {@link #logEndOffset()} for everything) and within
     * {@code maxBytes}. If the first batch alone is larger than {@code maxBytes} it is still
     * returned when {@code minOneBatch} is set, so a consumer can always make progress.
     *
     * @throws OffsetOutOfRangeException if {@code fromOffset} is below the log start or above the log end
     */
    LogSlice read(long fromOffset, long maxOffset, int maxBytes, boolean minOneBatch);

    /**
     * The first record whose timestamp is {@code >= timestampMs}, with that timestamp; empty if there
     * is none. Timestamps of log-append-time batches are their append time.
     */
    Optional<TimestampOffset> offsetForTimestamp(long timestampMs);

    /** The largest timestamp in the log and the offset that carries it (ListOffsets MAX_TIMESTAMP). */
    Optional<TimestampOffset> maxTimestamp();

    /** First offset still in the log. */
    long logStartOffset();

    /** Offset the next appended record will get. */
    long logEndOffset();

    /** Bytes of record data on disk. */
    long sizeInBytes();

    /** Removes every record at or after {@code offset} (rounded to a batch boundary). */
    void truncateTo(long offset);

    /**
     * Removes every record and restarts the log empty at {@code offset}, which may lie below, inside
     * or beyond the old log (Kafka's {@code truncateFullyAndStartAt}: a follower whose leader's log
     * starts past this log's end, or that must drop everything it has). Afterwards log start = log
     * end = {@code offset}, the epoch history is empty and the next append gets {@code offset}.
     * Durable on return; the caller serialises it with appends.
     */
    void truncateFullyAndStartAt(long offset);

    /**
     * Makes {@code offset} the new log start (DeleteRecords): records before it are no longer
     * readable and whole segments below it are deleted. Durable across restarts.
     *
     * @return the log start offset after the call
     */
    long deleteRecordsBefore(long offset);

    /**
     * Applies time and size retention, deleting whole old segments, and rolls the active segment
     * if it is older than {@code segment.ms}. Call periodically.
     *
     * @return number of segments deleted
     */
    int enforceRetention();

    /**
     * Base offset of the segment appends go to: when it changes outside an append (a roll by
     * {@code segment.ms} or retention in {@link #enforceRetention}), the broker snapshots its
     * producer state there, as it does for a roll reported by {@link AppendResult#rolledSegment}.
     * Engines without segments return -1.
     */
    default long activeSegmentBaseOffset() {
        return -1;
    }

    /** How many segments hold the log (Kafka's NumLogSegments); engines without segments count the log as one. */
    default int segmentCount() {
        return 1;
    }

    /** Leader-epoch history: each epoch that appended and the first offset it wrote. */
    List<EpochEntry> epochs();

    /**
     * Records that leader epoch {@code epoch} starts at {@code startOffset} (the log end when this
     * broker became leader), before any batch of that epoch is appended, so OffsetsForLeaderEpoch
     * answers for it at once. Ignored unless {@code epoch} is newer than the latest recorded.
     * Durable on return; the caller serialises it with appends.
     *
     * @throws UnsupportedOperationException if the storage cannot record epochs on its own
     */
    default void assignEpochStartOffset(int epoch, long startOffset) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot record an epoch start on its own");
    }

    /**
     * OffsetsForLeaderEpoch: the largest known epoch at or below {@code epoch} and its end offset,
     * with Kafka's exact rules ({@link EpochEndOffset#find}); {@link EpochEndOffset#UNDEFINED} above
     * the latest epoch. A backend overrides this only to read its history and log end consistently.
     */
    default EpochEndOffset endOffsetForEpoch(int epoch) {
        long logEnd = logEndOffset(); // first: an epoch appended meanwhile then starts at or after it
        return EpochEndOffset.find(epochs(), epoch, logEnd);
    }

    /**
     * Adds an entry to the aborted-transaction index, right after the abort marker at
     * {@code entry.lastOffset()} was appended (the broker computes the entry from its producer
     * state). Entries are kept in marker order; one whose marker is not after the last entry's is
     * ignored, so a replay after a restart may add again what a crash kept or lost. Entries go with
     * the records they follow: truncation removes those whose marker is cut, and retention,
     * DeleteRecords and {@link #truncateFullyAndStartAt} may drop those whose marker is below the new
     * log start. Durable with the log's next flush. The caller serialises it with appends.
     *
     * @throws UnsupportedOperationException if the storage keeps no aborted-transaction index
     */
    default void appendAbortedTransaction(AbortedTxn entry) {
        throw new UnsupportedOperationException(getClass().getName() + " keeps no aborted-transaction index");
    }

    /**
     * The aborted transactions a read_committed fetch of {@code [fromOffset, upperBoundOffset)} must
     * report: the entries whose marker is at or after {@code fromOffset} and whose first offset is
     * before {@code upperBoundOffset}, in marker order (Kafka's search, {@link AbortedTxn#collect},
     * may stop at an entry whose last stable offset reaches the bound). Safe concurrently with
     * appends.
     *
     * @throws UnsupportedOperationException if the storage keeps no aborted-transaction index
     */
    default List<AbortedTxn> abortedTransactions(long fromOffset, long upperBoundOffset) {
        throw new UnsupportedOperationException(getClass().getName() + " keeps no aborted-transaction index");
    }

    /**
     * Log compaction, if this storage can compact itself (see {@link LogCompaction}); empty by
     * default, so a storage plugin without it keeps working and its compacted topics keep every record.
     */
    default java.util.Optional<LogCompaction> compaction() {
        return java.util.Optional.empty();
    }

    /** Applies new settings (retention, segment size, flush policy) from now on. */
    void updateConfig(LogConfig config);

    LogConfig config();

    /** Forces everything appended so far to stable storage. */
    void flush();

    /** Flushes and releases files; further calls throw {@link LogClosedException}. */
    @Override
    void close();
}
