package dev.sluice.broker.replica;

import dev.sluice.api.Time;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.StorageEngines;
import dev.sluice.broker.topic.TopicDefaults;
import dev.sluice.broker.topic.FileTopicRegistry;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replica manager on one broker with a simulated in-sync follower (replica 1): acks=all waits
 * for the follower's position, delayed fetches wake on high-watermark moves. Timeouts run on a
 * manual clock, so nothing sleeps.
 */
class ReplicaManagerTest {
    private static final int FOLLOWER = 1;
    private static final long LONG_WAIT_MS = 600_000;

    @TempDir
    Path dir;
    private PartitionManager partitions;
    private ReplicaManager replicas;
    private final TopicPartition tp = new TopicPartition("t", 0);
    private Partition partition;
    private final ManualClock clock = new ManualClock();

    @BeforeEach
    void setUp() {
        StorageEngines engines = new StorageEngines(dir, "file", Map.of(), Time.SYSTEM).openDefault();
        partitions = new PartitionManager(engines, new FileTopicRegistry(dir), new TopicDefaults(LogConfig.DEFAULT,
                TimestampType.CREATE_TIME, 1_000_000, 1, (short) 1, false, "delete", "file", Long.MAX_VALUE,
                Long.MAX_VALUE), Time.SYSTEM, 1000);
        partitions.startup();
        replicas = new ReplicaManager(0, partitions, clock);
        partitions.createTopic("t", 1, (short) 1, Map.of(), false);
        partition = partitions.partition(tp).orElseThrow();
    }

    @AfterEach
    void tearDown() {
        replicas.close();
        partitions.close();
    }

    private static ByteBuffer batch(int records) {
        RecordBatchBuilder builder = new RecordBatchBuilder(null);
        for (int i = 0; i < records; i++) {
            builder.append(1000 + i, null, new byte[]{(byte) i});
        }
        return builder.build();
    }

    private AtomicReference<List<ProducePartitionResult>> produce(short acks, int records) {
        return produce(acks, records, LONG_WAIT_MS);
    }

    private AtomicReference<List<ProducePartitionResult>> produce(short acks, int records, long timeoutMs) {
        AtomicReference<List<ProducePartitionResult>> answer = new AtomicReference<>();
        replicas.appendRecords(acks, timeoutMs, List.of(new ProduceTarget(tp, batch(records))), answer::set);
        return answer;
    }

    private AtomicReference<List<FetchPartitionResult>> fetch(int replicaId, long offset, int minBytes, long maxWaitMs) {
        AtomicReference<List<FetchPartitionResult>> answer = new AtomicReference<>();
        replicas.fetchMessages(new FetchParams(replicaId, maxWaitMs, minBytes, Integer.MAX_VALUE),
                List.of(new FetchTarget(tp, offset, Integer.MAX_VALUE, -1)), answer::set);
        return answer;
    }

