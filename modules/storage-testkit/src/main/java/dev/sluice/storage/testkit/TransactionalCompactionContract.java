package dev.sluice.storage.testkit;

import dev.sluice.api.record.EndTxnMarker;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.CompactionOutcome;
import dev.sluice.api.storage.CompactionRequest;
import dev.sluice.api.storage.LogCompaction;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction with transactions (Kafka's cleaner rules): records of aborted transactions go and
 * never shadow a committed value, committed transactional records are cleaned like any other, a
 * marker stays while its transaction has a batch in the log and goes after
 * {@code delete.retention.ms} once it has none, an abort's index entry goes with its last record,
 * and a producer's last batch stays. Throughout, a read_committed reader ({@link ReadCommitted},
 * the Kafka consumer's algorithm, fetch by fetch) sees the latest committed value of every key and
 * no aborted record. The broker computes aborted-transaction entries; here the test does, as the
 * broker would.
 */
public abstract class TransactionalCompactionContract extends LogStorageContractSupport {
    private static final long RETENTION = 10_000;
    private static final int FETCH_BYTES = 300;

    @Override
    protected LogConfig config() {
        return super.config().withSegmentBytes(1024);
    }

    private LogCompaction compaction(LogStorage log) {
        return log.compaction().orElseThrow(() -> new AssertionError("this backend offers no compaction"));
    }

    private CompactionOutcome clean(LogStorage log, long upperBound) {
        return compaction(log).compact(CompactionRequest.at(time.milliseconds(), upperBound, 0, RETENTION));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(java.nio.ByteBuffer b) {
        return b == null ? null : StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }

    /** A producer with the offsets of its open transaction, as the broker's producer state knows it. */
    private final class Producer {
        final long id;
        int sequence;
        long txnFirstOffset = -1;

        Producer(long id) {
            this.id = id;
        }

        long send(LogStorage log, boolean transactional, String key, String value) {
            java.nio.ByteBuffer batch = new RecordBatchBuilder(null).producer(id, (short) 0, sequence++)
                    .transactional(transactional).append(time.milliseconds(), bytes(key), value == null ? null : bytes(value))
                    .build();
            long offset = log.append(batch).firstOffset();
            if (transactional && txnFirstOffset < 0) {
                txnFirstOffset = offset;
            }
            return offset;
        }

        /** Ends the open transaction; {@code lastStable} gives the last stable offset right after the marker from the offset after it. */
        long end(LogStorage log, boolean commit, java.util.function.LongUnaryOperator lastStable) {
            long first = txnFirstOffset;
            txnFirstOffset = -1;
            long marker = log.append(EndTxnMarker.batch(id, (short) 0, 0, commit, time.milliseconds())).firstOffset();
            if (!commit && first >= 0) {
                AbortedTxn entry = new AbortedTxn(id, first, marker, lastStable.applyAsLong(marker + 1));
                log.appendAbortedTransaction(entry);
                everAborted.add(entry);
            }
            return marker;
        }

        long end(LogStorage log, boolean commit) {
            return end(log, commit, next -> next);
        }
    }

    private void filler(LogStorage log, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            log.append(new RecordBatchBuilder(null).append(time.milliseconds(), bytes(prefix + i), bytes("f".repeat(60))).build());
        }
    }

    /** Latest value of each key a read_committed consumer ends with (a tombstone removes the key). */
    private static Map<String, String> committedLatest(List<Record> records) {
        Map<String, String> out = new TreeMap<>();
        for (Record record : records) {
            String key = text(record.key());
            if (record.value() == null) {
                out.remove(key);
            } else {
                out.put(key, text(record.value()));
            }
        }
        return out;
    }

    private static Map<String, String> committedLatest(LogStorage log, long upperBound) {
        return committedLatest(ReadCommitted.records(log, upperBound, FETCH_BYTES));
    }

    private static List<RecordBatch> markers(LogStorage log, long producerId) {
        return CompactionContract.allBatches(log).stream().filter(b -> b.isControl() && b.producerId() == producerId).toList();
    }

    private static List<String> allValues(LogStorage log) {
        List<String> out = new ArrayList<>();
        for (RecordBatch batch : CompactionContract.allBatches(log)) {
            if (!batch.isControl()) {
                for (Record r : dev.sluice.api.record.RecordBatches.records(batch, dev.sluice.api.compression.CompressionCodecs.installed())) {
                    out.add(text(r.value()));
                }
            }
        }
        return out;
    }

    @Test
    void abortedRecordsGoWithoutShadowingAndTheirMarkerAndEntryFollowLater() {
        LogStorage log = open();
        Producer plain = new Producer(6);
        Producer txn = new Producer(7);
        plain.send(log, false, "a", "plain-a");
        txn.send(log, true, "a", "aborted-a");
        txn.send(log, true, "b", "aborted-b");
        long abortMarker = txn.end(log, false);
        txn.send(log, true, "c", "committed-c"); // the same producer's next transaction commits
        long commitMarker = txn.end(log, true);
        filler(log, "x", 30);
        Map<String, String> committed = committedLatest(log, log.logEndOffset());
        assertThat(committed).containsEntry("a", "plain-a").containsEntry("c", "committed-c").doesNotContainKey("b");

        CompactionOutcome first = clean(log, log.logEndOffset());

        assertThat(first).isInstanceOf(CompactionOutcome.Cleaned.class);
        assertThat(allValues(log)).contains("plain-a", "committed-c").doesNotContain("aborted-a", "aborted-b");
        assertThat(committedLatest(log, log.logEndOffset())).isEqualTo(committed);
        // this cleaning saw the aborted records: the marker and its entry stay for now
        assertThat(markers(log, 7)).extracting(RecordBatch::baseOffset).contains(abortMarker, commitMarker);
        assertThat(log.abortedTransactions(0, log.logEndOffset())).extracting(AbortedTxn::lastOffset).containsExactly(abortMarker);

        filler(log, "y", 30);
        clean(log, log.logEndOffset()); // finds no record of it: the entry goes, the marker gets its horizon
        assertThat(log.abortedTransactions(0, log.logEndOffset())).isEmpty();
        assertThat(markers(log, 7)).extracting(RecordBatch::baseOffset).contains(abortMarker);
        RecordBatch withHorizon = markers(log, 7).get(0);
        assertThat(withHorizon.hasDeleteHorizon()).isTrue();
        assertThat(EndTxnMarker.typeOf(withHorizon)).isEqualTo(EndTxnMarker.ABORT);

        time.advance(RETENTION - 1);
        filler(log, "z", 30);
        clean(log, log.logEndOffset());
        assertThat(markers(log, 7)).extracting(RecordBatch::baseOffset).contains(abortMarker);

        time.advance(1);
        filler(log, "w", 30);
        CompactionOutcome last = clean(log, log.logEndOffset());
        assertThat(((CompactionOutcome.Cleaned) last).markersRemoved()).isEqualTo(1);
        // the abort marker is gone; the commit marker is the producer's last batch and stays
        assertThat(markers(log, 7)).extracting(RecordBatch::baseOffset).containsExactly(commitMarker);
        assertThat(committedLatest(log, log.logEndOffset())).containsAllEntriesOf(committed);

        Map<String, String> beforeRestart = committedLatest(log, log.logEndOffset());
        LogStorage reopened = reopen(config());
        assertThat(reopened.abortedTransactions(0, reopened.logEndOffset())).isEmpty();
        assertThat(committedLatest(reopened, reopened.logEndOffset())).isEqualTo(beforeRestart);
    }

    @Test
    void committedTransactionalRecordsAreCleanedLikeOthersAndTheirMarkersGoOnceAlone() {
        LogStorage log = open();
        Producer txn = new Producer(5);
        Producer other = new Producer(9);
        txn.send(log, true, "k", "v1");
        long firstCommit = txn.end(log, true);
        txn.send(log, true, "k", "v2");
        long secondCommit = txn.end(log, true);
        other.send(log, false, "k", "v3"); // the plain write shadows both committed values
        filler(log, "x", 30);

        clean(log, log.logEndOffset());

        assertThat(allValues(log)).contains("v3").doesNotContain("v1", "v2");
        assertThat(committedLatest(log, log.logEndOffset())).containsEntry("k", "v3");
        // the second transaction's batch is the producer's last data batch: kept empty for its sequence
        List<RecordBatch> producerBatches = CompactionContract.allBatches(log).stream()
                .filter(b -> b.producerId() == 5 && !b.isControl()).toList();
        assertThat(producerBatches).hasSize(1);
        assertThat(producerBatches.get(0).recordCount()).isZero();
        assertThat(producerBatches.get(0).baseSequence()).isEqualTo(1);

        filler(log, "y", 30);
        clean(log, log.logEndOffset());
        time.advance(RETENTION);
        filler(log, "z", 30);
        clean(log, log.logEndOffset());

        // the first commit had no batch left; the second still has its (empty) batch, and is the last
        assertThat(markers(log, 5)).extracting(RecordBatch::baseOffset).containsExactly(secondCommit).doesNotContain(firstCommit);
    }

    @Test
    void aProducersLastBatchStaysEvenIfItsTransactionAbortedAndItsMarkerAndEntryWithIt() {
        LogStorage log = open();
        Producer txn = new Producer(11);
        txn.send(log, true, "gone", "aborted-1");
        long marker = txn.end(log, false);
        filler(log, "x", 30);

        for (int round = 0; round < 3; round++) {
            clean(log, log.logEndOffset());
            time.advance(RETENTION);
            filler(log, "r" + round + "-", 30);
        }

        List<RecordBatch> kept = CompactionContract.allBatches(log).stream().filter(b -> b.producerId() == 11).toList();
        assertThat(kept).hasSize(2);
        assertThat(kept.get(0).isTransactional()).isTrue();
        assertThat(kept.get(0).recordCount()).isZero();
        assertThat(kept.get(1).baseOffset()).isEqualTo(marker);
        assertThat(log.abortedTransactions(0, log.logEndOffset())).extracting(AbortedTxn::lastOffset).containsExactly(marker);
        assertThat(committedLatest(log, log.logEndOffset())).doesNotContainKey("gone");
    }

    @Test
    void nothingOfAnOpenTransactionIsTouchedBelowTheLastStableOffset() {
        LogStorage log = open();
        Producer open = new Producer(3);
        filler(log, "x", 20);
        long firstOpen = open.send(log, true, "x1", "undecided");
        filler(log, "x", 30); // newer values of the same keys, after the open transaction's start
        Map<Long, String> before = new LinkedHashMap<>();
        for (Record r : readAll(log, log.logStartOffset())) {
            before.put(r.offset(), text(r.value()));
        }

        clean(log, firstOpen); // the last stable offset: the open transaction's first offset

        Map<Long, String> after = new HashMap<>();
        for (Record r : readAll(log, log.logStartOffset())) {
            after.put(r.offset(), text(r.value()));
        }
        before.forEach((offset, value) -> {
            if (offset >= firstOpen) {
                assertThat(after).containsEntry(offset, value);
            }
        });
        open.end(log, false);
        assertThat(committedLatest(log, log.logEndOffset())).doesNotContainValue("undecided");
    }

    /**
     * Random producers, some transactional, committing and aborting with other transactions open
     * around them, plain writes and tombstones, cleanings at random moments bounded by the last
     * stable offset: after each, read_committed gives the same latest value per key as before and
     * never an aborted record; at the end, with every transaction decided and the delete horizon
     * long past, a marker is left only while its transaction has a batch (or as a producer's last batch), and no
     * index entry without records.
     */
    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void readCommittedSeesTheSameLatestValuesBeforeAndAfterEveryCleaning(long seed) {
        Random random = new Random(seed);
        LogStorage log = open();
        List<Producer> producers = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            producers.add(new Producer(100 + p));
        }
        Producer idempotent = new Producer(1);
        int keys = 4 + random.nextInt(12);
        for (int step = 0; step < 300; step++) {
            Producer producer = producers.get(random.nextInt(producers.size()));
            int action = random.nextInt(10);
            String key = "k" + random.nextInt(keys);
            if (action < 5) {
                producer.send(log, true, key, (random.nextInt(8) == 0 ? null : "t" + producer.id + "-" + step));
            } else if (action < 7) {
                idempotent.send(log, false, key, random.nextInt(6) == 0 ? null : "p-" + step);
            } else if (producer.txnFirstOffset >= 0) {
                producer.end(log, random.nextInt(3) > 0, next -> lastStable(producers, next));
            }
            time.advance(random.nextInt(2000));
            if (random.nextInt(20) == 0) {
                long bound = lastStable(producers, log.logEndOffset());
                Map<String, String> expected = committedLatest(log, bound);
                clean(log, bound);
                assertThat(committedLatest(log, bound)).as("after a cleaning at step %d", step).isEqualTo(expected);
                assertNoAbortedRecordRead(log, bound);
            }
        }
        for (Producer producer : producers) {
            if (producer.txnFirstOffset >= 0) {
                producer.end(log, false, next -> lastStable(producers, next));
            }
        }
        Map<String, String> expected = committedLatest(log, log.logEndOffset());
        for (int round = 0; round < 4; round++) {
            filler(log, "end" + round + "-", 40);
            clean(log, log.logEndOffset());
            time.advance(RETENTION);
        }
        Map<String, String> finalView = committedLatest(log, log.logEndOffset());
        expected.keySet().removeIf(k -> k.startsWith("end"));
        finalView.keySet().removeIf(k -> k.startsWith("end"));
        assertThat(finalView).isEqualTo(expected);
        assertNoAbortedRecordRead(log, log.logEndOffset());
        for (Producer producer : producers) {
            // every marker left is the producer's last batch or has a batch of its transaction left
            List<RecordBatch> own = CompactionContract.allBatches(log).stream().filter(b -> b.producerId() == producer.id).toList();
            for (int i = 0; i < own.size() - 1; i++) {
                if (own.get(i).isControl()) {
                    assertThat(i > 0 && !own.get(i - 1).isControl())
                            .as("marker %s of producer %d has a batch of its transaction left", own.get(i), producer.id).isTrue();
                }
            }
        }
        for (AbortedTxn entry : log.abortedTransactions(0, log.logEndOffset())) {
            assertThat(CompactionContract.allBatches(log)).as("entry %s keeps a batch", entry)
                    .anyMatch(b -> b.producerId() == entry.producerId() && !b.isControl()
                            && b.baseOffset() >= entry.firstOffset() && b.lastOffset() < entry.lastOffset());
        }
    }

    /** Every aborted transaction written, as the broker indexed it. */
    private final List<AbortedTxn> everAborted = new ArrayList<>();

    /** No record a read_committed reader gets lies inside an aborted transaction of its producer. */
    private void assertNoAbortedRecordRead(LogStorage log, long bound) {
        for (Record record : ReadCommitted.records(log, bound, FETCH_BYTES)) {
            String value = text(record.value());
            if (value != null && value.startsWith("t")) {
                long producerId = Long.parseLong(value.substring(1, value.indexOf('-')));
                for (AbortedTxn entry : everAborted) {
                    if (entry.producerId() == producerId) {
                        assertThat(record.offset() >= entry.firstOffset() && record.offset() <= entry.lastOffset())
                                .as("record %s at %d is in the aborted transaction %s", value, record.offset(), entry).isFalse();
                    }
                }
            }
        }
    }

    private long lastStable(List<Producer> producers, long fallback) {
        long first = fallback;
        for (Producer p : producers) {
            if (p.txnFirstOffset >= 0) {
                first = Math.min(first, p.txnFirstOffset);
            }
        }
        return first;
    }
}
