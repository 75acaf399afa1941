package dev.sluice.storage.lmdb;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TimestampOffset;
import dev.sluice.storage.testkit.ManualTime;
import dev.sluice.storage.testkit.TestBatches;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real crash: a child JVM appends (growing the map as it goes) and is killed with SIGKILL
 * mid-append. A killed process loses nothing LMDB committed, even with MDB_NOSYNC (the commit is
 * in the page cache), so every acknowledged append must be there, and nothing half-written:
 * the log is exactly as of the last commit, with no recovery step.
 */
class LmdbCrashTest {
    private static final int ACKS_BEFORE_KILL = 1500;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedAppendSurvivesKillDashNine() throws Exception {
        long acked = -1;
        for (int round = 0; round < 2; round++) { // the second round appends to the crashed log and crashes again
            long lastAcked = runAndKill(round);
            assertThat(lastAcked).isGreaterThan(acked);
            acked = lastAcked;
            verify(acked);
        }
    }

    private long runAndKill(int round) throws IOException, InterruptedException {
        Path stderr = dir.resolve("child-" + round + ".err");
        Process child = new ProcessBuilder(javaCommand(), "-cp", childClassPath(), "-Xmx128m",
                "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
                CrashingLmdbAppender.class.getName(), dir.resolve("log").toString(), String.valueOf(round))
                .redirectError(stderr.toFile())
                .start();
        long lastAcked = -1;
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            int acks = 0;
            String line;
            while (acks < ACKS_BEFORE_KILL && (line = lines.readLine()) != null) {
                if (line.startsWith("acked ")) {
                    lastAcked = Long.parseLong(line.substring(6));
                    acks++;
                }
            }
            child.destroyForcibly(); // SIGKILL, most likely inside a write transaction
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastAcked).as("child acknowledged appends; its stderr: %s", Files.readString(stderr)).isNotNegative();
        return lastAcked;
    }

    private void verify(long lastAcked) {
        try (LmdbLogStorageEngine engine = new LmdbLogStorageEngine(dir.resolve("log"), CrashingLmdbAppender.SETTINGS, new ManualTime())) {
            LogStorage log = engine.open(CrashingLmdbAppender.TP, CrashingLmdbAppender.CONFIG);
            long end = log.logEndOffset();
            assertThat(end).isGreaterThan(lastAcked);
            assertThat(engine.environment().mapSize()).isGreaterThan(1024 * 1024);

            long next = 0;
            long bytes = 0;
            while (next < end) {
                // batchesOf validates each batch: size, magic and CRC
                for (RecordBatch batch : TestBatches.batchesOf(log.read(next, end, 256 * 1024, true))) {
                    assertThat(batch.baseOffset()).isEqualTo(next);
                    for (Record record : RecordBatches.records(batch, CompressionCodecs.installed())) {
                        assertThat(TestBatches.valueOf(record)).isEqualTo("v" + record.offset());
                    }
                    bytes += batch.sizeInBytes();
                    next = batch.nextOffset();
                }
            }
            assertThat(next).as("log ends at a batch boundary").isEqualTo(end);
            assertThat(log.sizeInBytes()).as("the size in the metadata matches the batches").isEqualTo(bytes);
            assertThat(log.maxTimestamp()).contains(new TimestampOffset(1_000_000 + end - 1, end - 1));
            assertThat(log.offsetForTimestamp(1_000_000 + end / 2)).map(TimestampOffset::offset).contains(end / 2);
            assertThat(log.epochs()).first().isEqualTo(new EpochEntry(0, 0));
            // the child stamps epoch offset/500 on each batch: an epoch starts at its first batch
            assertThat(log.epochs()).allSatisfy(e -> assertThat(e.startOffset() / 500).isEqualTo(e.epoch()));
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Surefire runs this module on the module path; the child puts all of it on the class path. */
    private static String childClassPath() {
        List<String> entries = new ArrayList<>();
        for (String property : new String[] {"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property);
            if (value != null && !value.isBlank()) {
                entries.add(value);
            }
        }
        entries.add(Path.of(System.getProperty("basedir", "."), "target", "test-classes").toAbsolutePath().toString());
        return String.join(File.pathSeparator, entries);
    }
}
