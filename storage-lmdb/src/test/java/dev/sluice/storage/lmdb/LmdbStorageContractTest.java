package dev.sluice.storage.lmdb;

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
import org.junit.jupiter.api.Nested;

import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the storage contract test kit against the LMDB backend, found the way the broker finds
 * it: by name through {@link java.util.ServiceLoader}. A small initial map (1 MiB) makes the
 * larger tests grow it on the way.
 */
class LmdbStorageContractTest {

    static LogStorageEngine openLmdbEngine(Path directory, Time time) {
        return LogStorageProviders.byName("lmdb").open(directory, Map.of(LmdbSettings.MAP_SIZE, "1048576"), time);
    }

    @Nested
    class AppendRead extends AppendReadContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openLmdbEngine(directory, time);
        }
    }

    @Nested
    class TimeAndRetention extends TimeAndRetentionContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openLmdbEngine(directory, time);
        }
    }

    @Nested
    class TransactionIndex extends TransactionIndexContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openLmdbEngine(directory, time);
        }
    }

    @Nested
    class Lifecycle extends LifecycleContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openLmdbEngine(directory, time);
        }
    }

    @Nested
    class Compaction extends CompactionContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openLmdbEngine(directory, time);
        }
    }

    @Nested
    class CompactionProperties extends CompactionPropertyContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openLmdbEngine(directory, time);
        }
    }
    @Nested
    class TransactionalCompaction extends TransactionalCompactionContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openLmdbEngine(directory, time);
        }
    }

    @Nested
    class Engine extends EngineContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            return openLmdbEngine(directory, time);
        }
    }

    /**
     * LMDB's I/O is native (its own descriptors, mmap, pwrite and fsync at commit): no Java channel
     * can fail it, so the environment's hook raises a native failure where LMDB would report one.
     */
    @Nested
    class FailingDisk extends FailingDiskContract {
        @Override
        protected LogStorageEngine openEngine(Path directory, Time time) {
            LmdbLogStorageEngine engine = (LmdbLogStorageEngine) openLmdbEngine(directory, time);
            engine.environment().simulateFailures(fault::failing);
            return engine;
        }
    }
}