    @Test
    void withOneReplicaAcksAllAnswersAtOnce() {
        List<ProducePartitionResult> answer = produce((short) -1, 3).get();
        assertThat(answer).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.NONE);
            assertThat(r.baseOffset()).isZero();
        });
        assertThat(partition.highWatermark()).isEqualTo(3);
    }

    @Test
    void acksAllCompletesWhenTheInSyncFollowerPassesTheBatch() {
        partition.assignReplicas(Set.of(FOLLOWER), Set.of(FOLLOWER));
        AtomicReference<List<ProducePartitionResult>> answer = produce((short) -1, 3);
        assertThat(answer.get()).as("waits for the follower").isNull();
        assertThat(partition.highWatermark()).isZero();
        assertThat(partition.logEndOffset()).isEqualTo(3);

        fetch(FOLLOWER, 2, 0, 0); // the follower has offsets 0-1: not enough
        assertThat(partition.highWatermark()).isEqualTo(2);
        assertThat(answer.get()).isNull();

        fetch(FOLLOWER, 3, 0, 0);
        assertThat(partition.highWatermark()).isEqualTo(3);
        assertThat(answer.get()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.NONE);
            assertThat(r.baseOffset()).isZero();
        });
    }

    @Test
    void acksAllTimesOutWhenTheFollowerDoesNotCatchUp() {
        partition.assignReplicas(Set.of(FOLLOWER), Set.of(FOLLOWER));
        AtomicReference<List<ProducePartitionResult>> answer = produce((short) -1, 2, 30_000);
        fetch(FOLLOWER, 1, 0, 0);
        clock.advance(29_999);
        assertThat(answer.get()).as("still within the request's TimeoutMs").isNull();
        clock.advance(1);
        assertThat(answer.get()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.REQUEST_TIMED_OUT);
            assertThat(r.baseOffset()).isZero();
        });
    }

    @Test
    void acksOneDoesNotWaitForFollowers() {
        partition.assignReplicas(Set.of(FOLLOWER), Set.of(FOLLOWER));
        assertThat(produce((short) 1, 1).get()).singleElement()
                .satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
        assertThat(partition.highWatermark()).isZero();
    }

    @Test
    void invalidAcksAreRefusedWithoutAppending() {
        assertThat(produce((short) 2, 1).get()).singleElement()
                .satisfies(r -> assertThat(r.error()).isEqualTo(Errors.INVALID_REQUIRED_ACKS));
        assertThat(partition.logEndOffset()).isZero();
    }

    @Test
    void aFollowerOutsideTheInSyncSetDoesNotHoldTheHighWatermark() {
        partition.assignReplicas(Set.of(FOLLOWER), Set.of());
        produce((short) 1, 2);
        assertThat(partition.highWatermark()).isEqualTo(2);
    }

    @Test
    void consumerFetchWaitsForTheHighWatermarkNotTheLogEnd() {
        partition.assignReplicas(Set.of(FOLLOWER), Set.of(FOLLOWER));
        AtomicReference<List<FetchPartitionResult>> consumer = fetch(-1, 0, 1, LONG_WAIT_MS);
        assertThat(consumer.get()).isNull();
        produce((short) 1, 2);
        assertThat(consumer.get()).as("appended but not committed").isNull();

        fetch(FOLLOWER, 2, 0, 0); // the follower has everything: the high watermark moves to 2
        assertThat(consumer.get()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.NONE);
            assertThat(r.highWatermark()).isEqualTo(2);
            assertThat(r.records().sizeInBytes()).isPositive();
        });
    }

    @Test
    void followerFetchReadsUpToTheLogEndAndWakesOnAppend() {
        partition.assignReplicas(Set.of(FOLLOWER), Set.of(FOLLOWER));
        AtomicReference<List<FetchPartitionResult>> follower = fetch(FOLLOWER, 0, 1, LONG_WAIT_MS);
        assertThat(follower.get()).isNull();
        produce((short) 1, 2);
        assertThat(follower.get()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.NONE);
            assertThat(r.highWatermark()).isZero();
            assertThat(r.records().sizeInBytes()).isPositive();
        });
    }

    @Test
    void delayedFetchAnswersWithWhatThereIsAtExpiry() {
        AtomicReference<List<FetchPartitionResult>> consumer = fetch(-1, 0, 1, 500);
        clock.advance(499);
        assertThat(consumer.get()).as("still within MaxWaitMs").isNull();
        clock.advance(1);
        assertThat(consumer.get()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.NONE);
            assertThat(r.records().sizeInBytes()).isZero();
        });
    }

    @Test
    void unknownPartitionsAnswerUnknownTopicOrPartition() {
        AtomicReference<List<ProducePartitionResult>> answer = new AtomicReference<>();
        replicas.appendRecords((short) 1, 1000, List.of(new ProduceTarget(new TopicPartition("t", 7), batch(1)),
                new ProduceTarget(null, batch(1))), answer::set);
        assertThat(answer.get()).extracting(ProducePartitionResult::error)
                .containsExactly(Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION);
    }

    private AtomicReference<List<FetchPartitionResult>> fetchWithEpoch(int replicaId, int currentLeaderEpoch) {
        AtomicReference<List<FetchPartitionResult>> answer = new AtomicReference<>();
        replicas.fetchMessages(new FetchParams(replicaId, 0, 0, Integer.MAX_VALUE),
                List.of(new FetchTarget(tp, 0, Integer.MAX_VALUE, currentLeaderEpoch)), answer::set);
        return answer;
    }

    @Test
    void aFollowerPartitionRefusesProduceAndFetchNamingTheLeader() {
        partition.becomeFollower(2, 7);
        assertThat(partition.role()).isEqualTo(new dev.sluice.broker.partition.PartitionRole.Follower(2, 7));
        assertThat(produce((short) 1, 1).get()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(r.currentLeader()).isEqualTo(new LeaderHint(2, 7));
        });
        assertThat(partition.logEndOffset()).isZero();
        assertThat(fetch(-1, 0, 0, 0).get()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(r.currentLeader()).isEqualTo(new LeaderHint(2, 7));
        });
    }

    @Test
    void becomingLeaderAgainStampsTheNewEpoch() {
        partition.becomeFollower(2, 7);
        partition.becomeLeader(8, Set.of(), Set.of());
        assertThat(produce((short) 1, 1).get()).singleElement()
                .satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
        assertThat(partition.leaderEpoch()).isEqualTo(8);
        assertThat(partition.log().epochs()).last().satisfies(e -> assertThat(e.epoch()).isEqualTo(8));
    }

    @Test
    void staleAndFutureLeaderEpochsAreFencedOrUnknown() {
        partition.becomeLeader(5, Set.of(), Set.of());
        assertThat(fetchWithEpoch(-1, 4).get().get(0).error()).isEqualTo(Errors.FENCED_LEADER_EPOCH);
        assertThat(fetchWithEpoch(-1, 6).get().get(0).error()).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(fetchWithEpoch(-1, 5).get().get(0).error()).isEqualTo(Errors.NONE);
        assertThat(fetchWithEpoch(-1, -1).get().get(0).error()).isEqualTo(Errors.NONE);
    }

    @Test
    void onlyAReplicaOfThePartitionMayFetchAsAFollower() {
        partition.becomeLeader(3, Set.of(FOLLOWER), Set.of(FOLLOWER));
        assertThat(fetchWithEpoch(FOLLOWER, 3).get().get(0).error()).isEqualTo(Errors.NONE);
        // as Kafka: a request naming the current epoch may come from a replica we do not know yet
        assertThat(fetchWithEpoch(9, 3).get().get(0).error()).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH);
        assertThat(fetchWithEpoch(9, -1).get().get(0).error()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void anOfflinePartitionAnswersStorageErrors() {
        partition.markOffline();
        assertThat(produce((short) 1, 1).get().get(0).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(fetch(-1, 0, 0, 0).get().get(0).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
    }

    @Test
    void aWaitingAcksAllProduceAnswersNotLeaderWhenLeadershipMoves() {
        partition.assignReplicas(Set.of(FOLLOWER), Set.of(FOLLOWER));
        AtomicReference<List<ProducePartitionResult>> answer = produce((short) -1, 1);
        assertThat(answer.get()).isNull();
        partition.becomeFollower(FOLLOWER, 1); // wakes the waiter: it answers at once
        assertThat(answer.get()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(r.currentLeader()).isEqualTo(new LeaderHint(FOLLOWER, 1));
        });
    }

    @Test
    void aDelayedFetchComparesPositionsAndReadsOnceMoreOnlyToComplete() {
        partition.assignReplicas(Set.of(FOLLOWER), Set.of(FOLLOWER));
        AtomicReference<List<FetchPartitionResult>> answer = new AtomicReference<>();
        DelayedFetch fetch = replicas.delayedFetch(new FetchParams(-1, LONG_WAIT_MS, 1, Integer.MAX_VALUE),
                List.of(new FetchTarget(tp, 0, Integer.MAX_VALUE, -1)), new Partition[]{partition}, answer::set);
        assertThat(fetch.tryComplete()).isFalse();
        assertThat(fetch.reads()).isEqualTo(1);

        produce((short) 1, 2); // appended, not committed: a consumer's position did not move
        assertThat(fetch.tryComplete()).isFalse();
        assertThat(fetch.reads()).as("no read while not enough bytes").isEqualTo(1);

        fetch(FOLLOWER, 2, 0, 0); // the high watermark passes the batch
        assertThat(fetch.tryComplete()).isTrue();
        assertThat(fetch.reads()).as("read once on completion").isEqualTo(2);
        assertThat(answer.get()).singleElement().satisfies(r -> {
            assertThat(r.highWatermark()).isEqualTo(2);
            assertThat(r.records().sizeInBytes()).isPositive();
        });
    }

    @Test
    void aDelayedFetchCountsOnlyWhatItsPartitionLimitAllows() {
        AtomicReference<List<FetchPartitionResult>> answer = new AtomicReference<>();
        DelayedFetch fetch = replicas.delayedFetch(new FetchParams(-1, LONG_WAIT_MS, 1_000_000, Integer.MAX_VALUE),
                List.of(new FetchTarget(tp, 0, 10, -1)), new Partition[]{partition}, answer::set);
        assertThat(fetch.tryComplete()).isFalse();
        produce((short) 1, 50);
        assertThat(fetch.tryComplete()).as("at most 10 bytes count for this partition").isFalse();
        assertThat(fetch.reads()).isEqualTo(1);
        fetch.onExpire();
        assertThat(answer.get()).singleElement().satisfies(r -> assertThat(r.records().sizeInBytes()).isPositive());
    }
}
