package dev.sluice.storage.lmdb;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import dev.sluice.storage.testkit.TestBatches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static dev.sluice.storage.testkit.TestBatches.sizedBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What is specific to LMDB: one shared environment, map growth under load, settings, slices that outlive the data. */
class LmdbEngineTest {
    private static final TopicPartition A = new TopicPartition("a", 0);
    private static final TopicPartition B = new TopicPartition("b", 0);
    private static final TopicPartition C = new TopicPartition("c-with-dash", 2);
    private static final LogConfig CONFIG = LogConfig.DEFAULT;

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime();
    private LmdbLogStorageEngine engine;
    private ExecutorService readers;

    private LmdbLogStorageEngine open(Map<String, String> settings) {
        engine = (LmdbLogStorageEngine) LogStorageProviders.byName("lmdb").open(dir, settings, time);
        return engine;
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (readers != null) {
            readers.shutdownNow();
            assertThat(readers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void theMapGrowsWhileAppendsAndReadsContinue() throws Exception {
        open(Map.of(LmdbSettings.MAP_SIZE, String.valueOf(1024 * 1024)));
        LogStorage log = engine.open(A, CONFIG);
        log.append(sizedBatch(1, 10, 1000));
        AtomicBoolean done = new AtomicBoolean();
        readers = Executors.newFixedThreadPool(2);
        List<Future<Long>> reads = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            reads.add(readers.submit(() -> { // reads from the start all along: every batch must stay intact
                long batchesRead = 0;
                while (!done.get()) {
                    long end = log.logEndOffset();
                    for (RecordBatch b : TestBatches.batchesOf(log.read(0, end, 256 * 1024, true))) {
                        assertThat(b.baseOffset()).isLessThan(end);
                        batchesRead++;
                    }
                }
                return batchesRead;
            }));
        }

        for (int i = 0; i < 400; i++) { // ~40 MB through a 1 MiB initial map
            log.append(sizedBatch(2 + i, 100, 1000));
        }
        done.set(true);

        for (Future<Long> read : reads) {
            assertThat(read.get(30, TimeUnit.SECONDS)).isPositive();
        }
        assertThat(engine.environment().mapSize()).isGreaterThanOrEqualTo(32L * 1024 * 1024);
        assertThat(log.logEndOffset()).isEqualTo(10 + 400 * 100);
        assertThat(TestBatches.batchesOf(log.read(20_010, log.logEndOffset(), 1, true)).get(0).baseOffset()).isEqualTo(20_010);
    }

    @Test
    void partitionsShareOneEnvironmentButNotTheirData() throws Exception {
        open(Map.of());
        LogStorage a = engine.open(A, CONFIG);
        LogStorage b = engine.open(B, CONFIG.withRetentionBytes(0));
        LogStorage c = engine.open(C, CONFIG);
        for (int i = 0; i < 5; i++) {
            a.append(batch("a" + i, 10 + i));
            b.append(batch("b" + i, 20 + i));
            c.append(batch("c" + i, 30 + i));
        }

        a.truncateTo(2);
        assertThat(b.enforceRetention()).isEqualTo(5);
        engine.delete(C);

        assertThat(Files.list(dir).map(p -> p.getFileName().toString()).toList()).containsExactlyInAnyOrder("data.mdb", "lock.mdb", ".lock");
        engine.close();
        open(Map.of());
        assertThat(engine.partitions()).containsExactlyInAnyOrder(A, B);
        LogStorage a2 = engine.open(A, CONFIG);
        LogStorage b2 = engine.open(B, CONFIG);
        assertThat(TestBatches.recordsOf(a2.read(0, 2, 1 << 20, true))).extracting(TestBatches::valueOf).containsExactly("a0-0", "a1-0");
        assertThat(a2.maxTimestamp()).map(t -> t.timestamp()).contains(11L);
        assertThat(b2.logStartOffset()).isEqualTo(5);
        assertThat(b2.sizeInBytes()).isZero();
        assertThat(b2.offsetForTimestamp(0)).isEmpty();
        assertThat(engine.open(C, CONFIG).logEndOffset()).isZero();
    }

    @Test
    void aSliceIsACopyThatOutlivesTruncationAndRetention() throws Exception {
        open(Map.of());
        LogStorage log = engine.open(A, CONFIG.withRetentionMs(1_000));
        log.append(batch("x", time.milliseconds(), time.milliseconds()));
        LogSlice slice = log.read(0, 2, 1 << 20, true);

        log.truncateTo(0);
        log.append(batch("y", time.milliseconds()));
        time.advance(5_000);
        log.enforceRetention();

        assertThat(TestBatches.recordsOf(slice)).extracting(TestBatches::valueOf).containsExactly("x-0", "x-1");
        assertThatThrownBy(() -> log.read(0, 1, 100, true)).isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void timeLookupsSkipBatchesWhoseTimestampsGoBackwards() {
        open(Map.of());
        LogStorage log = engine.open(A, CONFIG);
        log.append(batch("a", 500));
        log.append(batch("b", 100)); // older than what came before: no time index entry
        log.append(batch("c", 300));
        log.append(batch("d", 900));
        log.deleteRecordsBefore(1); // the batch with the max so far goes: its entry stays as a lower bound

        assertThat(log.offsetForTimestamp(200)).map(t -> t.offset()).contains(2L);
        assertThat(log.offsetForTimestamp(600)).map(t -> t.offset()).contains(3L);
        log.truncateTo(3);
        assertThat(log.maxTimestamp()).map(t -> t.timestamp()).contains(300L); // the max left after losing 500 and 900
    }

    @Test
    void durabilityCommitIsAcceptedAndBadSettingsFailNamingTheKey() {
        open(Map.of(LmdbSettings.DURABILITY, "commit"));
        engine.open(A, CONFIG.withFlush(1, 0)).append(batch("a", 1));
        engine.close();
        engine = null;

        assertThatThrownBy(() -> open(Map.of(LmdbSettings.DURABILITY, "sometimes"))).hasMessageContaining("lmdb.durability");
        assertThatThrownBy(() -> open(Map.of(LmdbSettings.MAP_SIZE, "10"))).hasMessageContaining("lmdb.map.size");
        assertThat(open(Map.of()).open(A, CONFIG).logEndOffset()).isEqualTo(1);
    }

    @Test
    void aDirectoryHasOneOwner() {
        open(Map.of());
        assertThatThrownBy(() -> LogStorageProviders.byName("lmdb").open(dir, Map.of(), time)).hasMessageContaining("in use");
    }
}
