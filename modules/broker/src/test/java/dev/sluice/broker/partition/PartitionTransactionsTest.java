package dev.sluice.broker.partition;

import dev.sluice.api.Time;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.producer.ProducerSummary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactions in a partition's producer state, on both storage backends: transactional batches
 * open a transaction, markers from WriteTxnMarkers end it, the last stable offset follows, aborts
 * land in the aborted-transaction index, Kafka's fencing rules, and all of it rebuilt after a
 * restart (clean, or with the snapshots and the index entry lost as a kill -9 may leave them) and
 * on a follower from the replicated batches, markers included.
 */
class PartitionTransactionsTest {
    private static final PartitionSettings SETTINGS = new PartitionSettings(TimestampType.CREATE_TIME, 1 << 20);
    private static final TopicPartition TP = new TopicPartition("t", 0);

    @TempDir
    Path dir;
    String backend;
    LogStorageEngine engine;
    Partition partition;
    final List<AutoCloseable> others = new ArrayList<>();

    private Partition start(String backendName) {
        backend = backendName;
        engine = LogStorageProviders.byName(backend).open(dir.resolve("logs"), Map.of(), Time.SYSTEM);
        partition = new Partition(engine.open(TP, LogConfig.DEFAULT), SETTINGS, 0, -1, dir.resolve("snapshots"), Time.SYSTEM);
        return partition;
    }

    private Partition restart() {
        partition.close();
        engine.close();
        return start(backend);
    }

    @AfterEach
    void close() throws Exception {
        if (partition != null) {
            partition.close();
        }
        if (engine != null) {
            engine.close();
        }
        for (AutoCloseable c : others) {
            c.close();
        }
    }

    static ByteBuffer txnBatch(long producerId, int epoch, int baseSequence, int count) {
        return batch(producerId, epoch, baseSequence, count, true);
    }

