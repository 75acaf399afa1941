package dev.sluice.broker.partition;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Moving a partition between log directories (AlterReplicaLogDirs) at the storage level, on both
 * engines: the copy follows appends, a truncation, a new epoch and the log start while it runs, and
 * the log it swaps in holds exactly what the old one held; each state a crash can leave on disk
 * (a future replica not committed, a committed one whose old copy is still there) opens as exactly
 * one copy.
 */
class LogDirMoveTest {
    private static final TopicPartition TP = new TopicPartition("moving", 0);

    @TempDir
    Path dir;
    private final List<StorageEngines> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(StorageEngines::close);
    }

    private StorageEngines engines(Path root, String engine, long bytesPerSecond) {
        StorageEngines engines = new StorageEngines(List.of(root.resolve("a"), root.resolve("b")), engine, Map.of(), Time.SYSTEM)
                .logDirMoveRate(bytesPerSecond).openDefault();
        opened.add(engines);
        return engines;
    }

    private static ByteBuffer batch(int epoch, int records, String value) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).partitionLeaderEpoch(epoch);
        for (int i = 0; i < records; i++) {
            builder.append(1_000L + i, null, (value + "-" + i + "-" + "x".repeat(1000)).getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static byte[] content(LogStorage log) throws IOException {
        if (log.logEndOffset() == log.logStartOffset()) {
            return new byte[0];
        }
        ByteBuffer all = log.read(log.logStartOffset(), log.logEndOffset(), Integer.MAX_VALUE, true).toBuffer();
        byte[] bytes = new byte[all.remaining()];
        all.get(bytes);
        return bytes;
    }

    private static void awaitMoved(StorageEngines engines, String engine, Path to) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(engines.logDirOf(engine, TP).equals(to) && engines.futureReplicas().isEmpty())) {
            assertThat(System.nanoTime()).as("moved in time").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void aPartitionMovesWhileItIsWrittenAndKeepsEveryBatchEpochAndAbortEntry(String engine) throws Exception {
        StorageEngines engines = engines(dir, engine, 1_000_000);
        LogStorage log = engines.engine(engine).open(TP, LogConfig.DEFAULT);
        Path from = engines.logDirOf(engine, TP);
        Path to = from.equals(dir.resolve("a")) ? dir.resolve("b") : dir.resolve("a");
        log.assignEpochStartOffset(3, 0);
        for (int i = 0; i < 400; i++) {
            log.append(batch(3, 5, "old" + i));
        }
        log.deleteRecordsBefore(17); // inside the batch [15, 19]
        log.appendAbortedTransaction(new AbortedTxn(7, 20, 44, 20));

        assertThat(engines.move(engine, TP, to)).isInstanceOf(LogDirMoveOutcome.Moving.class);
        AtomicReference<FutureReplica> seen = new AtomicReference<>();
        for (int i = 0; i < 300; i++) {
            if (i == 100) {
                log.truncateTo(log.logEndOffset() - 25); // five batches cut while the copy may hold them
            }
            if (i == 150) {
                log.assignEpochStartOffset(5, log.logEndOffset());
            }
            log.append(batch(i < 150 ? 3 : 5, 5, "new" + i));
            if (i == 200) {
                log.appendAbortedTransaction(new AbortedTxn(8, log.logEndOffset() - 30, log.logEndOffset() - 1, log.logEndOffset() - 30));
            }
            engines.futureReplicas().stream().findFirst().ifPresent(seen::set);
            Thread.sleep(2);
        }
        byte[] expected = content(log);
        List<EpochEntry> epochs = log.epochs();
        List<AbortedTxn> aborts = log.abortedTransactions(0, Long.MAX_VALUE);
        long start = log.logStartOffset();
        long end = log.logEndOffset();

        awaitMoved(engines, engine, to);
        assertThat(seen.get()).as("the future replica while it filled").isNotNull();
        assertThat(seen.get().logDir()).isEqualTo(to);
        assertThat(content(log)).isEqualTo(expected);
        assertThat(log.epochs()).isEqualTo(epochs).extracting(EpochEntry::epoch).containsExactly(3, 5);
        assertThat(log.abortedTransactions(0, Long.MAX_VALUE)).isEqualTo(aborts).hasSize(2);
        assertThat(log.logStartOffset()).isEqualTo(start).isEqualTo(17);
        assertThat(log.logEndOffset()).isEqualTo(end);
        log.append(batch(5, 1, "after"));
        assertThat(log.logEndOffset()).isEqualTo(end + 1);

        // the partition is in the new directory only, also after a restart
        engines.close();
        opened.remove(engines);
        StorageEngines reopened = engines(dir, engine, Long.MAX_VALUE);
        assertThat(reopened.logDirOf(engine, TP)).isEqualTo(to);
        LogStorage again = reopened.engine(engine).open(TP, LogConfig.DEFAULT);
        assertThat(again.logEndOffset()).isEqualTo(end + 1);
        assertThat(again.logStartOffset()).isEqualTo(17);
        reopened.close();
        opened.remove(reopened);
        assertThat(stored(dir.resolve(from.getFileName().toString()), engine)).doesNotContain(TP);
    }

    /** The partitions an engine finds in one log directory alone. */
    private static java.util.Set<TopicPartition> stored(Path root, String engine) {
        Path where = engine.equals("file") ? root : root.resolve(engine);
        try (LogStorageEngine single = LogStorageProviders.byName(engine).open(where, Map.of(), Time.SYSTEM)) {
            return single.partitions();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void aCrashBeforeTheSwapKeepsTheOldCopyAndTheMoveStartsAgain(String engine) throws Exception {
        StorageEngines engines = engines(dir.resolve("live"), engine, 200_000);
        LogStorage log = engines.engine(engine).open(TP, LogConfig.DEFAULT);
        Path from = engines.logDirOf(engine, TP);
        String toName = from.getFileName().toString().equals("a") ? "b" : "a";
        for (int i = 0; i < 600; i++) { // 3 MB: a first chunk, then the throttle's pause of ~5 s
            log.append(batch(0, 5, "v" + i));
        }
        log.flush();
        byte[] expected = content(log);
        assertThat(engines.move(engine, TP, dir.resolve("live").resolve(toName))).isInstanceOf(LogDirMoveOutcome.Moving.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (engines.futureReplicas().isEmpty() || engines.futureReplicas().get(0).sizeInBytes() == 0) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(5);
        }
        engines.stopMoves(); // the disk as a kill -9 mid-copy leaves it: a marker and a partial future replica
        assertThat(engines.futureReplicas().get(0).offsetLag()).isPositive();
        copyTree(dir.resolve("live"), dir.resolve("crashed"));

        StorageEngines restarted = engines(dir.resolve("crashed"), engine, Long.MAX_VALUE);
        assertThat(restarted.logDirOf(engine, TP).getFileName()).isEqualTo(from.getFileName());
        LogStorage recovered = restarted.engine(engine).open(TP, LogConfig.DEFAULT);
        assertThat(content(recovered)).isEqualTo(expected);
        restarted.resumeMoves(); // what PartitionManager.startup does once every partition is open
        awaitMoved(restarted, engine, dir.resolve("crashed").resolve(toName));
        assertThat(content(recovered)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void aCrashAfterTheCommitKeepsTheNewCopyAndDropsTheOld(String engine) throws Exception {
        writeCopy(dir.resolve("a"), engine, "old");
        writeCopy(dir.resolve("b"), engine, "new");
        Path markers = dir.resolve("b").resolve(FutureLogMarkers.DIRECTORY).resolve(engine);
        Files.createDirectories(markers);
        Files.writeString(markers.resolve(TP.dirName() + FutureLogMarkers.MOVED), "0\n");

        StorageEngines engines = engines(dir, engine, Long.MAX_VALUE);
        assertThat(engines.logDirOf(engine, TP)).isEqualTo(dir.resolve("b"));
        assertThat(new String(content(engines.engine(engine).open(TP, LogConfig.DEFAULT)), StandardCharsets.UTF_8)).contains("new-0");
        engines.close();
        opened.remove(engines);
        assertThat(stored(dir.resolve("a"), engine)).doesNotContain(TP);
        assertThat(markers.resolve(TP.dirName() + FutureLogMarkers.MOVED)).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void anUncommittedFutureReplicaIsDroppedAtStartUp(String engine) throws Exception {
        writeCopy(dir.resolve("a"), engine, "old");
        writeCopy(dir.resolve("b"), engine, "partial");
        Path markers = dir.resolve("b").resolve(FutureLogMarkers.DIRECTORY).resolve(engine);
        Files.createDirectories(markers);
        Files.writeString(markers.resolve(TP.dirName() + FutureLogMarkers.FUTURE), "0\n");

        StorageEngines engines = engines(dir, engine, Long.MAX_VALUE);
        assertThat(engines.logDirOf(engine, TP)).isEqualTo(dir.resolve("a"));
        assertThat(new String(content(engines.engine(engine).open(TP, LogConfig.DEFAULT)), StandardCharsets.UTF_8)).contains("old-0");
        engines.close();
        opened.remove(engines);
        assertThat(stored(dir.resolve("b"), engine)).doesNotContain(TP);
    }

    /** A copy of the partition written into one directory by that directory's engine alone. */
    private static void writeCopy(Path root, String engine, String value) {
        Path where = engine.equals("file") ? root : root.resolve(engine);
        try (LogStorageEngine single = LogStorageProviders.byName(engine).open(where, Map.of(), Time.SYSTEM)) {
            LogStorage log = single.open(TP, LogConfig.DEFAULT);
            for (int i = 0; i < 10; i++) {
                log.append(batch(0, 3, value));
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().equals(".lock")) {
                    Files.copy(source, target);
                }
            }
        }
    }
}
