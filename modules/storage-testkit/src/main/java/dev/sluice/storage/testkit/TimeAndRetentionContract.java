package dev.sluice.storage.testkit;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.TimestampOffset;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static dev.sluice.storage.testkit.TestBatches.sizedBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lookups by timestamp, and time and size retention driven by the manual clock. */
public abstract class TimeAndRetentionContract extends LogStorageContractSupport {

    @Test
    void offsetForTimestampFindsTheFirstRecordAtOrAfterIt() {
        LogStorage log = open();
        log.append(batch("a", 100, 300, 200));
        log.append(batch("b", 400, 500));

        assertThat(log.offsetForTimestamp(0)).contains(new TimestampOffset(100, 0));
        assertThat(log.offsetForTimestamp(100)).contains(new TimestampOffset(100, 0));
        assertThat(log.offsetForTimestamp(150)).contains(new TimestampOffset(300, 1));
        assertThat(log.offsetForTimestamp(300)).contains(new TimestampOffset(300, 1));
        assertThat(log.offsetForTimestamp(301)).contains(new TimestampOffset(400, 3));
        assertThat(log.offsetForTimestamp(450)).contains(new TimestampOffset(500, 4));
        assertThat(log.offsetForTimestamp(501)).isEmpty();
    }

    @Test
    void offsetForTimestampWorksAcrossManyBatches() {
        LogStorage log = open();
        for (int i = 0; i < 200; i++) {
            log.append(batch("b" + i, 1000 + 10L * i, 1000 + 10L * i + 5));
        }
        for (int i = 0; i < 200; i += 7) {
            assertThat(log.offsetForTimestamp(1000 + 10L * i + 3)).contains(new TimestampOffset(1000 + 10L * i + 5, 2L * i + 1));
            assertThat(log.offsetForTimestamp(1000 + 10L * i)).contains(new TimestampOffset(1000 + 10L * i, 2L * i));
        }
    }

    @Test
    void maxTimestampIsTheLargestRecordTimestampAndItsOffset() {
        LogStorage log = open();
        assertThat(log.maxTimestamp()).isEmpty();
        assertThat(log.offsetForTimestamp(0)).isEmpty();

        log.append(batch("a", 100, 900, 200));
        log.append(batch("b", 400, 500));

        assertThat(log.maxTimestamp()).contains(new TimestampOffset(900, 1));
    }

    @Test
    void offsetForTimestampSkipsRecordsBelowTheLogStart() {
        LogStorage log = open();
        log.append(batch("a", 100, 200, 300));
        log.deleteRecordsBefore(2);

        assertThat(log.offsetForTimestamp(0)).contains(new TimestampOffset(300, 2));
    }

    @Test
    void retentionByTimeDeletesOnlyExpiredData() {
        LogStorage log = open(config().withSegmentMs(5_000).withRetentionMs(15_000));
        for (int i = 0; i < 5; i++) {
            log.append(batch("old" + i, time.milliseconds()));
        }
        time.advance(10_000);
        for (int i = 0; i < 5; i++) {
            log.append(batch("new" + i, time.milliseconds()));
        }
        assertThat(log.enforceRetention()).isZero();

        time.advance(6_000); // old data is 16 s old, new data 6 s
        assertThat(log.enforceRetention()).isPositive();

        assertThat(log.logStartOffset()).isEqualTo(5);
        assertThat(values(readAll(log, 5))).containsExactly("new0-0", "new1-0", "new2-0", "new3-0", "new4-0");
        assertThatThrownBy(() -> log.read(4, 10, 1 << 20, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void retentionByTimeCanEmptyTheLogAndAppendsContinue() {
        LogStorage log = open(config().withRetentionMs(1_000));
        log.append(batch("a", time.milliseconds(), time.milliseconds()));
        time.advance(2_000);

        assertThat(log.enforceRetention()).isPositive();

        assertThat(log.logStartOffset()).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(2);
        assertThat(log.read(2, 2, 1000, true).sizeInBytes()).isZero();
        log.append(batch("b", time.milliseconds()));
        assertThat(values(readAll(log, 2))).containsExactly("b-0");
    }

    @Test
    void retentionBySizeDeletesOldestDataWhileTheLogStaysAboveTheLimit() {
        LogConfig config = config().withSegmentBytes(1024).withRetentionBytes(2048);
        LogStorage log = open(config);
        for (int i = 0; i < 40; i++) {
            log.append(sizedBatch(time.milliseconds(), 1, 200));
        }
        long sizeBefore = log.sizeInBytes();
        assertThat(sizeBefore).isGreaterThan(4096);

        assertThat(log.enforceRetention()).isPositive();

        assertThat(log.logStartOffset()).isPositive();
        assertThat(log.sizeInBytes()).isLessThan(sizeBefore).isGreaterThanOrEqualTo(2048);
        assertThat(log.logEndOffset()).isEqualTo(40);
        assertThat(offsets(readAll(log, log.logStartOffset())).get(0)).isEqualTo(log.logStartOffset());
        assertThat(log.enforceRetention()).isZero();
    }

    @Test
    void retentionDisabledKeepsEverything() {
        LogStorage log = open(config().withSegmentBytes(1024).withRetentionMs(-1).withRetentionBytes(-1));
        for (int i = 0; i < 20; i++) {
            log.append(sizedBatch(time.milliseconds(), 1, 200));
        }
        time.advance(365L * 24 * 3600 * 1000);

        assertThat(log.enforceRetention()).isZero();
        assertThat(log.logStartOffset()).isZero();
        assertThat(readAll(log, 0)).hasSize(20);
    }

    @Test
    void timestampLookupsSurviveReopen() {
        LogStorage log = open(config().withSegmentBytes(1024));
        for (int i = 0; i < 30; i++) {
            log.append(sizedBatch(1000 + i, 1, 100));
        }
        LogStorage reopened = reopen(config().withSegmentBytes(1024));

        assertThat(reopened.maxTimestamp()).contains(new TimestampOffset(1029, 29));
        assertThat(reopened.offsetForTimestamp(1010)).contains(new TimestampOffset(1010, 10));
        assertThat(reopened.offsetForTimestamp(2000)).isEqualTo(Optional.empty());
    }
}
