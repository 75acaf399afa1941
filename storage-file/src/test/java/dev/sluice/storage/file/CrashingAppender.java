package dev.sluice.storage.file;

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
 * Child-process main for {@link CrashRecoveryTest}: appends batches to a log forever and prints
 * {@code acked <last offset>} after each append returns, until it is killed. Record values are
 * {@code v<offset>} and timestamps {@code 1_000_000 + offset}, so the parent can check every record.
 */
public final class CrashingAppender {
    static final TopicPartition TP = new TopicPartition("crash", 0);
    static final LogConfig CONFIG = LogConfig.DEFAULT.withSegmentBytes(16 * 1024).withIndex(256, 4096);

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        PrintStream out = System.out;
        Random random = new Random(Long.parseLong(args[1]));
        FileLogStorageEngine engine = new FileLogStorageEngine(dir, Time.SYSTEM);
        LogStorage log = engine.open(TP, CONFIG);
        out.println("started " + log.logEndOffset());
        out.flush();
        while (true) {
            long next = log.logEndOffset();
            int records = 1 + random.nextInt(5);
            RecordBatchBuilder builder = new RecordBatchBuilder(null).partitionLeaderEpoch((int) (next / 500));
            for (int i = 0; i < records; i++) {
                byte[] padding = new byte[random.nextInt(400)];
                builder.append(1_000_000 + next + i, padding, ("v" + (next + i)).getBytes(StandardCharsets.UTF_8));
            }
            long last = log.append(builder.build()).lastOffset();
            out.println("acked " + last);
            out.flush();
        }
    }
}
