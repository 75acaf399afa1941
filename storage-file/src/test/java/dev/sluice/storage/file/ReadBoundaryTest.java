package dev.sluice.storage.file;

import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.sluice.storage.testkit.TestBatches.sizedBatch;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads skip header scanning with the offset index; whatever the index density, a read must end
 * exactly where a batch-by-batch walk would: the last whole batch within maxBytes and below maxOffset.
 */
class ReadBoundaryTest {
    @TempDir
    Path dir;
    FileLogStorageEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void indexSkippingEndsWhereABatchWalkWould() throws IOException {
        for (int interval : new int[]{0, 1, 300, 4096}) {
            checkWithIndexInterval(interval);
        }
    }

    private void checkWithIndexInterval(int indexInterval) throws IOException {
        engine = new FileLogStorageEngine(dir.resolve("i" + indexInterval), new ManualTime());
        LogStorage log = engine.open(new TopicPartition("t", 0), LogConfig.DEFAULT.withIndex(indexInterval, 1 << 20));
        Random random = new Random(indexInterval);
        List<long[]> batches = new ArrayList<>(); // {baseOffset, lastOffset, size}
        for (int i = 0; i < 200; i++) {
            ByteBuffer batch = sizedBatch(1000L + i, 1 + random.nextInt(4), 20 + random.nextInt(400));
            int size = batch.remaining();
            long base = log.logEndOffset();
            log.append(batch);
            batches.add(new long[]{base, log.logEndOffset() - 1, size});
        }
        for (int trial = 0; trial < 300; trial++) {
            int startIndex = random.nextInt(batches.size());
            long from = batches.get(startIndex)[0];
            long maxOffset = random.nextBoolean() ? log.logEndOffset() : from + random.nextInt(300);
            int maxBytes = random.nextInt(20_000);
            long expected = 0;
            for (int b = startIndex; b < batches.size(); b++) {
                long[] batch = batches.get(b);
                if (batch[1] >= maxOffset || expected + batch[2] > maxBytes) {
                    break;
                }
                expected += batch[2];
            }
            if (maxOffset <= from) {
                expected = 0;
            }
            LogSlice slice = log.read(from, maxOffset, maxBytes, false);
            assertThat(slice.sizeInBytes()).as("interval %d from %d maxOffset %d maxBytes %d", indexInterval, from, maxOffset, maxBytes)
                    .isEqualTo(expected);
            if (expected > 0) {
                assertThat(new RecordBatch(slice.toBuffer(), 0).baseOffset()).isEqualTo(from);
            }
        }
        engine.close();
        engine = null;
    }
}
