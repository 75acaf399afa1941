package dev.sluice.storage.file;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * #19.9: restart after kill -9. {@code openAll} recovers the logs on several threads and writes
 * the recovery-point checkpoint once for the directory; before, each recovered log rewrote (and
 * fsynced) the whole file, so a restart grew with the square of the partition count.
 */
class ParallelRecoveryTest {
    private static final int PARTITIONS = 60;

    @TempDir
    Path dir;
    final ManualTime time = new ManualTime();

    private Map<TopicPartition, LogConfig> configs() {
        Map<TopicPartition, LogConfig> configs = new LinkedHashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            configs.put(new TopicPartition("t", p), LogConfig.DEFAULT);
        }
        return configs;
    }

    @Test
    void openAllRecoversEveryLogAfterAnUncleanShutdownAndWritesTheRecoveryPointsOnce() throws IOException {
        try (FileLogStorageEngine engine = new FileLogStorageEngine(dir, time)) {
            engine.openAll(configs()).values().forEach(log -> {
                for (int i = 0; i < 3; i++) {
                    log.append(batch("v" + i, time.milliseconds()));
                }
            });
        }
        Files.delete(dir.resolve(FileLogStorageEngine.CLEAN_SHUTDOWN_FILE)); // as kill -9 leaves it
        Path torn = dir.resolve("t-7").resolve("00000000000000000000.log");
        Files.write(torn, new byte[]{0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 100}, StandardOpenOption.APPEND);
        long tornSize = Files.size(torn);

        try (FileLogStorageEngine engine = new FileLogStorageEngine(dir, time, 4)) {
            assertThat(engine.wasCleanShutdown()).isFalse();
            Map<TopicPartition, LogStorage> logs = engine.openAll(configs());

            assertThat(logs).hasSize(PARTITIONS);
            assertThat(logs.values()).allSatisfy(log -> assertThat(log.logEndOffset()).isEqualTo(3));
            assertThat(Files.size(torn)).as("the torn tail is cut").isEqualTo(tornSize - 12);
            assertThat(engine.recoveryPointWrites()).isEqualTo(1);
            for (TopicPartition tp : configs().keySet()) {
                assertThat(engine.recoveryPoint(tp)).hasValue(3);
                assertThat(engine.open(tp, LogConfig.DEFAULT)).isSameAs(logs.get(tp));
            }
        }
        assertThat(dir.resolve(FileLogStorageEngine.CLEAN_SHUTDOWN_FILE)).exists();
    }
}