    static ByteBuffer batch(long producerId, int epoch, int baseSequence, int count, boolean transactional) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null).producer(producerId, (short) epoch, baseSequence)
                .transactional(transactional);
        for (int i = 0; i < count; i++) {
            builder.append(System.currentTimeMillis(), null, ("v" + i).getBytes());
        }
        return builder.build();
    }

    private static AppendOutcome.Appended appended(AppendOutcome outcome) {
        assertThat(outcome).isInstanceOf(AppendOutcome.Appended.class);
        return (AppendOutcome.Appended) outcome;
    }

    private static AppendError rejected(AppendOutcome outcome) {
        assertThat(outcome).isInstanceOf(AppendOutcome.Rejected.class);
        return ((AppendOutcome.Rejected) outcome).error();
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void anOpenTransactionHoldsTheLastStableOffsetUntilItsMarker(String backendName) {
        start(backendName);
        partition.appendAsLeader(batch(-1, -1, -1, 2, false)); // 0..1, plain
        long first = appended(partition.appendAsLeader(txnBatch(7, 0, 0, 3))).firstOffset(); // 2..4
        appended(partition.appendAsLeader(batch(-1, -1, -1, 1, false))); // 5

        assertThat(first).isEqualTo(2);
        assertThat(partition.highWatermark()).isEqualTo(6);
        assertThat(partition.lastStableOffset()).isEqualTo(2);
        FetchedData committed = partition.read(0, 1 << 20, FetchIsolation.TXN_COMMITTED, true);
        assertThat(committed.lastStableOffset()).isEqualTo(2);
        assertThat(lastOffsetOf(committed)).isEqualTo(1); // stops before the open transaction
        assertThat(committed.abortedTransactions()).isEmpty();
        assertThat(partition.read(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true).abortedTransactions()).isNull();

        AppendOutcome.Appended marker = appended(partition.appendTxnMarker(7, (short) 0, 0, true)); // 6

        assertThat(marker.firstOffset()).isEqualTo(6);
        assertThat(partition.lastStableOffset()).isEqualTo(7);
        assertThat(partition.log().abortedTransactions(0, 7)).isEmpty(); // a commit is not indexed
        FetchedData all = partition.read(0, 1 << 20, FetchIsolation.TXN_COMMITTED, true);
        assertThat(lastOffsetOf(all)).isEqualTo(6);
        RecordBatch last = lastBatchOf(all);
        assertThat(last.isControl()).isTrue();
        assertThat(last.isTransactional()).isTrue();
        assertThat(last.producerId()).isEqualTo(7);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void anAbortIsIndexedWithTheLastStableOffsetOfTheTransactionsStillOpen(String backendName) {
        start(backendName);
        appended(partition.appendAsLeader(txnBatch(7, 0, 0, 2))); // 0..1
        appended(partition.appendAsLeader(txnBatch(8, 0, 0, 2))); // 2..3
        assertThat(partition.lastStableOffset()).isEqualTo(0);

        appended(partition.appendTxnMarker(7, (short) 0, 0, false)); // 4: abort 7, 8 still open from 2

        assertThat(partition.lastStableOffset()).isEqualTo(2);
        assertThat(partition.log().abortedTransactions(0, 5)).containsExactly(new AbortedTxn(7, 0, 4, 2));
        FetchedData read = partition.read(0, 1 << 20, FetchIsolation.TXN_COMMITTED, true);
        assertThat(read.abortedTransactions()).containsExactly(new AbortedTxn(7, 0, 4, 2));
        assertThat(lastOffsetOf(read)).isEqualTo(1);

        appended(partition.appendTxnMarker(8, (short) 0, 0, false)); // 5
        assertThat(partition.lastStableOffset()).isEqualTo(6);
        assertThat(partition.read(3, 1 << 20, FetchIsolation.TXN_COMMITTED, true).abortedTransactions())
                .containsExactly(new AbortedTxn(7, 0, 4, 2), new AbortedTxn(8, 2, 5, 6));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void kafkasFencingRules(String backendName) {
        start(backendName);
        appended(partition.appendAsLeader(txnBatch(7, 1, 0, 2)));

        // a plain batch while the transaction is open
        assertThat(rejected(partition.appendAsLeader(batch(7, 1, 2, 1, false)))).isEqualTo(AppendError.INVALID_TXN_STATE);
        // an older producer epoch (a zombie)
        assertThat(rejected(partition.appendAsLeader(txnBatch(7, 0, 0, 1)))).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
        assertThat(rejected(partition.appendTxnMarker(7, (short) 0, 3, true))).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);

        // the coordinator (epoch 3) aborts with a bumped producer epoch: the producer is fenced
        appended(partition.appendTxnMarker(7, (short) 2, 3, false));
        assertThat(rejected(partition.appendAsLeader(txnBatch(7, 1, 2, 1)))).isEqualTo(AppendError.INVALID_PRODUCER_EPOCH);
        // a marker from an older coordinator is refused
        assertThat(rejected(partition.appendTxnMarker(7, (short) 2, 2, true)))
                .isEqualTo(AppendError.TRANSACTION_COORDINATOR_FENCED);
        // the new epoch starts at sequence 0
        assertThat(rejected(partition.appendAsLeader(txnBatch(7, 2, 5, 1)))).isEqualTo(AppendError.OUT_OF_ORDER_SEQUENCE_NUMBER);
        appended(partition.appendAsLeader(txnBatch(7, 2, 0, 1)));
        assertThat(partition.producers()).extracting(ProducerSummary::producerEpoch, ProducerSummary::coordinatorEpoch,
                ProducerSummary::lastSequence).containsExactly(org.assertj.core.groups.Tuple.tuple(2, 3, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void clientsCannotWriteControlBatches(String backendName) {
        start(backendName);
        ByteBuffer marker = dev.sluice.api.record.EndTxnMarker.batch(7, (short) 0, 0, true, System.currentTimeMillis());
        assertThat(rejected(partition.appendAsLeader(marker))).isEqualTo(AppendError.INVALID_RECORD);
        assertThat(rejected(partition.appendAsLeader(batch(-1, -1, -1, 1, true)))).isEqualTo(AppendError.INVALID_RECORD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void openTransactionsAndAbortsSurviveACleanRestart(String backendName) {
        start(backendName);
        appended(partition.appendAsLeader(txnBatch(7, 0, 0, 2))); // 0..1
        appended(partition.appendTxnMarker(7, (short) 0, 0, false)); // 2
        appended(partition.appendAsLeader(txnBatch(8, 0, 0, 2))); // 3..4

        restart();

        assertThat(partition.lastStableOffset()).isEqualTo(3);
        assertThat(partition.log().abortedTransactions(0, 5)).containsExactly(new AbortedTxn(7, 0, 2, 3));
        appended(partition.appendTxnMarker(8, (short) 0, 0, true)); // 5
        assertThat(partition.lastStableOffset()).isEqualTo(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void afterACrashTheStateIsRebuiltFromTheLogAndALostIndexEntryAddedAgain(String backendName) throws IOException {
        start(backendName);
        appended(partition.appendAsLeader(txnBatch(7, 0, 0, 2))); // 0..1
        appended(partition.appendAsLeader(txnBatch(8, 0, 0, 1))); // 2
        appended(partition.appendTxnMarker(7, (short) 0, 0, false)); // 3
        partition.close();
        engine.close();
        partition = null;
        // as a kill -9 between the marker's append and its index entry, with no snapshot written:
        deleteRecursively(dir.resolve("snapshots"));
        if (backendName.equals("file")) {
            try (Stream<Path> files = Files.list(dir.resolve("logs").resolve("t-0"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".txnindex")).toList()) {
                    Files.delete(f);
                }
            }
        }

        start(backendName);

        assertThat(partition.lastStableOffset()).isEqualTo(2); // producer 8 still open
        assertThat(partition.log().abortedTransactions(0, 4)).containsExactly(new AbortedTxn(7, 0, 3, 2));
        assertThat(partition.producers()).extracting(ProducerSummary::producerId, ProducerSummary::currentTxnStartOffset)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(7L, -1L), org.assertj.core.groups.Tuple.tuple(8L, 2L));
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void aFollowerBuildsTheSameStateFromTheReplicatedBatchesAndLosesItWithTruncation(String backendName) throws IOException {
        start(backendName);
        appended(partition.appendAsLeader(txnBatch(7, 0, 0, 2))); // 0..1
        appended(partition.appendAsLeader(txnBatch(8, 0, 0, 1))); // 2
        appended(partition.appendTxnMarker(7, (short) 0, 4, false)); // 3
        ByteBuffer replicated = partition.log().read(0, partition.logEndOffset(), 1 << 20, true).toBuffer();

        LogStorageEngine followerEngine = LogStorageProviders.byName(backendName).open(dir.resolve("follower"), Map.of(), Time.SYSTEM);
        Partition follower = new Partition(followerEngine.open(TP, LogConfig.DEFAULT), SETTINGS, 0, -1,
                dir.resolve("follower-snapshots"), Time.SYSTEM, false);
        others.add(followerEngine);
        others.add(0, follower);

        follower.follower().append(replicated);
        follower.follower().updateHighWatermark(partition.highWatermark());

        assertThat(follower.lastStableOffset()).isEqualTo(partition.lastStableOffset()).isEqualTo(2);
        assertThat(follower.log().abortedTransactions(0, 4)).isEqualTo(partition.log().abortedTransactions(0, 4));
        assertThat(follower.producers()).extracting(ProducerSummary::producerId, ProducerSummary::coordinatorEpoch)
                .contains(org.assertj.core.groups.Tuple.tuple(7L, 4));

        follower.follower().truncateTo(3); // the abort marker goes: producer 7's transaction is open again

        assertThat(follower.log().abortedTransactions(0, 4)).isEmpty();
        assertThat(follower.producers()).extracting(ProducerSummary::producerId, ProducerSummary::currentTxnStartOffset)
                .contains(org.assertj.core.groups.Tuple.tuple(7L, 0L));
        assertThat(follower.lastStableOffset()).isEqualTo(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"file", "lmdb"})
    void aCompletedTransactionHoldsTheLastStableOffsetUntilItsMarkerIsReplicated(String backendName) {
        start(backendName);
        partition.becomeLeader(1, java.util.Set.of(2), java.util.Set.of(2));
        appended(partition.appendAsLeader(txnBatch(7, 0, 0, 2))); // 0..1
        appended(partition.appendTxnMarker(7, (short) 0, 0, true)); // 2
        assertThat(partition.highWatermark()).isEqualTo(0);
        assertThat(partition.lastStableOffset()).isEqualTo(0);

        partition.updateFollowerFetchState(2, 2); // the follower has the records, not the marker
        assertThat(partition.highWatermark()).isEqualTo(2);
        assertThat(partition.lastStableOffset()).isEqualTo(0);

        partition.updateFollowerFetchState(2, 3);
        assertThat(partition.lastStableOffset()).isEqualTo(3);
    }

    private static List<RecordBatch> batchesOf(FetchedData data) {
        try {
            ByteBuffer bytes = data.records().toBuffer();
            List<RecordBatch> batches = new ArrayList<>();
            for (int at = 0; at < bytes.limit(); ) {
                RecordBatch b = new RecordBatch(bytes, at);
                batches.add(b);
                at += b.sizeInBytes();
            }
            return batches;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static RecordBatch lastBatchOf(FetchedData data) {
        List<RecordBatch> batches = batchesOf(data);
        return batches.get(batches.size() - 1);
    }

    private static long lastOffsetOf(FetchedData data) {
        return lastBatchOf(data).lastOffset();
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
