package dev.sluice.storage.file;

import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
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
 * A real crash: a child JVM appends in a loop and is killed with SIGKILL mid-append. The page
 * cache survives a process kill, so every append the child acknowledged must be readable after
 * recovery, and the log must end at a batch boundary with working indexes.
 */
class CrashRecoveryTest {
    private static final int ACKS_BEFORE_KILL = 1500;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedAppendSurvivesKillDashNine() throws Exception {
        long acked = -1;
        for (int round = 0; round < 2; round++) { // the second round appends to a recovered log and crashes again
            long lastAcked = runAndKill(round);
            assertThat(lastAcked).isGreaterThan(acked);
            acked = lastAcked;
            verify(acked);
        }
    }

    /** Starts the appender, waits for enough acknowledgements, kills it; returns the last offset it acknowledged. */
    private long runAndKill(int round) throws IOException, InterruptedException {
        Path stderr = dir.resolve("child-" + round + ".err");
        Process child = new ProcessBuilder(javaCommand(), "-cp", childClassPath(), "-Xmx128m",
                CrashingAppender.class.getName(), dir.resolve("log").toString(), String.valueOf(round))
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
            child.destroyForcibly(); // SIGKILL, most likely in the middle of an append
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(lastAcked).as("child acknowledged appends; its stderr: %s", Files.readString(stderr)).isNotNegative();
        return lastAcked;
    }

    private void verify(long lastAcked) {
        FileLogStorageEngine engine = new FileLogStorageEngine(dir.resolve("log"), new ManualTime());
        try {
            assertThat(engine.wasCleanShutdown()).isFalse();
            LogStorage log = engine.open(CrashingAppender.TP, CrashingAppender.CONFIG);
            long end = log.logEndOffset();
            assertThat(end).isGreaterThan(lastAcked);

            long next = 0;
            List<Long> batchStarts = new ArrayList<>();
            while (next < end) {
                // batchesOf validates each batch: size, magic and CRC
                List<RecordBatch> batches = TestBatches.batchesOf(log.read(next, end, 64 * 1024, true));
                for (RecordBatch batch : batches) {
                    assertThat(batch.baseOffset()).isEqualTo(next);
                    batchStarts.add(next);
                    for (Record record : dev.sluice.api.record.RecordBatches.records(batch,
                            dev.sluice.api.compression.CompressionCodecs.installed())) {
                        assertThat(TestBatches.valueOf(record)).isEqualTo("v" + record.offset());
                        assertThat(record.timestamp()).isEqualTo(1_000_000 + record.offset());
                    }
                    next = batch.nextOffset();
                }
            }
            assertThat(next).as("log ends at a batch boundary").isEqualTo(end);
            for (int i = 0; i < batchStarts.size(); i += 37) {
                long offset = batchStarts.get(i);
                assertThat(TestBatches.baseOffsetsOf(log.read(offset, end, 1, true))).containsExactly(offset);
                assertThat(log.offsetForTimestamp(1_000_000 + offset)).contains(new TimestampOffset(1_000_000 + offset, offset));
            }
            assertThat(log.maxTimestamp()).contains(new TimestampOffset(1_000_000 + end - 1, end - 1));
        } finally {
            engine.close();
        }
        // the child must recover: leave the directory as a crash would have
        try {
            Files.deleteIfExists(dir.resolve("log").resolve(FileLogStorageEngine.CLEAN_SHUTDOWN_FILE));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /**
     * Surefire runs this module on the module path with the test classes patched in; the child
     * simply puts all of it on the class path: modules, class path and the test classes.
     */
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
