package dev.sluice.storage.testkit;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Child-process main for {@link CrashContract}: opens a log through the named storage provider and
 * appends batches forever, printing {@code acked <last offset>} after each append returns, until it
 * is killed. Values are {@code v<offset>}, timestamps {@code 1_000_000 + offset}, and every batch is
 * stamped with leader epoch {@code offset / 500}, so the parent can check every record.
 *
 * <p>Arguments: provider name, log dir, seed, max padding bytes, segment bytes, then engine
 * settings as {@code key=value}.
 */
public final class CrashingAppender {
    static final TopicPartition TP = new TopicPartition("crash", 0);

    private CrashingAppender() {
    }

    static LogConfig config(int segmentBytes) {
        return LogConfig.DEFAULT.withSegmentBytes(segmentBytes).withIndex(256, 4096);
    }

    public static void main(String[] args) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 5; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            settings.put(kv[0], kv[1]);
        }
        Random random = new Random(Long.parseLong(args[2]));
        int maxPadding = Integer.parseInt(args[3]);
        LogStorage log = LogStorageProviders.byName(args[0]).open(Path.of(args[1]), settings, Time.SYSTEM)
                .open(TP, config(Integer.parseInt(args[4])));
        PrintStream out = System.out;
        out.println("started " + log.logEndOffset());
        out.flush();
        while (true) {
            long next = log.logEndOffset();
            int records = 1 + random.nextInt(5);
            RecordBatchBuilder builder = new RecordBatchBuilder(null).partitionLeaderEpoch((int) (next / 500));
            for (int i = 0; i < records; i++) {
                byte[] padding = new byte[random.nextInt(maxPadding)];
                builder.append(1_000_000 + next + i, padding, ("v" + (next + i)).getBytes(StandardCharsets.UTF_8));
            }
            long last = log.append(builder.build()).lastOffset();
            out.println("acked " + last);
            out.flush();
        }
    }
}
