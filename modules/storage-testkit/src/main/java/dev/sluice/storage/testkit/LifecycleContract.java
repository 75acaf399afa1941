package dev.sluice.storage.testkit;

import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogClosedException;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import org.junit.jupiter.api.Test;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static dev.sluice.storage.testkit.TestBatches.bytesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Truncation, DeleteRecords, leader epochs and what survives closing and reopening. */
public abstract class LifecycleContract extends LogStorageContractSupport {

    private static LogStorage threeBatchesOfThree(LogStorage log) {
        log.append(batch("a", 1, 2, 3));
        log.append(batch("b", 4, 5, 6));
        log.append(batch("c", 7, 8, 9));
        return log;
    }

    @Test
    void truncateToABatchBoundaryRemovesEverythingAfterIt() {
        LogStorage log = threeBatchesOfThree(open());

        log.truncateTo(6);

        assertThat(log.logEndOffset()).isEqualTo(6);
        assertThat(values(readAll(log, 0))).containsExactly("a-0", "a-1", "a-2", "b-0", "b-1", "b-2");
        assertThat(log.maxTimestamp()).map(t -> t.timestamp()).contains(6L);
        log.append(batch("d", 10));
        assertThat(offsets(readAll(log, 6))).containsExactly(6L);
    }

    @Test
    void truncateInsideABatchRemovesTheWholeBatch() {
        LogStorage log = threeBatchesOfThree(open());

        log.truncateTo(4);

        assertThat(log.logEndOffset()).isEqualTo(3);
        assertThat(values(readAll(log, 0))).containsExactly("a-0", "a-1", "a-2");
        assertThat(log.offsetForTimestamp(4)).isEmpty();
    }

    @Test
    void truncateAtOrAfterTheEndChangesNothing() {
        LogStorage log = threeBatchesOfThree(open());
        log.truncateTo(9);
        log.truncateTo(100);
        assertThat(log.logEndOffset()).isEqualTo(9);
        assertThat(readAll(log, 0)).hasSize(9);
    }

    @Test
    void truncateToZeroEmptiesTheLog() {
        LogStorage log = threeBatchesOfThree(open());
        log.truncateTo(0);
        assertThat(log.logEndOffset()).isZero();
        assertThat(log.sizeInBytes()).isZero();
        log.append(batch("z", 1));
        assertThat(values(readAll(log, 0))).containsExactly("z-0");
    }

    @Test
    void truncateFullyAndStartAtBeyondTheEndRestartsTheLogThereDurably() {
        LogStorage log = open(config().withSegmentBytes(1024));
        for (int i = 0; i < 30; i++) {
            log.append(batch(i / 10, 0L, "old" + i, 100 + i));
        }

        log.truncateFullyAndStartAt(1000);

        assertThat(log.logStartOffset()).isEqualTo(1000);
        assertThat(log.logEndOffset()).isEqualTo(1000);
        assertThat(log.sizeInBytes()).isZero();
        assertThat(log.epochs()).isEmpty();
        assertThat(log.maxTimestamp()).isEmpty();
        assertThat(log.offsetForTimestamp(0)).isEmpty();
        assertThat(log.read(1000, 1000, 1 << 20, true).sizeInBytes()).isZero();
        assertThatThrownBy(() -> log.read(29, 1000, 1 << 20, true)).isInstanceOf(OffsetOutOfRangeException.class);

        assertThat(log.append(batch(7, 0L, "new", 500, 501)).firstOffset()).isEqualTo(1000);
        assertThat(log.epochs()).containsExactly(new EpochEntry(7, 1000));

        LogStorage reopened = reopen(config().withSegmentBytes(1024));
        assertThat(reopened.logStartOffset()).isEqualTo(1000);
        assertThat(reopened.logEndOffset()).isEqualTo(1002);
        assertThat(values(readAll(reopened, 1000))).containsExactly("new-0", "new-1");
        assertThat(reopened.epochs()).containsExactly(new EpochEntry(7, 1000));
        assertThat(reopened.offsetForTimestamp(0)).map(t -> t.offset()).contains(1000L);
    }

    @Test
    void truncateFullyAndStartAtBelowTheStartRestartsThereAndSurvivesAReopenWithoutAppends() {
        LogStorage log = threeBatchesOfThree(open());
        log.deleteRecordsBefore(6);

        log.truncateFullyAndStartAt(2);

        assertThat(log.logStartOffset()).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(2);
        LogStorage reopened = reopen(config());
        assertThat(reopened.logStartOffset()).isEqualTo(2);
        assertThat(reopened.logEndOffset()).isEqualTo(2);
        assertThat(reopened.sizeInBytes()).isZero();
        assertThat(reopened.append(batch("z", 1)).firstOffset()).isEqualTo(2);
        assertThat(values(readAll(reopened, 2))).containsExactly("z-0");
    }

