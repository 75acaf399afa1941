package dev.sluice.storage.testkit;

import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.CompactionOutcome;
import dev.sluice.api.storage.CompactionRequest;
import dev.sluice.api.storage.LogCompaction;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction against a model, on random keyed workloads with tombstones (seeded, so a failure
 * replays): batches of 1-4 records over a few dozen keys, the clock moving on between appends,
 * cleanings at random moments with random {@code min.compaction.lag.ms} and upper bounds. After
 * every cleaning: each remaining record is the one written at its offset, offsets increase, the
 * latest value of every key is there, and no record younger than the lag was removed. At the end,
 * tombstones cleaned once are gone after {@code delete.retention.ms}.
 */
public abstract class CompactionPropertyContract extends LogStorageContractSupport {
    private static final long DELETE_RETENTION_MS = 20_000;

    @Override
    protected LogConfig config() {
        return super.config().withSegmentBytes(2048);
    }

    /** A record as written. */
    private record Written(String key, String value, long timestamp) {
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void randomKeyedWorkloadsKeepTheLatestValueOfEveryKey(long seed) {
        Random random = new Random(seed);
        LogStorage log = open();
        LogCompaction compaction = log.compaction().orElseThrow();
        Map<Long, Written> history = new LinkedHashMap<>();
        int keys = 5 + random.nextInt(30);
        int cleanings = 0;
        for (int step = 0; step < 400; step++) {
            appendRandomBatch(log, random, keys, history);
            time.advance(random.nextInt(1500));
            if (random.nextInt(25) == 0) {
                long lag = random.nextBoolean() ? 0 : random.nextInt(20_000);
                long bound = random.nextInt(4) == 0 ? log.logStartOffset() + random.nextLong(log.logEndOffset() - log.logStartOffset() + 1)
                        : log.logEndOffset();
                cleanAndCheck(log, compaction, history, lag, bound);
                cleanings++;
            }
        }
        cleanAndCheck(log, compaction, history, 0, log.logEndOffset());
        assertThat(cleanings).isPositive();

        // tombstones: the cleaning above gave every tombstone below its end a delete horizon; once
        // it has passed, the next cleaning (something dirty makes it run) removes them all
        long cleanedUpTo = compaction.firstDirtyOffset();
        time.advance(DELETE_RETENTION_MS + 1);
        for (int i = 0; i < 40; i++) {
            append(log, history, "fresh-" + i, "f" + i);
        }
        CompactionOutcome last = cleanAndCheck(log, compaction, history, 0, log.logEndOffset());
        assertThat(last).isInstanceOf(CompactionOutcome.Cleaned.class);
        for (Map.Entry<Long, Written> entry : present(log).entrySet()) {
            if (entry.getKey() < cleanedUpTo) {
                assertThat(entry.getValue().value()).as("tombstone at %d past its delete horizon", entry.getKey()).isNotNull();
            }
        }
    }

    private CompactionOutcome cleanAndCheck(LogStorage log, LogCompaction compaction, Map<Long, Written> history, long lag,
                                            long bound) {
        Map<Long, Written> before = present(log);
        long now = time.milliseconds();
        CompactionOutcome outcome = compaction.compact(new CompactionRequest(now, bound, lag, DELETE_RETENTION_MS, 1 << 16,
                CompactionRequest.IoThrottle.NONE));
        Map<Long, Written> after = present(log);

        long previous = -1;
        for (Map.Entry<Long, Written> entry : after.entrySet()) {
            assertThat(entry.getKey()).isGreaterThan(previous);
            previous = entry.getKey();
            assertThat(entry.getValue()).as("record at %d", entry.getKey()).isEqualTo(history.get(entry.getKey()));
        }
        Map<String, Long> latest = new HashMap<>();
        history.forEach((offset, written) -> latest.put(written.key(), offset));
        latest.forEach((key, offset) -> {
            if (history.get(offset).value() != null) {
                assertThat(after).as("latest value of %s (offset %d)", key, offset).containsKey(offset);
            }
        });
        before.forEach((offset, written) -> {
            if (written.timestamp() > now - lag || offset >= bound) {
                assertThat(after).as("record at %d: younger than the lag or above the bound", offset).containsKey(offset);
            }
        });
        assertThat(log.logEndOffset()).isEqualTo(history.size());
        return outcome;
    }

    private void appendRandomBatch(LogStorage log, Random random, int keys, Map<Long, Written> history) {
        int records = 1 + random.nextInt(4);
        RecordBatchBuilder builder = new RecordBatchBuilder(null);
        long base = log.logEndOffset();
        for (int i = 0; i < records; i++) {
            String key = "k" + random.nextInt(keys);
            String value = random.nextInt(7) == 0 ? null : "v" + base + "-" + i + "-" + "p".repeat(random.nextInt(60));
            builder.append(time.milliseconds(), bytes(key), value == null ? null : bytes(value));
            history.put(base + i, new Written(key, value, time.milliseconds()));
        }
        log.append(builder.build());
    }

    private void append(LogStorage log, Map<Long, Written> history, String key, String value) {
        history.put(log.logEndOffset(), new Written(key, value, time.milliseconds()));
        log.append(new RecordBatchBuilder(null).append(time.milliseconds(), bytes(key), bytes(value)).build());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<Long, Written> present(LogStorage log) {
        Map<Long, Written> out = new LinkedHashMap<>();
        for (Record record : readAll(log, log.logStartOffset())) {
            out.put(record.offset(), new Written(new String(record.keyBytes(), StandardCharsets.UTF_8),
                    record.value() == null ? null : new String(record.valueBytes(), StandardCharsets.UTF_8), record.timestamp()));
        }
        return out;
    }
}
