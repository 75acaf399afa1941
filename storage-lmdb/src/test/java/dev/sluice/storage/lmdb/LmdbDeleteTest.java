package dev.sluice.storage.lmdb;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.StorageException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import dev.sluice.storage.testkit.TestBatches;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

/** #19.1: deleting a partition while an append is in flight must leave none of its data behind. */
class LmdbDeleteTest {
    private static final int ROUNDS = 30;

    @TempDir
    Path dir;
    private final ManualTime time = new ManualTime();
    private LmdbLogStorageEngine engine;
    private final ExecutorService appender = Executors.newSingleThreadExecutor();

    private LmdbLogStorageEngine open() {
        engine = (LmdbLogStorageEngine) LogStorageProviders.byName("lmdb").open(dir, Map.of(), time);
        return engine;
    }

    @AfterEach
    void stop() throws InterruptedException {
        appender.shutdownNow();
        assertThat(appender.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void anAppendRacingDeleteLeavesNothingForANewTopicAfterARestart() throws Exception {
        open();
        // a large batch (its CRC is checked before the write): the append spends long between its open check and its commit
        ByteBuffer oldBatches = TestBatches.concat(batch("old", 1), TestBatches.sizedBatch(2, 1, 4 << 20), batch("old", 3));
        for (int round = 0; round < ROUNDS; round++) {
            TopicPartition doomed = new TopicPartition("old-" + round, 0);
            LogStorage log = engine.open(doomed, LogConfig.DEFAULT);
            CountDownLatch appending = new CountDownLatch(1);
            Future<?> appends = appender.submit(() -> {
                try {
                    while (true) {
                        log.append(oldBatches.duplicate());
                        appending.countDown();
                    }
                } catch (IllegalStateException | StorageException closed) {
                    return; // the log was deleted under us: expected
                }
            });
            assertThat(appending.await(10, TimeUnit.SECONDS)).isTrue();
            engine.delete(doomed);
            appends.get(10, TimeUnit.SECONDS);
        }
        engine.close();

        open();
        assertThat(engine.partitions()).isEmpty();
        for (int round = 0; round < ROUNDS; round++) {
            LogStorage fresh = engine.open(new TopicPartition("new-" + round, 0), LogConfig.DEFAULT);
            for (int i = 0; i < 5; i++) { // three records a batch: offsets 0, 3, 6, ... leave gaps an old batch would fill
                fresh.append(batch("new", 1, 2, 3));
            }
            assertThat(TestBatches.recordsOf(fresh.read(0, fresh.logEndOffset(), 1 << 24, true)))
                    .as("records of %s", fresh.topicPartition())
                    .extracting(r -> { // an old 4 MiB value is shown by its size only
                        String v = TestBatches.valueOf(r);
                        return v.length() > 32 ? "<" + v.length() + " chars>" : v;
                    })
                    .allMatch(v -> v.startsWith("new-"), "a record of the new topic")
                    .hasSize(15);
        }
    }
}