    @Test
    void deleteRecordsBeforeMovesTheLogStartDurably() {
        LogStorage log = threeBatchesOfThree(open());

        assertThat(log.deleteRecordsBefore(4)).isEqualTo(4);
        assertThat(log.deleteRecordsBefore(2)).isEqualTo(4);

        assertThat(log.logStartOffset()).isEqualTo(4);
        assertThatThrownBy(() -> log.read(3, 9, 1 << 20, true)).isInstanceOf(OffsetOutOfRangeException.class);
        assertThat(offsets(readAll(log, 4))).containsExactly(4L, 5L, 6L, 7L, 8L);
        assertThatThrownBy(() -> log.deleteRecordsBefore(10)).isInstanceOf(OffsetOutOfRangeException.class);

        LogStorage reopened = reopen(config());
        assertThat(reopened.logStartOffset()).isEqualTo(4);
        assertThat(reopened.logEndOffset()).isEqualTo(9);
        assertThatThrownBy(() -> reopened.read(3, 9, 1 << 20, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void deleteRecordsUpToTheLogEndLeavesAnEmptyReadableLog() {
        LogStorage log = threeBatchesOfThree(open(config().withSegmentBytes(1024)));
        log.deleteRecordsBefore(9);
        assertThat(log.logStartOffset()).isEqualTo(9);
        assertThat(log.read(9, 9, 100, true).sizeInBytes()).isZero();
        log.append(batch("d", 1));
        assertThat(values(readAll(log, 9))).containsExactly("d-0");
    }

    @Test
    void reopenAfterClosePreservesEverything() {
        LogStorage log = open(config().withSegmentBytes(1024));
        for (int i = 0; i < 50; i++) {
            log.append(batch(i / 10, 0L, "r" + i, 1000 + i, 2000 + i));
        }
        byte[] before = bytes(log);
        long size = log.sizeInBytes();
        var epochs = log.epochs();

        LogStorage reopened = reopen(config().withSegmentBytes(1024));

        assertThat(reopened.logStartOffset()).isZero();
        assertThat(reopened.logEndOffset()).isEqualTo(100);
        assertThat(reopened.sizeInBytes()).isEqualTo(size);
        assertThat(bytes(reopened)).isEqualTo(before);
        assertThat(reopened.epochs()).isEqualTo(epochs).hasSize(5);
        assertThat(reopened.append(batch("more", 1)).firstOffset()).isEqualTo(100);
    }

    private static byte[] bytes(LogStorage log) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            var slice = log.read(next, log.logEndOffset(), 1 << 20, true);
            var buffer = bytesOf(slice);
            out.write(buffer.array(), 0, buffer.limit());
            var batches = TestBatches.batchesOf(slice);
            next = batches.get(batches.size() - 1).nextOffset();
        }
        return out.toByteArray();
    }

    @Test
    void epochsRecordTheFirstOffsetOfEachLeaderEpoch() {
        LogStorage log = open();
        assertThat(log.epochs()).isEmpty();
        assertThat(log.endOffsetForEpoch(0)).isEqualTo(EpochEndOffset.UNDEFINED);

        log.append(batch(0, 0L, "a", 1, 2, 3));
        log.append(batch(0, 0L, "b", 1, 2, 3));
        log.append(batch(2, 0L, "c", 1, 2, 3));
        log.append(batch(3, 0L, "d", 1));

        assertThat(log.epochs()).containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 6), new EpochEntry(3, 9));
        assertThat(log.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 6));
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(0, 6));
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new EpochEndOffset(2, 9));
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new EpochEndOffset(3, 10));
        assertThat(log.endOffsetForEpoch(4)).isEqualTo(EpochEndOffset.UNDEFINED);
    }

    @Test
    void truncationDropsLaterEpochsAndEpochsSurviveReopen() {
        LogStorage log = open();
        log.append(batch(1, 0L, "a", 1, 2, 3));
        log.append(batch(2, 0L, "b", 1, 2, 3));
        log.append(batch(4, 0L, "c", 1, 2, 3));

        log.truncateTo(6);
        assertThat(log.epochs()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 3));
        log.append(batch(5, 0L, "d", 1));

        LogStorage reopened = reopen(config());
        assertThat(reopened.epochs()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 3), new EpochEntry(5, 6));
        assertThat(reopened.endOffsetForEpoch(2)).isEqualTo(new EpochEndOffset(2, 6));
        assertThat(reopened.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 0));
    }

    @Test
    void closedLogRefusesCalls() {
        LogStorage log = open();
        log.append(batch("a", 1));
        engine.close();
        engine = null;
        // not a StorageException: a closed log is no disk failure, and the broker must not take the directory offline
        assertThatThrownBy(() -> log.append(batch("b", 2))).isExactlyInstanceOf(LogClosedException.class);
        assertThatThrownBy(() -> log.read(0, 1, 100, true)).isExactlyInstanceOf(LogClosedException.class);
        assertThatThrownBy(() -> log.offsetForTimestamp(0)).isExactlyInstanceOf(LogClosedException.class);
        assertThatThrownBy(() -> log.truncateTo(0)).isExactlyInstanceOf(LogClosedException.class);
        assertThatThrownBy(() -> log.truncateFullyAndStartAt(5)).isExactlyInstanceOf(LogClosedException.class);
        assertThatThrownBy(() -> log.deleteRecordsBefore(1)).isExactlyInstanceOf(LogClosedException.class);
        assertThatThrownBy(log::flush).isExactlyInstanceOf(LogClosedException.class);
    }
}
