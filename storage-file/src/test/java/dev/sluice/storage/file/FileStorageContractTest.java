package dev.sluice.storage.file;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.storage.testkit.AppendReadContract;
import dev.sluice.storage.testkit.CompactionContract;
import dev.sluice.storage.testkit.CompactionPropertyContract;
import dev.sluice.storage.testkit.EngineContract;
import dev.sluice.storage.testkit.FailingDiskContract;
import dev.sluice.storage.testkit.LifecycleContract;
import dev.sluice.storage.testkit.TimeAndRetentionContract;
import dev.sluice.storage.testkit.TransactionIndexContract;
import dev.sluice.storage.testkit.TransactionalCompactionContract;
import dev.sluice.storage.testkit.fault.FaultyFileSystem;
import org.junit.jupiter.api.Nested;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the storage contract test kit against the file backend, found the way the broker finds
 * it: by name through {@link java.util.ServiceLoader}.
 */
class FileStorageContractTest {

    static LogStorageEngine openFileEngine(Path directory, Time time) {
        return LogStorageProviders.byName("file").open(directory, Map.of(), time);
    }

    @Nested
    class AppendRead extends AppendReadContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openFileEngine(directory, time);
        }
    }

    @Nested
    class TimeAndRetention extends TimeAndRetentionContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openFileEngine(directory, time);
        }
    }

    @Nested
    class TransactionIndex extends TransactionIndexContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openFileEngine(directory, time);
        }
    }

    @Nested
    class Lifecycle extends LifecycleContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openFileEngine(directory, time);
        }
    }

    @Nested
    class Compaction extends CompactionContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openFileEngine(directory, time);
        }
    }

    @Nested
    class CompactionProperties extends CompactionPropertyContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openFileEngine(directory, time);
        }
    }
    @Nested
    class TransactionalCompaction extends TransactionalCompactionContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openFileEngine(directory, time);
        }
    }

    @Nested
    class Engine extends EngineContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openFileEngine(directory, time);
        }
    }

    /** The file engine on a file system whose channels and file operations throw while {@code fault} says so. */
    @Nested
    class FailingDisk extends FailingDiskContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openFileEngine(FaultyFileSystem.wrap(directory, fault), time);
        }
    }
}
