package dev.sluice.storage.file;

import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.storage.testkit.ManualTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.sluice.storage.testkit.TestBatches.batch;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code .txnindex} files on disk: Kafka's entry layout, torn entries, recovery cutting a marker. */
class TransactionIndexFileTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    private static final LogConfig CONFIG = LogConfig.DEFAULT.withRetentionMs(-1);

    @TempDir
    Path dir;
    final ManualTime time = new ManualTime();
    FileLogStorageEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private LogStorage open(boolean clean) throws IOException {
        if (!clean) {
            Files.deleteIfExists(dir.resolve(FileLogStorageEngine.CLEAN_SHUTDOWN_FILE));
        }
        engine = new FileLogStorageEngine(dir, time);
        return engine.open(TP, CONFIG);
    }

    private void closeEngine() {
        engine.close();
        engine = null;
    }

    private Path txnIndex() {
        return dir.resolve("t-0").resolve(String.format("%020d", 0) + ".txnindex");
    }

    private static void appendRecords(LogStorage log, int count) {
        for (int i = 0; i < count; i++) {
            log.append(batch("r", 1000 + i));
        }
    }

    @Test
    void entriesAreKafkasThirtyFourByteLayoutAndOnlySegmentsWithAbortsHaveTheFile() throws IOException {
        LogStorage log = open(true);
        appendRecords(log, 6);
        assertThat(txnIndex()).doesNotExist();

        log.appendAbortedTransaction(new AbortedTxn(42, 1, 5, 6));
        closeEngine();

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(txnIndex()));
        assertThat(bytes.remaining()).isEqualTo(34);
        assertThat(bytes.getShort()).isEqualTo((short) 0);
        assertThat(bytes.getLong()).isEqualTo(42);
        assertThat(bytes.getLong()).isEqualTo(1);
        assertThat(bytes.getLong()).isEqualTo(5);
        assertThat(bytes.getLong()).isEqualTo(6);
    }

    @Test
    void aTornEntryIsCutAtLoadingAndTheWholeOnesKept() throws IOException {
        LogStorage log = open(true);
        appendRecords(log, 6);
        AbortedTxn kept = new AbortedTxn(42, 1, 5, 6);
        log.appendAbortedTransaction(kept);
        closeEngine();
        try (RandomAccessFile raf = new RandomAccessFile(txnIndex().toFile(), "rw")) {
            raf.seek(raf.length());
            raf.write(new byte[20]); // half of a second entry
        }

        LogStorage reopened = open(true);

        assertThat(reopened.abortedTransactions(0, 6)).containsExactly(kept);
        assertThat(Files.size(txnIndex())).isEqualTo(34);
    }

    @Test
    void recoveryThatCutsAMarkerDropsItsEntry() throws IOException {
        LogStorage log = open(true);
        appendRecords(log, 6);
        AbortedTxn kept = new AbortedTxn(41, 0, 2, 3);
        AbortedTxn cut = new AbortedTxn(42, 3, 5, 6);
        log.appendAbortedTransaction(kept);
        log.appendAbortedTransaction(cut);
        closeEngine();
        Path segment = dir.resolve("t-0").resolve(String.format("%020d", 0) + ".log");
        try (RandomAccessFile raf = new RandomAccessFile(segment.toFile(), "rw")) {
            raf.setLength(raf.length() - 10); // the last batch (offset 5, the marker) is torn
        }

        LogStorage recovered = open(false);

        assertThat(recovered.logEndOffset()).isEqualTo(5);
        assertThat(recovered.abortedTransactions(0, 5)).containsExactly(kept);
    }
}
