package dev.sluice.storage.file;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import dev.sluice.storage.testkit.fault.DiskFault;
import dev.sluice.storage.testkit.fault.FaultyFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static dev.sluice.storage.testkit.TestBatches.recordsOf;
import static dev.sluice.storage.testkit.TestBatches.valueOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * #19.9: closing a log forces its files only if something was written since the last fsync. A
 * clean shutdown of 5,000 partitions took over 100 s because every log was fsynced, written or
 * not. The disk here fails every I/O once told to: a close that attempts an fsync throws, so
 * whether close forced is visible, without a hook in the storage.
 */
class CloseWithoutFsyncTest {
    private static final TopicPartition TP = new TopicPartition("quiet", 0);

    @TempDir
    Path dir;
    final ManualTime time = new ManualTime();
    final DiskFault fault = new DiskFault();

    private LogStorageEngine openEngine() {
        return FileStorageContractTest.openFileEngine(FaultyFileSystem.wrap(dir, fault), time);
    }

    private void writeOneBatchAndStopCleanly() {
        try (LogStorageEngine engine = openEngine()) {
            engine.open(TP, LogConfig.DEFAULT).append(batch("a", time.milliseconds(), time.milliseconds()));
        }
    }

    private void assertDataSurvived(long records) {
        fault.heal();
        try (LogStorageEngine engine = openEngine()) {
            LogStorage log = engine.open(TP, LogConfig.DEFAULT);
            assertThat(log.logEndOffset()).isEqualTo(records);
            assertThat(recordsOf(log.read(0, Long.MAX_VALUE, 100_000, true))).hasSize((int) records);
            assertThat(valueOf(recordsOf(log.read(0, Long.MAX_VALUE, 100_000, true)).get(0))).isNotNull();
        }
    }

    @Test
    void aLogUntouchedSinceItWasOpenedClosesWithoutForcing() {
        writeOneBatchAndStopCleanly();
        try (LogStorageEngine engine = openEngine()) {
            LogStorage log = engine.open(TP, LogConfig.DEFAULT);
            fault.fail(); // from here an fsync (or any write) throws
            log.close();  // nothing to force: no I/O at all
            fault.heal();
        }
        assertDataSurvived(2);
    }

    @Test
    void aLogUntouchedSinceItsLastFlushClosesWithoutForcing() {
        try (LogStorageEngine engine = openEngine()) {
            LogStorage log = engine.open(TP, LogConfig.DEFAULT);
            log.append(batch("a", time.milliseconds(), time.milliseconds()));
            log.flush();
            fault.fail();
            log.close();
            fault.heal();
        }
        assertDataSurvived(2);
    }

    @Test
    void aLogWithUnflushedDataForcesItOnClose() {
        try (LogStorageEngine engine = openEngine()) {
            LogStorage log = engine.open(TP, LogConfig.DEFAULT);
            log.append(batch("a", time.milliseconds(), time.milliseconds()));
            fault.fail();
            assertThatThrownBy(log::close).as("close must fsync what was appended")
                    .isInstanceOf(StorageException.class).hasMessageContaining("fsync");
            fault.heal();
        }
    }

    @Test
    void dataAppendedAfterOpeningSurvivesACleanClose() {
        writeOneBatchAndStopCleanly();
        try (LogStorageEngine engine = openEngine()) {
            engine.open(TP, LogConfig.DEFAULT).append(batch("b", time.milliseconds()));
        }
        assertDataSurvived(3);
    }

    @Test
    void aTruncatedLogForcesOnClose() {
        writeOneBatchAndStopCleanly();
        try (LogStorageEngine engine = openEngine()) {
            LogStorage log = engine.open(TP, LogConfig.DEFAULT);
            log.append(batch("b", time.milliseconds()));
            log.flush();
            log.truncateTo(2);
            fault.fail();
            assertThatThrownBy(log::close).isInstanceOf(StorageException.class);
            fault.heal();
        }
        assertDataSurvived(2);
    }
}
