package dev.sluice.storage.testkit;

import dev.sluice.api.Time;
import dev.sluice.api.record.Record;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Base of the contract tests: a backend subclasses each {@code *Contract} class and says how to
 * open its engine. Each test gets a fresh temporary directory, a {@link ManualTime} clock and an
 * engine that is closed afterwards.
 */
public abstract class LogStorageContractSupport {
    protected static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    protected Path directory;
    protected final ManualTime time = new ManualTime();
    protected LogStorageEngine engine;

    /** Opens (creating if needed) the backend's engine for {@code directory}, reading time from {@code time}. */
    protected abstract LogStorageEngine openEngine(Path directory, Time time);

    /** Settings for logs opened by the tests; small indexes keep file backends light. */
    protected LogConfig config() {
        return LogConfig.DEFAULT.withIndex(64, 64 * 1024);
    }

    @BeforeEach
    void openEngineForTest() {
        engine = openEngine(directory, time);
    }

    @AfterEach
    void closeEngineAfterTest() {
        if (engine != null) {
            engine.close();
        }
    }

    protected LogStorage open() {
        return engine.open(TP, config());
    }

    protected LogStorage open(LogConfig config) {
        return engine.open(TP, config);
    }

    /** Closes the engine (cleanly) and opens a new one over the same directory. */
    protected LogStorage reopen(LogConfig config) {
        engine.close();
        engine = null;
        engine = openEngine(directory, time);
        return engine.open(TP, config);
    }

    /** Every record from {@code fromOffset} to the log end, reading as a consumer would. */
    protected static List<Record> readAll(LogStorage log, long fromOffset) {
        List<Record> records = new ArrayList<>();
        long next = fromOffset;
        while (next < log.logEndOffset()) {
            LogSlice slice = log.read(next, log.logEndOffset(), 1 << 20, true);
            List<dev.sluice.api.record.RecordBatch> batches = TestBatches.batchesOf(slice);
            if (batches.isEmpty()) {
                throw new AssertionError("read at " + next + " returned nothing before the log end " + log.logEndOffset());
            }
            for (Record record : TestBatches.recordsOf(slice)) {
                if (record.offset() >= next) {
                    records.add(record);
                }
            }
            // as a consumer: on after the last batch (a compacted batch may end past its last record)
            next = batches.get(batches.size() - 1).nextOffset();
        }
        return records;
    }

    protected static List<Long> offsets(List<Record> records) {
        return records.stream().map(Record::offset).toList();
    }

    protected static List<String> values(List<Record> records) {
        return records.stream().map(TestBatches::valueOf).toList();
    }
}
