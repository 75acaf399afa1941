package dev.sluice.storage.lmdb;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child-process main for {@link LmdbCrashTest}: appends to a log forever, printing
 * {@code acked <last offset>} after each append returns, until it is killed. Values are
 * {@code v<offset>}, timestamps {@code 1_000_000 + offset}. The map starts at 1 MiB, so the child
 * also grows it while it runs (and may be killed doing so).
 */
public final class CrashingLmdbAppender {
    static final TopicPartition TP = new TopicPartition("crash", 0);
    static final LogConfig CONFIG = LogConfig.DEFAULT;
    static final LmdbSettings SETTINGS = new LmdbSettings(1024 * 1024, 16, false);

    public static void main(String[] args) {
        PrintStream out = System.out;
        Random random = new Random(Long.parseLong(args[1]));
        LmdbLogStorageEngine engine = new LmdbLogStorageEngine(Path.of(args[0]), SETTINGS, Time.SYSTEM);
        LogStorage log = engine.open(TP, CONFIG);
        out.println("started " + log.logEndOffset());
        out.flush();
        while (true) {
            long next = log.logEndOffset();
            int records = 1 + random.nextInt(5);
            RecordBatchBuilder builder = new RecordBatchBuilder(null).partitionLeaderEpoch((int) (next / 500));
            for (int i = 0; i < records; i++) {
                byte[] padding = new byte[random.nextInt(3000)];
                builder.append(1_000_000 + next + i, padding, ("v" + (next + i)).getBytes(StandardCharsets.UTF_8));
            }
            long last = log.append(builder.build()).lastOffset();
            out.println("acked " + last);
            out.flush();
        }
    }
}
