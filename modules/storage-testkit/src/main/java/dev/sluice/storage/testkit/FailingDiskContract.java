package dev.sluice.storage.testkit;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.StorageException;
import dev.sluice.storage.testkit.fault.DiskFault;
import dev.sluice.storage.testkit.fault.FaultyFileSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A failing disk: every I/O failure of a storage surfaces as {@link StorageException}, the SPI's
 * "not the caller's fault" (the broker answers KAFKA_STORAGE_ERROR and takes the directory
 * offline on it), never as {@code UncheckedIOException} or another type a caller would take for a
 * bug; and what was acknowledged before the failure is still there once the disk works again.
 *
 * <p>The backend's {@link #openEngine} must open an engine that obeys {@link #fault}. A backend
 * doing its I/O through {@code java.nio.file} opens its engine on
 * {@link FaultyFileSystem#wrap(java.nio.file.Path, DiskFault) FaultyFileSystem.wrap(directory, fault)},
 * whose channels throw while the disk fails. A backend doing its I/O natively (LMDB: its own file
 * descriptors, memory-mapped reads, writes and fsync at commit, none of it through a Java
 * channel) cannot be failed from outside the process; it needs its own hook that raises, at the
 * points where a native failure surfaces (transaction begin and commit, sync), the exception its
 * native layer would.
 */
public abstract class FailingDiskContract extends LogStorageContractSupport {
    /** The disk under the engine; healed after each test so the engine can close. */
    protected final DiskFault fault = new DiskFault();

    @AfterEach
    void healTheDisk() {
        fault.heal(); // runs before the support class closes the engine
    }

    private LogStorage logWithData() {
        LogStorage log = open(config().withSegmentBytes(1024));
        for (int i = 0; i < 20; i++) {
            log.append(batch(1, 0L, "r" + i, 1000 + i, 2000 + i));
        }
        log.flush();
        return log;
    }

    @Test
    void anAppendOnAFailingDiskThrowsStorageException() {
        LogStorage log = logWithData();
        fault.fail();
        assertThatThrownBy(() -> log.append(batch("lost", 5000))).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.append(batch("lost", 5000))).isInstanceOf(StorageException.class);
        assertThat(log.logEndOffset()).isEqualTo(40);
    }

    @Test
    void readsOnAFailingDiskThrowStorageException() {
        LogStorage log = logWithData();
        fault.fail();
        assertThatThrownBy(() -> log.read(0, log.logEndOffset(), 1 << 20, true)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.read(33, log.logEndOffset(), 1 << 20, true)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.offsetForTimestamp(2005)).isInstanceOf(StorageException.class);
    }

    @Test
    void aFlushOnAFailingDiskThrowsStorageException() {
        LogStorage log = logWithData();
        log.append(batch("unflushed", 3000));
        fault.fail();
        assertThatThrownBy(log::flush).isInstanceOf(StorageException.class);
    }

    @Test
    void truncationAndDeletionOnAFailingDiskThrowStorageException() {
        LogStorage log = logWithData();
        fault.fail();
        assertThatThrownBy(() -> log.truncateTo(7)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.deleteRecordsBefore(30)).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> log.truncateFullyAndStartAt(100)).isInstanceOf(StorageException.class);
    }

    @Test
    void retentionOnAFailingDiskThrowsStorageException() {
        LogStorage log = logWithData();
        log.updateConfig(log.config().withRetentionBytes(0));
        fault.fail();
        assertThatThrownBy(log::enforceRetention).isInstanceOf(StorageException.class);
    }

    @Test
    void whatWasAcknowledgedBeforeTheFailureSurvivesIt() {
        LogConfig config = config().withSegmentBytes(1024);
        LogStorage log = logWithData();
        fault.fail();
        for (int i = 0; i < 3; i++) {
            try {
                log.append(batch("failed" + i, 6000));
            } catch (StorageException expected) {
                // not acknowledged
            }
        }
        fault.heal();

        LogStorage reopened = reopen(config);
        assertThat(reopened.logEndOffset()).isEqualTo(40);
        assertThat(values(readAll(reopened, 0))).hasSize(40).startsWith("r0-0", "r0-1").endsWith("r19-0", "r19-1");
        assertThat(reopened.append(batch("after", 7000)).firstOffset()).isEqualTo(40);
    }
}
