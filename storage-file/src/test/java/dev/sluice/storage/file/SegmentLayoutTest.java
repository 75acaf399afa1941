package dev.sluice.storage.file;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static dev.sluice.storage.testkit.TestBatches.sizedBatch;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the file backend leaves on disk: Kafka's names, sizes and checkpoint formats. */
class SegmentLayoutTest {
    private static final TopicPartition TP = new TopicPartition("orders", 2);
    private static final int MAX_INDEX_BYTES = 4096;

    @TempDir
    Path dir;
    final ManualTime time = new ManualTime();
    FileLogStorageEngine engine;

    @BeforeEach
    void open() {
        engine = new FileLogStorageEngine(dir, time);
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private LogConfig config() {
        return LogConfig.DEFAULT.withSegmentBytes(1024).withIndex(0, MAX_INDEX_BYTES);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("orders-2"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void segmentsAreNamedByTwentyDigitBaseOffsetAndRollBySize() throws IOException {
        LogStorage log = engine.open(TP, config());
        for (int i = 0; i < 10; i++) {
            log.append(sizedBatch(time.milliseconds(), 2, 150)); // ~400 bytes: two per 1024-byte segment
        }

        List<String> logs = files().stream().filter(f -> f.endsWith(".log")).toList();
        assertThat(logs).containsExactly("00000000000000000000.log", "00000000000000000004.log", "00000000000000000008.log",
                "00000000000000000012.log", "00000000000000000016.log");
        for (String logFile : logs) {
            String prefix = logFile.substring(0, 20);
            assertThat(files()).contains(prefix + ".index", prefix + ".timeindex");
            assertThat(Files.size(dir.resolve("orders-2").resolve(logFile))).isLessThanOrEqualTo(1024);
        }
    }

    @Test
    void activeIndexesArePreallocatedAndRolledOnesTrimmedToTheirEntries() throws IOException {
        LogStorage log = engine.open(TP, config());
        for (int i = 0; i < 3; i++) {
            log.append(sizedBatch(time.milliseconds() + i, 2, 150));
        }
        Path partition = dir.resolve("orders-2");

        // every batch indexed (interval 0): the rolled segment holds 2 batches
        assertThat(Files.size(partition.resolve("00000000000000000000.index"))).isEqualTo(2 * 8);
        assertThat(Files.size(partition.resolve("00000000000000000000.timeindex"))).isEqualTo(2 * 12);
        assertThat(Files.size(partition.resolve("00000000000000000004.index"))).isEqualTo(MAX_INDEX_BYTES);
        assertThat(Files.size(partition.resolve("00000000000000000004.timeindex"))).isEqualTo(MAX_INDEX_BYTES / 12 * 12);

        engine.close();
        engine = null;
        assertThat(Files.size(partition.resolve("00000000000000000004.index"))).isEqualTo(8);
        assertThat(Files.size(partition.resolve("00000000000000000004.timeindex"))).isEqualTo(12);
    }

    @Test
    void checkpointFilesUseKafkasTextFormat() throws IOException {
        LogStorage log = engine.open(TP, config());
        log.append(batch(3, 0L, "a", 1, 2));
        log.append(batch(5, 0L, "b", 3));
        log.deleteRecordsBefore(1);
        log.flush();

        assertThat(Files.readAllLines(dir.resolve("orders-2/leader-epoch-checkpoint")))
                .containsExactly("0", "2", "3 1", "5 2");
        assertThat(Files.readAllLines(dir.resolve("log-start-offset-checkpoint"))).containsExactly("0", "1", "orders 2 1");
        assertThat(Files.readAllLines(dir.resolve("recovery-point-offset-checkpoint"))).containsExactly("0", "1", "orders 2 3");
    }

    @Test
    void flushMessagesOneMovesTheRecoveryPointWithEveryAppend() throws IOException {
        LogStorage everyAppend = engine.open(TP, config().withFlush(1, Long.MAX_VALUE));
        LogStorage pageCache = engine.open(new TopicPartition("lazy", 0), config());
        everyAppend.append(batch("a", 1, 2));
        pageCache.append(batch("b", 1, 2));

        // the periodic call writes the checkpoint of what has been fsynced so far
        everyAppend.enforceRetention();
        pageCache.enforceRetention();

        assertThat(Files.readAllLines(dir.resolve("recovery-point-offset-checkpoint")))
                .contains("orders 2 2", "lazy 0 0");
    }

    @Test
    void cleanShutdownMarkerExistsOnlyWhileClosed() {
        Path marker = dir.resolve(FileLogStorageEngine.CLEAN_SHUTDOWN_FILE);
        assertThat(marker).doesNotExist();
        engine.close();
        assertThat(marker).exists();
        engine = new FileLogStorageEngine(dir, time);
        assertThat(engine.wasCleanShutdown()).isTrue();
        assertThat(marker).doesNotExist();
    }

    @Test
    void aSecondEngineCannotOpenADirectoryInUse() {
        assertThatThrownBy(() -> new FileLogStorageEngine(dir, time)).hasMessageContaining("in use");
    }

    @Test
    void partitionsIgnoresOtherDirectoriesAndDeletedPartitions() throws IOException {
        engine.open(TP, config()).append(batch("a", 1));
        Files.createDirectories(dir.resolve("not a partition"));
        Files.createDirectories(dir.resolve("orders-x"));
        Files.createDirectories(dir.resolve("orders-1.0123abcd-delete"));

        assertThat(engine.partitions()).containsExactly(TP);

        engine.close();
        engine = new FileLogStorageEngine(dir, time);
        assertThat(dir.resolve("orders-1.0123abcd-delete")).doesNotExist(); // finished on start-up
        assertThat(engine.partitions()).containsExactly(TP);
    }
}
