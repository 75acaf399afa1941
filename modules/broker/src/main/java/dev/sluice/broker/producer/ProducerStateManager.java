package dev.sluice.broker.producer;

import dev.sluice.api.record.BatchFacts;
import dev.sluice.api.record.EndTxnMarker;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The producer state one partition's log keeps (Kafka's ProducerStateManager): the committed
 * {@link ProducerStateTable} (idempotence, open transactions, the last stable offset), how a
 * request's batches and a coordinator's markers are checked against it, and its snapshots. A
 * marker that aborts a transaction adds its entry to the log's aborted-transaction index as it is
 * committed, on leaders, on followers and in the replay after a restart (which re-adds what a
 * crash lost: the storage ignores entries it has).
 *
 * <p>An append goes in two steps. {@link #checkAsLeader} checks every batch of a request against
 * the committed state <em>staged</em> with the request's earlier batches (several batches of one
 * producer in one request follow each other); nothing changes. Only after the log append succeeded
 * does {@link #commit} record them. A follower (replication, later) appends its leader's batches and
 * calls {@link #commit} alone: it updates the state but makes no sequence decisions it cannot make.
 *
 * <p>Snapshots ({@link ProducerSnapshotFile}, with a CRC, fsynced) are written when a segment rolls
 * and on close (unless the one at that offset, holding this state, is already on disk), and pruned to the last {@value #RETAINED_SNAPSHOTS}; on opening and after
 * truncation the state is rebuilt from the newest snapshot at or below the log end
 * ({@link #restoreSnapshot}) plus a replay of the batches after it ({@link #replayed}).
 *
 * <p>Thread-safety: every method runs under the owning partition's append lock.
 */
public final class ProducerStateManager {
    private static final System.Logger LOG = System.getLogger(ProducerStateManager.class.getName());
    static final int RETAINED_SNAPSHOTS = 3;

    private final TopicPartition topicPartition;
    private final Path snapshotDir;
    private final ProducerStateTable table = new ProducerStateTable();
    /** The facts of one batch replayed after a snapshot. */
    private final BatchFacts replayFacts = new BatchFacts();
    /**
     * Offset of the snapshot on disk that holds exactly the current table, -1 if none: closing a
     * partition nothing was written to since then writes (and fsyncs) no new copy, as Kafka skips
     * a snapshot at an offset it already has. Thousands of idle partitions close without I/O.
     */
    private long snapshotOnDisk = -1;

    /** @param snapshotDir this partition's own directory of snapshots (created on the first one) */
    public ProducerStateManager(TopicPartition topicPartition, Path snapshotDir) {
        this.topicPartition = topicPartition;
        this.snapshotDir = snapshotDir;
    }

    /** The committed state (tests and expiry). */
    public ProducerStateTable table() {
        return table;
    }

    /**
     * Decides a leader's request: ACCEPT, a {@link SequenceCheck.Duplicate} (only as the first
     * batch: answered with the original offsets), or the first batch's problem. Each batch is checked
     * against the committed state updated with the request's earlier batches; nothing is changed.
     * Allocation-free when every batch is accepted.
     */
    public SequenceCheck checkAsLeader(BatchFacts facts) {
        for (int i = 0; i < facts.count(); i++) {
            long producerId = facts.producerId(i);
            if (producerId == RecordBatch.NO_PRODUCER_ID) {
                continue;
            }
            int staged = lastStagedBatchOf(facts, i, producerId);
            SequenceCheck check = staged < 0
                    ? table.check(producerId, facts.producerEpoch(i), facts.baseSequence(i), facts.lastSequence(i),
                    facts.isTransactional(i))
                    : checkAgainstStaged(facts, staged, i);
            if (check instanceof SequenceCheck.Duplicate && i > 0) {
                return new SequenceCheck.OutOfOrder("batch " + i + " of the request from producer " + producerId
                        + " repeats sequences " + facts.baseSequence(i) + ".." + facts.lastSequence(i)
                        + " that are already in the log");
            }
            if (!(check instanceof SequenceCheck.Accept)) {
                return check;
            }
        }
        return SequenceCheck.ACCEPT;
    }

    private static int lastStagedBatchOf(BatchFacts facts, int before, long producerId) {
        for (int j = before - 1; j >= 0; j--) {
            if (facts.producerId(j) == producerId) {
                return j;
            }
        }
        return -1;
    }

    /** Kafka's rules against the state an earlier batch of the same request would leave. */
    private static SequenceCheck checkAgainstStaged(BatchFacts facts, int staged, int i) {
        long producerId = facts.producerId(i);
        short epoch = facts.producerEpoch(i);
        short stagedEpoch = facts.producerEpoch(staged);
        int firstSeq = facts.baseSequence(i);
        if (epoch < stagedEpoch) {
            return new SequenceCheck.Fenced("producer " + producerId + " epoch " + epoch
                    + " is older than epoch " + stagedEpoch + " earlier in the same request");
        }
        if (epoch > stagedEpoch) {
            return firstSeq == 0 ? SequenceCheck.ACCEPT : new SequenceCheck.OutOfOrder(
                    "producer " + producerId + " started epoch " + epoch + " at sequence " + firstSeq + " instead of 0");
        }
        int last = facts.lastSequence(staged);
        int expected = last == Integer.MAX_VALUE ? 0 : last + 1;
        return firstSeq == expected ? SequenceCheck.ACCEPT : new SequenceCheck.OutOfOrder("producer " + producerId
                + " sent sequence " + firstSeq + " but the next expected (after an earlier batch of the request) is " + expected);
    }

    /** Decides a coordinator's marker for {@code producerId} (see {@link ProducerStateTable#checkMarker}). */
    public SequenceCheck checkMarker(long producerId, short epoch, int coordinatorEpoch) {
        return table.checkMarker(producerId, epoch, coordinatorEpoch);
    }

    /**
     * Records the batches of an append that succeeded (their base offsets assigned in {@code facts}).
     * Leader and follower alike: a transactional batch may open its producer's transaction, a marker
     * ends it, and an abort's entry goes into {@code log}'s aborted-transaction index.
     */
    public void commit(BatchFacts facts, long nowMs, LogStorage log) {
        for (int i = 0; i < facts.count(); i++) {
            if (facts.isControl(i)) {
                int type = facts.markerType(i);
                if (type != EndTxnMarker.NOT_A_MARKER) {
                    CompletedTxn done = table.recordMarker(facts.producerId(i), facts.producerEpoch(i),
                            facts.coordinatorEpoch(i), type == EndTxnMarker.COMMIT, facts.baseOffset(i), nowMs);
                    if (done != null && done.aborted()) {
                        log.appendAbortedTransaction(done.toAbortedTxn());
                    }
                }
                continue;
            }
            table.record(facts.producerId(i), facts.producerEpoch(i), facts.baseSequence(i), facts.lastSequence(i),
                    facts.baseOffset(i), facts.lastOffset(i), facts.maxTimestamp(i), nowMs, facts.isTransactional(i));
        }
    }

    /**
     * The last stable offset for {@code highWatermark}: the first offset of the earliest transaction
     * still open or whose marker is not yet below the high watermark, else the high watermark.
     */
    public long lastStableOffset(long highWatermark) {
        return table.lastStableOffset(highWatermark);
    }

    /** Every producer as DescribeProducers shows it. */
    public List<ProducerSummary> summaries() {
        return table.summaries();
    }

    public int expire(long nowMs, long expirationMs) {
        int expired = table.expire(nowMs, expirationMs);
        if (expired > 0) {
            snapshotOnDisk = -1; // same offset, fewer producers: the next snapshot is not a copy
        }
        return expired;
    }

    /**
     * Writes the committed state as the snapshot at {@code offset} (the log end it is complete up
     * to) and prunes old snapshots. A failure is logged, not thrown: the log stays usable and a
     * restart replays more of it.
     */
    public void takeSnapshot(long offset, long logStartOffset) {
        if (offset == snapshotOnDisk) {
            return;
        }
        try {
            ProducerSnapshotFile.write(snapshotDir, offset, table);
            snapshotOnDisk = offset;
            List<Long> offsets = ProducerSnapshotFile.list(snapshotDir);
            for (int i = 0; i < offsets.size(); i++) {
                long existing = offsets.get(i);
                boolean keep = offsets.size() - i <= RETAINED_SNAPSHOTS && existing >= logStartOffset || existing == offset;
                if (!keep) {
                    ProducerSnapshotFile.delete(snapshotDir, existing);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, topicPartition + ": cannot write producer state snapshot at offset " + offset, e);
        }
    }

    /**
     * The first step of rebuilding the state of {@code log} as it now is (on opening, after a
     * truncation): the newest readable snapshot at or below its end (and at or above its start).
     * Snapshots above the log end (left by a truncation) are deleted; a corrupt one is skipped with a
     * warning. The caller then replays every batch from the returned offset through {@link #replayed}.
     *
     * @return the offset the snapshot is complete up to, or the log start if none was usable
     */
    public long restoreSnapshot(LogStorage log) {
        long end = log.logEndOffset();
        long from = log.logStartOffset();
        table.clear();
        snapshotOnDisk = -1;
        try {
            List<Long> offsets = ProducerSnapshotFile.list(snapshotDir);
            for (int i = offsets.size() - 1; i >= 0; i--) {
                long offset = offsets.get(i);
                if (offset > end) {
                    ProducerSnapshotFile.delete(snapshotDir, offset);
                    continue;
                }
                if (offset < log.logStartOffset()) {
                    break;
                }
                try {
                    ProducerSnapshotFile.read(snapshotDir, offset, table);
                    from = offset;
                    if (offset == end) {
                        snapshotOnDisk = offset; // it is the whole state: closing untouched rewrites nothing
                    }
                    break;
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.WARNING, topicPartition + ": ignoring producer snapshot at offset "
                            + offset + " (" + e.getMessage() + "); rebuilding from the log");
                    table.clear();
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, topicPartition + ": cannot list producer snapshots; rebuilding from the log", e);
            table.clear();
        }
        return from;
    }

    /** A batch of {@code log} read back after the restored snapshot: committed as an append of it was. */
    public void replayed(RecordBatch batch, long nowMs, LogStorage log) {
        replayFacts.clear().add(batch);
        commit(replayFacts, nowMs, log);
    }

    /**
     * After the log was emptied and restarted ({@code truncateFullyAndStartAt}): nothing of the old
     * log is left, so neither is any producer or snapshot (a snapshot at or below the new start
     * describes batches that are gone), as Kafka's {@code truncateFullyAndStartAt}. A snapshot that
     * cannot be deleted is logged; {@link #load} would skip it anyway only if it is below the start.
     */
    public void truncatedFully() {
        table.clear();
        snapshotOnDisk = -1;
        try {
            deleteSnapshots(snapshotDir);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, topicPartition + ": cannot delete producer snapshots after a full truncation", e);
        }
    }

    /** Removes a deleted partition's snapshots. */
    public static void deleteSnapshots(Path snapshotDir) throws IOException {
        if (!Files.isDirectory(snapshotDir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(snapshotDir)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(snapshotDir);
    }
}
