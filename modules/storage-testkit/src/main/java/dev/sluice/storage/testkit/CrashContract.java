package dev.sluice.storage.testkit;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TimestampOffset;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real crash, for any backend: a child JVM ({@link CrashingAppender}) appends in a loop and is
 * killed with SIGKILL mid-append, twice (the second round appends to the recovered log). Every
 * append the child acknowledged must be readable afterwards, each record intact, the log ending at
 * a batch boundary, with working offset and time lookups and the leader-epoch history.
 */
public abstract class CrashContract {
    private static final int ACKS_BEFORE_KILL = 1500;

    @TempDir
    protected Path dir;

    /** The provider name the child opens through ServiceLoader. */
    protected abstract String providerName();

    /** Engine settings for the child and for reopening. */
    protected Map<String, String> settings() {
        return Map.of();
    }

    /** Extra JVM flags the child needs (e.g. --add-opens for a native binding). */
    protected List<String> childJvmFlags() {
        return List.of();
    }

    /** Largest random padding per record: how fast the child grows the log. */
    protected int maxPaddingBytes() {
        return 400;
    }

    protected int segmentBytes() {
        return 16 * 1024;
    }

    /** Backend-specific checks right after reopening a crashed log (e.g. it knows it crashed). */
    protected void checkAfterCrash(LogStorageEngine engine) {
    }

    /** Leaves the directory as a crash would have, after the verifying reopen closed it cleanly. */
    protected void markCrashed(Path logDir) throws IOException {
    }

    @Test
    void everyAcknowledgedAppendSurvivesKillDashNine() throws Exception {
        long acked = -1;
        for (int round = 0; round < 2; round++) {
            long lastAcked = runAndKill(round);
            assertThat(lastAcked).isGreaterThan(acked);
            acked = lastAcked;
            verify(acked);
        }
    }

    private long runAndKill(int round) throws IOException, InterruptedException {
        Path stderr = dir.resolve("child-" + round + ".err");
        List<String> command = new ArrayList<>(List.of(javaCommand(), "-cp", childClassPath(), "-Xmx128m"));
        command.addAll(childJvmFlags());
        command.addAll(List.of(CrashingAppender.class.getName(), providerName(), dir.resolve("log").toString(),
                String.valueOf(round), String.valueOf(maxPaddingBytes()), String.valueOf(segmentBytes())));
        settings().forEach((k, v) -> command.add(k + "=" + v));
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
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

    private void verify(long lastAcked) throws IOException {
        Path logDir = dir.resolve("log");
        try (LogStorageEngine engine = LogStorageProviders.byName(providerName()).open(logDir, settings(), new ManualTime())) {
            checkAfterCrash(engine);
            LogStorage log = engine.open(CrashingAppender.TP, CrashingAppender.config(segmentBytes()));
            long end = log.logEndOffset();
            assertThat(end).isGreaterThan(lastAcked);

            long next = 0;
            long bytes = 0;
            List<Long> batchStarts = new ArrayList<>();
            while (next < end) {
                // batchesOf validates each batch: size, magic and CRC
                for (RecordBatch batch : TestBatches.batchesOf(log.read(next, end, 64 * 1024, true))) {
                    assertThat(batch.baseOffset()).isEqualTo(next);
                    batchStarts.add(next);
                    for (Record record : RecordBatches.records(batch, CompressionCodecs.installed())) {
                        assertThat(TestBatches.valueOf(record)).isEqualTo("v" + record.offset());
                        assertThat(record.timestamp()).isEqualTo(1_000_000 + record.offset());
                    }
                    bytes += batch.sizeInBytes();
                    next = batch.nextOffset();
                }
            }
            assertThat(next).as("log ends at a batch boundary").isEqualTo(end);
            assertThat(log.sizeInBytes()).as("the log's size matches its batches").isEqualTo(bytes);
            for (int i = 0; i < batchStarts.size(); i += 37) {
                long offset = batchStarts.get(i);
                assertThat(TestBatches.baseOffsetsOf(log.read(offset, end, 1, true))).containsExactly(offset);
                assertThat(log.offsetForTimestamp(1_000_000 + offset)).contains(new TimestampOffset(1_000_000 + offset, offset));
            }
            assertThat(log.maxTimestamp()).contains(new TimestampOffset(1_000_000 + end - 1, end - 1));
            // the child stamps epoch offset/500 on each batch: an epoch starts at its first batch
            assertThat(log.epochs()).isNotEmpty().allSatisfy(e -> assertThat(e.startOffset() / 500).isEqualTo(e.epoch()));
        }
        markCrashed(logDir);
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** Surefire runs the backend on the module path with tests patched in; the child takes it all on the class path. */
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
