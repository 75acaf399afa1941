package dev.sluice.storage.file;

import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * #19.9: loading a log drops the epoch entries at or past its end (Kafka's rule) and the leader
 * adds its epoch back, so every start rewrote and fsynced an empty partition's unchanged
 * {@code leader-epoch-checkpoint} twice. Now the file is written only when its content changes.
 * A write goes to a temporary file renamed over the old one, so an unchanged file key (inode)
 * means the file was not rewritten.
 */
class EpochCheckpointAtStartupTest {
    private static final TopicPartition TP = new TopicPartition("epochs", 0);

    @TempDir
    Path dir;
    final ManualTime time = new ManualTime();

    private LogStorageEngine openEngine() {
        return FileStorageContractTest.openFileEngine(dir, time);
    }

    private Path checkpoint() {
        return dir.resolve(TP.dirName()).resolve("leader-epoch-checkpoint");
    }

    private Object fileKey() throws IOException {
        return Files.readAttributes(checkpoint(), BasicFileAttributes.class).fileKey();
    }

    private List<String> fileEntries() throws IOException {
        List<String> lines = Files.readAllLines(checkpoint());
        return lines.subList(2, lines.size()); // after the version and count lines
    }

    private void emptyPartitionLedInEpoch(int epoch) {
        try (LogStorageEngine engine = openEngine()) {
            engine.open(TP, LogConfig.DEFAULT).assignEpochStartOffset(epoch, 0);
        }
    }

    @Test
    void anEmptyPartitionWhoseLeaderAddsTheSameEpochBackKeepsItsFile() throws IOException {
        emptyPartitionLedInEpoch(5);
        Object before = fileKey();
        try (LogStorageEngine engine = openEngine()) {
            LogStorage log = engine.open(TP, LogConfig.DEFAULT);
            assertThat(log.epochs()).as("at the log end: dropped on load, as Kafka does").isEmpty();
            log.assignEpochStartOffset(5, log.logEndOffset()); // what Partition does at start-up
            assertThat(log.epochs()).containsExactly(new EpochEntry(5, 0));
        }
        assertThat(fileKey()).as("not rewritten").isEqualTo(before);
        assertThat(fileEntries()).containsExactly("5 0");
    }

    @Test
    void aNewerEpochIsWritten() throws IOException {
        emptyPartitionLedInEpoch(5);
        try (LogStorageEngine engine = openEngine()) {
            engine.open(TP, LogConfig.DEFAULT).assignEpochStartOffset(6, 0);
        }
        assertThat(fileEntries()).containsExactly("6 0");
        try (LogStorageEngine engine = openEngine()) {
            assertThat(engine.open(TP, LogConfig.DEFAULT).epochs()).isEmpty(); // still at the log end
        }
    }

    @Test
    void anEntryDroppedOnLoadLeavesTheFileBeforeTheLogGrowsPastIt() throws IOException {
        emptyPartitionLedInEpoch(5);
        try (LogStorageEngine engine = openEngine()) {
            LogStorage log = engine.open(TP, LogConfig.DEFAULT);
            log.append(batch("no-epoch", time.milliseconds(), time.milliseconds())); // carries no leader epoch
        }
        assertThat(fileEntries()).as("(5, 0) would now lie inside the log").isEmpty();
        try (LogStorageEngine engine = openEngine()) {
            assertThat(engine.open(TP, LogConfig.DEFAULT).epochs()).isEmpty();
        }
    }

    @Test
    void aLogRestartedPastADroppedEntryForgetsIt() throws IOException {
        emptyPartitionLedInEpoch(5);
        try (LogStorageEngine engine = openEngine()) {
            engine.open(TP, LogConfig.DEFAULT).truncateFullyAndStartAt(10);
        }
        assertThat(fileEntries()).isEmpty();
        try (LogStorageEngine engine = openEngine()) {
            LogStorage log = engine.open(TP, LogConfig.DEFAULT);
            assertThat(log.logStartOffset()).isEqualTo(10);
            assertThat(log.epochs()).isEmpty();
        }
    }

    @Test
    void aLogWithDataKeepsItsFileWhenTheLatestEpochAppendsAgain() throws IOException {
        try (LogStorageEngine engine = openEngine()) {
            LogStorage log = engine.open(TP, LogConfig.DEFAULT);
            log.append(batch(3, 0, "a", time.milliseconds(), time.milliseconds()));
            log.assignEpochStartOffset(5, log.logEndOffset()); // a new leader, nothing appended yet
        }
        assertThat(fileEntries()).containsExactly("3 0", "5 2");
        Object before = fileKey();
        try (LogStorageEngine engine = openEngine()) {
            LogStorage log = engine.open(TP, LogConfig.DEFAULT);
            assertThat(log.epochs()).containsExactly(new EpochEntry(3, 0));
            log.assignEpochStartOffset(5, log.logEndOffset());
            log.append(batch(5, 0, "b", time.milliseconds()));
            assertThat(log.epochs()).containsExactly(new EpochEntry(3, 0), new EpochEntry(5, 2));
        }
        assertThat(fileKey()).isEqualTo(before);
        assertThat(fileEntries()).containsExactly("3 0", "5 2");
    }
}
