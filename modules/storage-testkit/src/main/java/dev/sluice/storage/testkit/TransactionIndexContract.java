package dev.sluice.storage.testkit;

import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import org.junit.jupiter.api.Test;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static dev.sluice.storage.testkit.TestBatches.sizedBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The aborted-transaction index: entries added after their abort markers, found by overlap with a
 * read_committed fetch's range, kept across a restart, and kept consistent with truncation,
 * DeleteRecords, retention and a full truncation. The broker computes the entries; the storage
 * only keeps them, so plain batches stand in for the transactions' records and markers here.
 */
public abstract class TransactionIndexContract extends LogStorageContractSupport {

    /** Appends {@code records} one-record batches; returns the offset of the first. */
    private static long appendRecords(LogStorage log, int records) {
        long first = log.logEndOffset();
        for (int i = 0; i < records; i++) {
            log.append(batch("r" + (first + i), 1000 + first + i));
        }
        return first;
    }

    @Test
    void entriesAreFoundByTheRangeTheyOverlap() {
        LogStorage log = open();
        appendRecords(log, 10); // 0..9
        AbortedTxn a = new AbortedTxn(7, 1, 4, 3);   // records 1..3, marker 4; b was open from 3 then
        AbortedTxn b = new AbortedTxn(8, 3, 9, 10);  // records 3..8, marker 9
        log.appendAbortedTransaction(a);
        log.appendAbortedTransaction(b);

        assertThat(log.abortedTransactions(0, 10)).containsExactly(a, b);
        assertThat(log.abortedTransactions(0, 2)).containsExactly(a);   // b starts at 3
        assertThat(log.abortedTransactions(5, 10)).containsExactly(b);  // a's marker is before 5
        assertThat(log.abortedTransactions(4, 5)).containsExactly(a, b);
        assertThat(log.abortedTransactions(10, 10)).isEmpty();
    }

    @Test
    void aStorageWithoutEntriesAnswersNone() {
        LogStorage log = open();
        appendRecords(log, 3);
        assertThat(log.abortedTransactions(0, 3)).isEmpty();
    }

    @Test
    void anEntryAddedAgainAfterItsSuccessorIsIgnored() {
        LogStorage log = open();
        appendRecords(log, 10);
        AbortedTxn a = new AbortedTxn(7, 1, 4, 5);
        AbortedTxn b = new AbortedTxn(8, 5, 9, 10);
        log.appendAbortedTransaction(a);
        log.appendAbortedTransaction(b);
        log.appendAbortedTransaction(a); // a replay after a restart repeats what is already there
        log.appendAbortedTransaction(b);

        assertThat(log.abortedTransactions(0, 10)).containsExactly(a, b);
    }

