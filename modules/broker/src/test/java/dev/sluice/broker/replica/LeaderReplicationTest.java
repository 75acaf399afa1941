package dev.sluice.broker.replica;

import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.broker.partition.IsrChange;
import dev.sluice.broker.partition.IsrChangeAnswer;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.StorageEngines;
import dev.sluice.broker.topic.FileTopicRegistry;
import dev.sluice.broker.topic.TopicDefaults;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The leader side of replication on one broker (id 0) whose followers (1, 2) are fake: their
 * fetches are Fetch requests through the replica manager, the controller is a recording
 * {@link AlterPartitionSender} the test answers. Time is a manual clock (the partitions' clock and
 * the ISR check's scheduler), so every lag rule is checked to the millisecond without sleeping.
 */
class LeaderReplicationTest {
    private static final int LEADER = 0;
    private static final int F1 = 1;
    private static final int F2 = 2;
    private static final long LAG_MS = 30_000;
    private static final long LONG_WAIT_MS = 600_000;

    /** A controller the test answers: each request is kept with its future. */
    private static final class FakeController implements AlterPartitionSender {
        record Sent(IsrChange change, List<Integer> newIsr, CompletableFuture<IsrChangeAnswer> answer) {
        }

        final List<Sent> sent = new ArrayList<>();

        @Override
        public synchronized CompletableFuture<IsrChangeAnswer> send(int leaderId, IsrChange change, List<Integer> newIsr) {
            CompletableFuture<IsrChangeAnswer> answer = new CompletableFuture<>();
            sent.add(new Sent(change, newIsr, answer));
            return answer;
        }

        synchronized Sent last() {
            return sent.get(sent.size() - 1);
        }

        /** Commits the last request as the controller would: same leader epoch, partition epoch + 1. */
        void commitLast() {
            Sent s = last();
            s.answer().complete(new IsrChangeAnswer.Committed(s.change().leaderEpoch(), s.newIsr(),
                    s.change().partitionEpoch() + 1));
        }
    }

    @TempDir
    Path dir;
    private ManualClock clock;
    private final FakeController controller = new FakeController();
    private PartitionManager partitions;
    private ReplicaManager replicas;
    private final TopicPartition tp = new TopicPartition("t", 0);
    private Partition partition;

    private int opened;

    @BeforeEach
    void setUp() {
        open(1);
    }

    private void open(int minInSyncReplicas) {
        Path logDir = dir.resolve("broker-" + opened++);
        clock = new ManualClock(); // the replica manager closes its scheduler
        StorageEngines engines = new StorageEngines(logDir, "file", Map.of(), clock).openDefault();
        partitions = new PartitionManager(engines, new FileTopicRegistry(logDir), new TopicDefaults(LogConfig.DEFAULT,
                TimestampType.CREATE_TIME, 1_000_000, 1, (short) 1, false, "delete", "file", Long.MAX_VALUE,
                Long.MAX_VALUE, minInSyncReplicas, LAG_MS), clock, 1000);
        partitions.startup();
        replicas = new ReplicaManager(LEADER, partitions, clock, LAG_MS);
        replicas.alterPartitionSender(controller);
        partitions.createTopic("t", 1, (short) 1, Map.of(), false);
        partition = partitions.partition(tp).orElseThrow();
    }

    private void reopen(int minInSyncReplicas) {
        tearDown();
        open(minInSyncReplicas);
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
        AtomicReference<List<ProducePartitionResult>> answer = new AtomicReference<>();
        replicas.appendRecords(acks, LONG_WAIT_MS, List.of(new ProduceTarget(tp, batch(records))), answer::set);
        return answer;
    }

    private FetchPartitionResult followerFetch(int replicaId, long offset, int lastFetchedEpoch, long logStart) {
        AtomicReference<List<FetchPartitionResult>> answer = new AtomicReference<>();
        replicas.fetchMessages(new FetchParams(replicaId, 0, 0, Integer.MAX_VALUE),
                List.of(new FetchTarget(tp, offset, Integer.MAX_VALUE, partition.leaderEpoch(), lastFetchedEpoch, logStart)),
                answer::set);
        return answer.get().get(0);
    }

    private FetchPartitionResult followerFetch(int replicaId, long offset) {
        return followerFetch(replicaId, offset, -1, 0);
    }

    // --- Fetch from a replica ---

    @Test
    void aFollowersFetchOffsetIsItsLogEndAndMovesTheHighWatermarkAfterTheRead() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        produce((short) 1, 3);
        assertThat(partition.highWatermark()).isZero();

        FetchPartitionResult first = followerFetch(F1, 0);
        assertThat(first.records().sizeInBytes()).as("a follower reads past the high watermark").isPositive();
        assertThat(first.highWatermark()).isZero();
        assertThat(partition.highWatermark()).as("its fetch offset 0 says it has nothing yet").isZero();

        FetchPartitionResult second = followerFetch(F1, 3);
        assertThat(second.records().sizeInBytes()).isZero();
        assertThat(partition.isr().followerLogEndOffset(F1)).isEqualTo(3);
        assertThat(partition.highWatermark()).isEqualTo(3);
    }

    @Test
    void aFollowerWhoseLastFetchedEpochDivergedIsToldWhereToTruncateAndGetsNoRecords() {
        partition.becomeLeader(1, Set.of(F1), Set.of());
        produce((short) 1, 3); // epoch 1: offsets 0-2
        partition.becomeLeader(3, Set.of(F1), Set.of());
        produce((short) 1, 2); // epoch 3: offsets 3-4

        // the follower wrote offsets 3-4 in an epoch 2 this log never had
        FetchPartitionResult unknownEpoch = followerFetch(F1, 5, 2, 0);
        assertThat(unknownEpoch.error()).isEqualTo(Errors.NONE);
        assertThat(unknownEpoch.divergingEpoch()).isEqualTo(new EpochEndOffset(1, 3));
        assertThat(unknownEpoch.records().sizeInBytes()).isZero();
        assertThat(partition.isr().followerLogEndOffset(F1)).as("a diverging fetch records no position").isEqualTo(-1);

        // the follower has epoch 1 beyond where it ended here
        assertThat(followerFetch(F1, 4, 1, 0).divergingEpoch()).isEqualTo(new EpochEndOffset(1, 3));

        // at the end of epoch 1 exactly: no divergence, the follower reads epoch 3's batch
        FetchPartitionResult inLine = followerFetch(F1, 3, 1, 0);
        assertThat(inLine.divergingEpoch()).isNull();
        assertThat(inLine.records().sizeInBytes()).isPositive();
        assertThat(partition.isr().followerLogEndOffset(F1)).isEqualTo(3);
    }

    @Test
    void aFetchNamingAnEpochBeforeTheLogsHistoryAnswersOffsetOutOfRange() {
        partition.becomeLeader(4, Set.of(F1), Set.of());
        produce((short) 1, 1);
        // epoch 9 is above every epoch here: the leader cannot say where it ended
        assertThat(followerFetch(F1, 1, 9, 0).error()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE);
    }

    @Test
    void theHighWatermarkNeverMovesBack() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        produce((short) 1, 4);
        followerFetch(F1, 4);
        assertThat(partition.highWatermark()).isEqualTo(4);
        // a LeaderAndIsr that adds a follower with nothing, in sync: the high watermark stays
        partition.assignReplicas(Set.of(F1, F2), Set.of(F1, F2), 1);
        assertThat(partition.highWatermark()).isEqualTo(4);
        followerFetch(F2, 1);
        assertThat(partition.highWatermark()).isEqualTo(4);
    }

    // --- ISR shrink ---

    @Test
    void anInSyncFollowerThatDoesNotCatchUpForTheLagTimeIsProposedForRemoval() {
        partition.becomeLeader(1, Set.of(F1, F2), Set.of(F1, F2), 7);
        produce((short) 1, 2);
        followerFetch(F1, 0);
        followerFetch(F2, 0);

        clock.advance(LAG_MS); // last caught up at becoming leader, exactly the lag ago: still in sync
        assertThat(controller.sent).isEmpty();

        followerFetch(F2, 2); // F2 catches up; F1 stays behind
        clock.advance(LAG_MS / 2);
        assertThat(controller.sent).singleElement().satisfies(s -> {
            assertThat(s.newIsr()).containsExactly(LEADER, F2);
            assertThat(s.change().leaderEpoch()).isEqualTo(1);
            assertThat(s.change().partitionEpoch()).isEqualTo(7);
            assertThat(s.change().expand()).isFalse();
        });
        assertThat(partition.isr().inSyncFollowers()).as("nothing counts before the controller's write").containsOnly(F1, F2);
    }

    @Test
    void aFollowerFetchingFromTheLeadersPreviousLogEndStaysInSync() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        // the leader appends before every fetch, so the follower is never at the log end,
        // but each fetch reaches where the log ended at its previous one (Kafka's lastCaughtUpTimeMs)
        long end = 0;
        for (int i = 0; i < 10; i++) {
            produce((short) 1, 1);
            followerFetch(F1, end);
            end = partition.logEndOffset();
            clock.advance(LAG_MS / 3);
        }
        assertThat(controller.sent).isEmpty();

        // now it stops moving: out after the lag
        produce((short) 1, 1);
        clock.advance(LAG_MS + LAG_MS / 2);
        assertThat(controller.sent).singleElement().satisfies(s -> assertThat(s.newIsr()).containsExactly(LEADER));
    }

    @Test
    void aPendingShrinkStillCountsTheRemovedFollowerUntilTheControllerCommitsIt() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        AtomicReference<List<ProducePartitionResult>> ack = produce((short) -1, 2);
        clock.advance(LAG_MS + LAG_MS / 2);
        assertThat(controller.sent).hasSize(1);
        assertThat(partition.isr().pendingChange()).isNotNull();
        assertThat(partition.highWatermark()).as("maximal ISR: the follower still holds it").isZero();
        assertThat(ack.get()).isNull();

        controller.commitLast();
        assertThat(partition.isr().inSyncFollowers()).isEmpty();
        assertThat(partition.isr().assignment()).isNull(); // no controller assignment in this test
        assertThat(partition.highWatermark()).isEqualTo(2);
        assertThat(ack.get()).singleElement().satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
    }

    @Test
    void aRefusedChangeStaysPendingSoADeposedLeaderAcknowledgesNothing() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        clock.advance(LAG_MS + LAG_MS / 2);
        controller.last().answer().complete(AlterPartitionSender.refusal(Errors.FENCED_LEADER_EPOCH, "deposed"));
        assertThat(partition.isr().pendingChange()).isNotNull();

        AtomicReference<List<ProducePartitionResult>> ack = produce((short) -1, 2);
        clock.advance(LAG_MS * 4);
        assertThat(controller.sent).as("no further change while one is refused").hasSize(1);
        assertThat(partition.highWatermark()).isZero();
        assertThat(ack.get()).as("never acknowledged by the zombie").isNull();

        // the controller's LeaderAndIsr replaces the state: the follower is out, the write completes
        partition.assignReplicas(Set.of(F1), Set.of(), 2);
        assertThat(partition.isr().pendingChange()).isNull();
        assertThat(ack.get()).singleElement().satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
    }

    @Test
    void aChangeTheControllerDidNotApplyIsProposedAgainAtTheNextCheck() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        clock.advance(LAG_MS + LAG_MS / 2);
        controller.last().answer().complete(AlterPartitionSender.refusal(Errors.INELIGIBLE_REPLICA, ""));
        assertThat(partition.isr().pendingChange()).isNull();
        assertThat(partition.isr().inSyncFollowers()).containsOnly(F1);
        clock.advance(LAG_MS / 2);
        assertThat(controller.sent).hasSize(2);
    }

    @Test
    void aChangeThatGotNoAnswerIsSentAgain() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        clock.advance(LAG_MS + LAG_MS / 2);
        IsrChange change = controller.last().change();
        controller.last().answer().completeExceptionally(new RuntimeException("controller unreachable"));
        clock.advance(IsrChangeSubmitter.RETRY_MS);
        assertThat(controller.sent).hasSize(2);
        assertThat(controller.last().change()).isSameAs(change);
        controller.commitLast();
        assertThat(partition.isr().inSyncFollowers()).isEmpty();
    }

    // --- ISR expansion ---

    @Test
    void aFollowerThatReachesTheHighWatermarkIsProposedForTheIsrAndCountsWhilePending() {
        partition.becomeLeader(1, Set.of(F1, F2), Set.of(F1), 3);
        produce((short) 1, 4);
        followerFetch(F1, 4);
        assertThat(partition.highWatermark()).isEqualTo(4);

        followerFetch(F2, 2);
        assertThat(controller.sent).as("below the high watermark: not yet").isEmpty();
        AtomicReference<List<ProducePartitionResult>> ack = produce((short) -1, 1);
        followerFetch(F2, 4); // reaches the high watermark (4): proposed
        followerFetch(F1, 5);
        assertThat(controller.sent).singleElement().satisfies(s -> {
            assertThat(s.newIsr()).containsExactly(LEADER, F1, F2);
            assertThat(s.change().expand()).isTrue();
            assertThat(s.change().partitionEpoch()).isEqualTo(3);
        });
        assertThat(partition.isr().maximalInSyncFollowers()).containsOnly(F1, F2);
        assertThat(partition.highWatermark()).as("the newcomer counts while pending").isEqualTo(4);
        assertThat(ack.get()).isNull();

        controller.commitLast();
        assertThat(partition.isr().inSyncFollowers()).containsOnly(F1, F2);
        followerFetch(F2, 5);
        assertThat(partition.highWatermark()).isEqualTo(5);
        assertThat(ack.get()).singleElement().satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
    }

    /**
     * RepeatedFailoverTest's stall: a follower stopping in a controlled shutdown was caught up, so it
     * was proposed for the ISR (refused: shutting down) and, outside the ISR but caught up, still held
     * the high watermark back until replica.lag.time.max.ms passed: acks=all stalled 30 s. Kafka
     * waits for such a follower only while its broker is alive.
     */
    @Test
    void aCaughtUpFollowerOutsideTheIsrHoldsTheHighWatermarkOnlyWhileItsBrokerIsAlive() {
        partition.becomeLeader(1, Set.of(F1, F2), Set.of(F1), 3);
        produce((short) 1, 4);
        followerFetch(F1, 4);
        followerFetch(F2, 4); // reaches the high watermark: proposed, counts while pending
        AtomicReference<List<ProducePartitionResult>> ack = produce((short) -1, 1);
        followerFetch(F1, 5);
        assertThat(partition.highWatermark()).as("the pending newcomer F2 is at 4").isEqualTo(4);

        // F2 is shutting down: the controller refuses it; caught up and alive, it is still waited for
        controller.last().answer().complete(AlterPartitionSender.refusal(Errors.INELIGIBLE_REPLICA, "shutting down"));
        assertThat(partition.isr().pendingChange()).isNull();
        assertThat(partition.highWatermark()).isEqualTo(4);
        assertThat(ack.get()).isNull();

        // its broker stops (the controller's UpdateMetadata no longer lists it): the next fetch moves on
        replicas.liveBrokers(id -> id != F2);
        followerFetch(F1, 5);
        assertThat(partition.highWatermark()).as("F1, the only in-sync follower, has 5").isEqualTo(5);
        assertThat(ack.get()).singleElement().satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
    }

    @Test
    void aFollowerJoinsOnlyOnceItHasTheStartOfTheLeadersEpoch() {
        partition.becomeLeader(1, Set.of(F1, F2), Set.of(F2));
        produce((short) 1, 5); // F2 never fetched: the high watermark stays 0
        partition.becomeLeader(2, Set.of(F1, F2), Set.of(F2)); // epoch 2 starts at 5
        assertThat(partition.leaderEpochStartOffset()).isEqualTo(5);
        assertThat(partition.highWatermark()).isZero();

        followerFetch(F1, 3); // at or past the high watermark, short of the epoch start
        assertThat(controller.sent).isEmpty();
        followerFetch(F1, 5);
        assertThat(controller.sent).singleElement().satisfies(s -> assertThat(s.newIsr()).containsExactly(LEADER, F1, F2));
    }

    @Test
    void anIsrAnswerForAnOlderLeaderEpochIsIgnored() {
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        clock.advance(LAG_MS + LAG_MS / 2);
        partition.becomeLeader(2, Set.of(F1), Set.of(F1)); // a new epoch replaces the pending change
        controller.commitLast();
        assertThat(partition.isr().inSyncFollowers()).containsOnly(F1);
    }

    // --- acks=all and min.insync.replicas ---

    @Test
    void acksAllIsRefusedBeforeTheAppendWhenTheIsrIsBelowMinInsyncReplicas() {
        reopen(2);
        partition.becomeLeader(1, Set.of(F1), Set.of());
        assertThat(produce((short) -1, 3).get()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
            assertThat(r.message()).contains("min.isr");
        });
        assertThat(partition.logEndOffset()).as("nothing appended").isZero();
        assertThat(produce((short) 1, 3).get()).singleElement()
                .satisfies(r -> assertThat(r.error()).as("acks=1 does not care").isEqualTo(Errors.NONE));
        assertThat(partition.logEndOffset()).isEqualTo(3);
    }

    @Test
    void acksAllAnswersNotEnoughReplicasAfterAppendWhenTheIsrShrinksBelowTheMinimumFirst() {
        reopen(2);
        partition.becomeLeader(1, Set.of(F1), Set.of(F1));
        AtomicReference<List<ProducePartitionResult>> ack = produce((short) -1, 2);
        assertThat(ack.get()).isNull();
        clock.advance(LAG_MS + LAG_MS / 2);
        controller.commitLast(); // ISR {0}: the high watermark passes the batch with too few replicas
        assertThat(partition.highWatermark()).isEqualTo(2);
        assertThat(ack.get()).singleElement().satisfies(r -> {
            assertThat(r.error()).isEqualTo(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
            assertThat(r.baseOffset()).isZero();
        });
        assertThat(produce((short) -1, 1).get().get(0).error()).isEqualTo(Errors.NOT_ENOUGH_REPLICAS);
    }

    @Test
    void acksAllWithEnoughInSyncReplicasWaitsForThemAll() {
        reopen(2);
        partition.becomeLeader(1, Set.of(F1, F2), Set.of(F1, F2));
        AtomicReference<List<ProducePartitionResult>> ack = produce((short) -1, 2);
        followerFetch(F1, 2);
        assertThat(ack.get()).as("F2 is in the ISR too").isNull();
        followerFetch(F2, 2);
        assertThat(ack.get()).singleElement().satisfies(r -> assertThat(r.error()).isEqualTo(Errors.NONE));
    }
}