    @Test
    void anEntryWhoseMarkerIsNotInTheLogIsRefused() {
        LogStorage log = open();
        appendRecords(log, 3);
        assertThatThrownBy(() -> log.appendAbortedTransaction(new AbortedTxn(7, 0, 3, 4)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(log.abortedTransactions(0, 10)).isEmpty();
    }

    @Test
    void entriesSurviveARestart() {
        LogStorage log = open();
        appendRecords(log, 10);
        AbortedTxn a = new AbortedTxn(7, 1, 4, 5);
        AbortedTxn b = new AbortedTxn(8, 5, 9, 10);
        log.appendAbortedTransaction(a);
        log.appendAbortedTransaction(b);

        LogStorage reopened = reopen(config());

        assertThat(reopened.abortedTransactions(0, 10)).containsExactly(a, b);
        appendRecords(reopened, 2);
        AbortedTxn c = new AbortedTxn(9, 10, 11, 12);
        reopened.appendAbortedTransaction(c);
        assertThat(reopened.abortedTransactions(0, 12)).containsExactly(a, b, c);
    }

    @Test
    void aTransactionStartedInAnEarlierSegmentIsFoundFromThere() {
        LogConfig small = config().withSegmentBytes(1024);
        LogStorage log = open(small);
        for (int i = 0; i < 40; i++) {
            log.append(sizedBatch(1000 + i, 1, 200)); // rolls segments every few batches
        }
        AbortedTxn early = new AbortedTxn(5, 2, 39, 40); // first offset in the first segment, marker in the last
        log.appendAbortedTransaction(early);

        assertThat(log.abortedTransactions(2, 3)).containsExactly(early);
        assertThat(log.abortedTransactions(20, 25)).containsExactly(early);
        assertThat(reopen(small).abortedTransactions(0, 40)).containsExactly(early);
    }

    @Test
    void truncationRemovesTheEntriesWhoseMarkerIsCut() {
        LogStorage log = open();
        appendRecords(log, 10);
        AbortedTxn a = new AbortedTxn(7, 1, 4, 5);
        AbortedTxn b = new AbortedTxn(8, 5, 9, 10);
        log.appendAbortedTransaction(a);
        log.appendAbortedTransaction(b);

        log.truncateTo(9); // b's marker goes, its records stay
        assertThat(log.abortedTransactions(0, 9)).containsExactly(a);

        appendRecords(log, 1); // offset 9 again, now something else
        AbortedTxn c = new AbortedTxn(9, 9, 9, 10);
        log.appendAbortedTransaction(c);
        assertThat(log.abortedTransactions(0, 10)).containsExactly(a, c);
        assertThat(reopen(config()).abortedTransactions(0, 10)).containsExactly(a, c);
    }

    @Test
    void truncationBelowAnEntrysFirstOffsetRemovesItToo() {
        LogStorage log = open();
        appendRecords(log, 10);
        log.appendAbortedTransaction(new AbortedTxn(7, 1, 4, 5));

        log.truncateTo(2);

        assertThat(log.abortedTransactions(0, 10)).isEmpty();
        assertThat(reopen(config()).abortedTransactions(0, 10)).isEmpty();
    }

    @Test
    void aFullTruncationRemovesEveryEntry() {
        LogStorage log = open();
        appendRecords(log, 10);
        log.appendAbortedTransaction(new AbortedTxn(7, 1, 4, 5));

        log.truncateFullyAndStartAt(100);

        assertThat(log.abortedTransactions(0, 200)).isEmpty();
        appendRecords(log, 2);
        AbortedTxn next = new AbortedTxn(3, 100, 101, 102);
        log.appendAbortedTransaction(next);
        assertThat(reopen(config()).abortedTransactions(100, 102)).containsExactly(next);
    }

    @Test
    void deleteRecordsKeepsWhatAFetchFromTheNewStartNeeds() {
        LogConfig small = config().withSegmentBytes(1024);
        LogStorage log = open(small);
        for (int i = 0; i < 40; i++) {
            log.append(sizedBatch(1000 + i, 1, 200));
        }
        AbortedTxn old = new AbortedTxn(5, 1, 3, 4);
        AbortedTxn spanning = new AbortedTxn(6, 2, 30, 31);
        AbortedTxn late = new AbortedTxn(7, 32, 35, 36);
        log.appendAbortedTransaction(old);
        log.appendAbortedTransaction(spanning);
        log.appendAbortedTransaction(late);

        long start = log.deleteRecordsBefore(20);

        assertThat(start).isEqualTo(20);
        assertThat(log.abortedTransactions(20, 40)).containsExactly(spanning, late);
        assertThat(reopen(small).abortedTransactions(20, 40)).containsExactly(spanning, late);
    }

    @Test
    void retentionKeepsWhatAFetchFromTheNewStartNeeds() {
        LogConfig small = config().withSegmentBytes(1024).withRetentionMs(-1).withRetentionBytes(4096);
        LogStorage log = open(small);
        for (int i = 0; i < 40; i++) {
            log.append(sizedBatch(1000 + i, 1, 200));
        }
        AbortedTxn old = new AbortedTxn(5, 1, 3, 4);
        AbortedTxn late = new AbortedTxn(7, 30, 38, 39);
        log.appendAbortedTransaction(old);
        log.appendAbortedTransaction(late);

        assertThat(log.enforceRetention()).isPositive();
        long start = log.logStartOffset();

        assertThat(start).isGreaterThan(4);
        assertThat(log.abortedTransactions(start, 40)).containsExactly(late);
    }
}
