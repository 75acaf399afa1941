package dev.sluice.replication.fetch;

import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.storage.EpochEntry;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.broker.partition.AppendOutcome;
import dev.sluice.broker.replica.ReplicaFetchSettings;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static dev.sluice.replication.fetch.Replica.TP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The follower's fetch-state machine driven round by round on the test's thread against a fake
 * leader over a real log: replication batch for batch, the high watermark and log start following
 * the leader, and the truncation rules of KIP-101 (a follower with a stale high watermark becomes
 * leader; logs diverged after an unclean shutdown), KIP-279 (a fast double failover; several rounds
 * when the follower lacks the leader's epoch) and OFFSET_OUT_OF_RANGE, errors and storage failures.
 */
class ReplicaFetcherTest {
    private static final int LEADER_ID = 1;
    private static final int FOLLOWER_ID = 2;
    private static final UUID TOPIC_ID = UUID.randomUUID();
    private static final ReplicaFetchSettings SETTINGS = new ReplicaFetchSettings(1, 500, 1, 1 << 20, 10 << 20, 1_000, 30_000);

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock();
    private final List<Replica> replicas = new ArrayList<>();
    private final List<TopicPartition> failed = new ArrayList<>();

    @AfterEach
    void close() {
        replicas.forEach(Replica::close);
    }

    private Replica replica(String name) {
        Replica r = new Replica(name, dir, clock);
        replicas.add(r);
        return r;
    }

    private static ByteBuffer batch(long baseOffset, int epoch, int records) {
        return batch(baseOffset, epoch, -1, 0, records);
    }

    private static ByteBuffer batch(long baseOffset, int epoch, long producerId, int baseSequence, int records) {
        RecordBatchBuilder b = new RecordBatchBuilder(null).baseOffset(baseOffset).partitionLeaderEpoch(epoch);
        if (producerId >= 0) {
            b.producer(producerId, (short) 0, baseSequence);
        }
        for (int i = 0; i < records; i++) {
            b.append(1_000L + baseOffset + i, null, ("v" + (baseOffset + i) + "-e" + epoch).getBytes());
        }
        return b.build();
    }

    /** A producer's batch as a client sends it (offsets and epoch assigned by the leader). */
    private ByteBuffer produced(long producerId, int baseSequence, int records) {
        RecordBatchBuilder b = new RecordBatchBuilder(null).producer(producerId, (short) 0, baseSequence);
        for (int i = 0; i < records; i++) {
            b.append(clock.milliseconds(), null, ("p" + producerId + "-" + (baseSequence + i)).getBytes());
        }
        return b.build();
    }

    private void lead(Replica leader, int epoch) {
        leader.partition.becomeLeader(epoch, Set.of(FOLLOWER_ID), Set.of(FOLLOWER_ID));
    }

    private ReplicaFetcher follow(Replica follower, FakeLeader leader, int epoch) {
        follower.partition.becomeFollower(leader.brokerId(), epoch);
        ReplicaFetcher fetcher = new ReplicaFetcher("test-fetcher", leader, SETTINGS, clock, (tp, e) -> failed.add(tp));
        fetcher.add(follower.partition, TOPIC_ID, epoch);
        return fetcher;
    }

    /** Rounds until the follower's log end equals the leader's and a further round changes nothing. */
    private static void catchUp(ReplicaFetcher fetcher, Replica follower, Replica leader) {
        for (int i = 0; i < 20; i++) {
            fetcher.doWork();
            if (follower.partition.logEndOffset() == leader.partition.logEndOffset()
                    && fetcher.fetchOffset(TP).orElse(-1L) == leader.partition.logEndOffset()) {
                fetcher.doWork(); // once more: carries the leader's final high watermark
                return;
            }
        }
        throw new AssertionError("no catch-up: follower " + follower.batches() + " leader " + leader.batches());
    }

    @Test
    void copiesTheLeadersBatchesAsTheyAreWithEpochsAndFollowsItsHighWatermark() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 3), batch(3, 0, 2));
        lead(a, 1);
        assertThat(a.partition.appendAsLeader(produced(7, 0, 4))).isInstanceOf(AppendOutcome.Appended.class);
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leader, 1);

        FetchRequest.PartitionFetch first = null;
        fetcher.doWork();
        first = leader.requests.get(0).partitions().get(0);
        assertThat(first.fetchOffset()).isZero();
        assertThat(first.lastFetchedEpoch()).as("an empty log: no divergence check").isEqualTo(-1);
        assertThat(first.currentLeaderEpoch()).isEqualTo(1);
        catchUp(fetcher, b, a);

        assertThat(b.batches()).isEqualTo(a.batches()).hasSize(3);
        assertThat(b.partition.log().epochs()).isEqualTo(a.partition.log().epochs())
                .containsExactly(new EpochEntry(0, 0), new EpochEntry(1, 5));
        assertThat(a.partition.highWatermark()).as("the follower's fetch moved the leader's").isEqualTo(9);
        assertThat(b.partition.highWatermark()).isEqualTo(9);
        FetchRequest.PartitionFetch last = leader.requests.get(leader.requests.size() - 1).partitions().get(0);
        assertThat(last.lastFetchedEpoch()).isEqualTo(1);
        assertThat(last.fetchOffset()).isEqualTo(9);
        assertThat(last.maxBytes()).isEqualTo(SETTINGS.partitionMaxBytes());
    }

    @Test
    void followerHighWatermarkNeverPassesItsOwnLogEnd() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 5));
        lead(a, 1);
        a.partition.updateFollowerFetchState(FOLLOWER_ID, 5); // the leader's high watermark is 5
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = new ReplicaFetcher("f", leader, new ReplicaFetchSettings(1, 0, 1, 1, 10, 1_000, 30_000),
                clock, (tp, e) -> failed.add(tp));
        a.append(); // nothing
        a.partition.appendAsLeader(produced(-1, -1, 1)); // offset 5, above the high watermark
        b.partition.becomeFollower(LEADER_ID, 1);
        fetcher.add(b.partition, TOPIC_ID, 1);
        fetcher.doWork(); // max 1 byte: one batch (offsets 0-4) at least
        assertThat(b.partition.logEndOffset()).isEqualTo(5);
        assertThat(b.partition.highWatermark()).isEqualTo(5);
    }

    @Test
    void followsTheLeadersLogStartUpToItsOwnHighWatermark() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 3), batch(3, 0, 3), batch(6, 0, 3));
        lead(a, 1);
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leader, 1);
        catchUp(fetcher, b, a);
        assertThat(a.partition.deleteRecordsBefore(4)).isEqualTo(4); // DeleteRecords at the leader
        fetcher.doWork();
        assertThat(b.partition.logStartOffset()).isEqualTo(4);
    }

    @Test
    void aRetryOfAReplicatedBatchSentToTheNewLeaderIsDeduplicated() {
        Replica a = replica("a");
        Replica b = replica("b");
        lead(a, 1);
        AppendOutcome.Appended first = (AppendOutcome.Appended) a.partition.appendAsLeader(produced(42, 0, 3));
        AppendOutcome.Appended second = (AppendOutcome.Appended) a.partition.appendAsLeader(produced(42, 3, 2));
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leader, 1);
        catchUp(fetcher, b, a);

        // a fails before acknowledging; the producer retries its last batch at b, now leader in epoch 2
        fetcher.remove(List.of(TP));
        b.partition.becomeLeader(2, Set.of(LEADER_ID), Set.of());
        AppendOutcome retry = b.partition.appendAsLeader(produced(42, 3, 2));
        assertThat(retry).isInstanceOf(AppendOutcome.Appended.class);
        AppendOutcome.Appended answered = (AppendOutcome.Appended) retry;
        assertThat(answered.duplicate()).as("deduplicated from the replicated producer state").isTrue();
        assertThat(answered.firstOffset()).isEqualTo(second.firstOffset());
        assertThat(b.partition.logEndOffset()).isEqualTo(5);
        // and after a restart of b (producer state from snapshot / log) as well
        b.restart();
        b.partition.becomeLeader(3, Set.of(LEADER_ID), Set.of());
        AppendOutcome again = b.partition.appendAsLeader(produced(42, 0, 3));
        assertThat(again).isInstanceOf(AppendOutcome.Appended.class);
        assertThat(((AppendOutcome.Appended) again).duplicate()).isTrue();
        assertThat(((AppendOutcome.Appended) again).firstOffset()).isEqualTo(first.firstOffset());
    }

    /**
     * KIP-101, scenario 1: the follower b has m1, m2 but its high watermark says 1 when it restarts.
     * Truncating to the high watermark (Kafka before KIP-101) would lose m2 once b leads; here b
     * keeps its log, checks it against the leader by epoch (no divergence) and, when a fails and b
     * leads, m2 is there; a then follows b without losing anything either.
     */
    @Test
    void kip101AFollowerWithAStaleHighWatermarkBecomesLeaderWithoutLosingRecords() {
        Replica a = replica("a");
        Replica b = replica("b");
        lead(a, 0);
        a.partition.appendAsLeader(produced(-1, -1, 1)); // m1 at 0
        a.partition.appendAsLeader(produced(-1, -1, 1)); // m2 at 1
        FakeLeader leaderA = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leaderA, 0);
        fetcher.doWork(); // b copies m1 and m2; its high watermark is still 0 (a's moves on b's next fetch)
        assertThat(b.partition.logEndOffset()).isEqualTo(2);
        assertThat(b.partition.highWatermark()).isLessThan(2);

        b.restart(); // b restarts with a stale high watermark
        fetcher = follow(b, leaderA, 0);
        fetcher.doWork();
        assertThat(b.partition.logEndOffset()).as("no truncation to the high watermark").isEqualTo(2);

        // a fails, b becomes leader in epoch 1 and has m2
        fetcher.remove(List.of(TP));
        b.partition.becomeLeader(1, Set.of(LEADER_ID), Set.of(LEADER_ID));
        assertThat(b.batches()).isEqualTo(a.batches());

        // a comes back as follower of b: same history, nothing truncated
        FakeLeader leaderB = new FakeLeader(FOLLOWER_ID, LEADER_ID, b);
        a.partition.becomeFollower(FOLLOWER_ID, 1);
        ReplicaFetcher aFetcher = new ReplicaFetcher("a-fetcher", leaderB, SETTINGS, clock, (tp, e) -> failed.add(tp));
        aFetcher.add(a.partition, TOPIC_ID, 1);
        b.partition.appendAsLeader(produced(-1, -1, 1)); // m3 at 2 in epoch 1
        catchUp(aFetcher, a, b);
        assertThat(a.batches()).isEqualTo(b.batches()).hasSize(3);
        assertThat(a.partition.log().epochs()).isEqualTo(b.partition.log().epochs());
    }

    /**
     * KIP-101, scenario 2: a led in epoch 0 and wrote m1, m2; b had only m1. Both stopped uncleanly;
     * b came back first, leads in epoch 1 and wrote m3 at offset 1. When a follows b, the leader
     * answers DivergingEpoch (0 ends at 1): a truncates m2 and copies m3, so both logs agree.
     */
    @Test
    void kip101LogsThatDivergedAfterAnUncleanShutdownAreMadeEqual() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 1), batch(1, 0, 1)); // m1, m2 in epoch 0
        b.append(batch(0, 0, 1));                 // m1 only
        lead(b, 1);
        b.partition.appendAsLeader(produced(-1, -1, 1)); // m3 at offset 1 in epoch 1
        FakeLeader leaderB = new FakeLeader(FOLLOWER_ID, LEADER_ID, b);
        a.partition.becomeFollower(FOLLOWER_ID, 1);
        ReplicaFetcher fetcher = new ReplicaFetcher("a-fetcher", leaderB, SETTINGS, clock, (tp, e) -> failed.add(tp));
        fetcher.add(a.partition, TOPIC_ID, 1);

        fetcher.doWork();
        assertThat(a.partition.logEndOffset()).as("m2 truncated").isEqualTo(1);
        assertThat(fetcher.fetchOffset(TP)).contains(1L);
        catchUp(fetcher, a, b);
        assertThat(a.batches()).isEqualTo(b.batches()).hasSize(2);
        assertThat(a.partition.log().epochs()).containsExactly(new EpochEntry(0, 0), new EpochEntry(1, 1));
    }

    /**
     * KIP-279, the fast double failover: a led in epoch 1 and wrote offsets 0 and 1; b copied only
     * offset 0, became leader in epoch 2 and wrote its own offset 1, then failed before a copied
     * it; a leads again in epoch 3. b, following a, says its last epoch is 2, which a never had: a
     * answers with its epoch 1, ending at 2; b holds epoch 1 ending at 1, so it truncates to 1 — not
     * to 2, which would keep its own offset 1 beside a's.
     */
    @Test
    void kip279AFastDoubleFailoverLeavesNoDivergentRecord() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 1, 1), batch(1, 1, 1)); // a: offsets 0, 1 in epoch 1
        b.append(batch(0, 1, 1), batch(1, 2, 1)); // b: offset 0 in epoch 1, its own offset 1 in epoch 2
        lead(a, 3);
        a.partition.appendAsLeader(produced(-1, -1, 1)); // offset 2 in epoch 3
        FakeLeader leaderA = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leaderA, 3);

        fetcher.doWork();
        assertThat(leaderA.requests.get(0).partitions().get(0).lastFetchedEpoch()).isEqualTo(2);
        assertThat(b.partition.logEndOffset()).isEqualTo(1);
        catchUp(fetcher, b, a);
        assertThat(b.batches()).isEqualTo(a.batches());
        assertThat(b.partition.log().epochs()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 2));
    }

    /**
     * When the follower lacks the epoch the leader answers with, it cuts back to the end of its own
     * largest epoch below it and asks again: here two rounds (epoch 2 → the leader's 1; then 0 →
     * the leader's end of 0).
     */
    @Test
    void truncationTakesSeveralRoundsWhenTheFollowerLacksTheLeadersEpoch() {
        Replica leader = replica("l");
        Replica follower = replica("f");
        leader.append(batch(0, 0, 3), batch(3, 1, 4), batch(7, 3, 2));   // epochs 0@0, 1@3, 3@7, end 9
        follower.append(batch(0, 0, 3), batch(3, 0, 2), batch(5, 2, 3)); // epochs 0@0, 2@5, end 8
        lead(leader, 4);
        leader.partition.appendAsLeader(produced(-1, -1, 2)); // offsets 9, 10 in epoch 4
        FakeLeader fake = new FakeLeader(LEADER_ID, FOLLOWER_ID, leader);
        ReplicaFetcher fetcher = follow(follower, fake, 4);

        fetcher.doWork(); // leader: epoch 1 ends at 7; follower lacks 1, its epoch 0 ends at 5
        assertThat(follower.partition.logEndOffset()).isEqualTo(5);
        assertThat(fetcher.fetchOffset(TP)).contains(5L);
        fetcher.doWork(); // leader: epoch 0 ends at 3
        assertThat(follower.partition.logEndOffset()).isEqualTo(3);
        assertThat(fake.requests.get(1).partitions().get(0).lastFetchedEpoch()).isEqualTo(0);
        catchUp(fetcher, follower, leader);
        assertThat(follower.batches()).isEqualTo(leader.batches());
        assertThat(follower.partition.log().epochs()).isEqualTo(leader.partition.log().epochs());
    }

    /**
     * An epoch recorded at a follower's log end without a batch (the start a partition records when
     * it opens, with the catalogue's epoch) is not its last fetched epoch: claiming it, the follower
     * would hide records of an older epoch that the leader does not have.
     */
    @Test
    void anEpochStartWithoutBatchesIsNotTheLastFetchedEpoch() {
        Replica leader = replica("l");
        Replica follower = replica("f");
        leader.append(batch(0, 3, 5), batch(5, 5, 5));   // epochs 3@0, 5@5, end 10
        follower.append(batch(0, 3, 5), batch(5, 3, 5)); // offsets 5-9 in epoch 3: never the leader's
        follower.partition.log().assignEpochStartOffset(5, 10); // recorded at opening, no batch behind it
        lead(leader, 5);
        FakeLeader fake = new FakeLeader(LEADER_ID, FOLLOWER_ID, leader);
        ReplicaFetcher fetcher = follow(follower, fake, 5);

        fetcher.doWork();
        assertThat(fake.requests.get(0).partitions().get(0).lastFetchedEpoch()).isEqualTo(3);
        assertThat(follower.partition.logEndOffset()).as("epoch 3 ends at 5 at the leader").isEqualTo(5);
        catchUp(fetcher, follower, leader);
        assertThat(follower.batches()).isEqualTo(leader.batches());
        assertThat(follower.partition.log().epochs()).isEqualTo(leader.partition.log().epochs());
    }

    @Test
    void outOfRangeAboveTheLeadersEndTruncatesToIt() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 3));
        b.append(batch(0, 0, 3), batch(3, 0, 2));
        lead(a, 1);
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leader, 1);
        leader.scriptedErrors.add(Errors.OFFSET_OUT_OF_RANGE); // as an old leader without DivergingEpoch would

        fetcher.doWork();
        assertThat(leader.listOffsetCalls).isEqualTo(1);
        assertThat(b.partition.logEndOffset()).isEqualTo(3);
        catchUp(fetcher, b, a);
        assertThat(b.batches()).isEqualTo(a.batches());
    }

    @Test
    void outOfRangeBelowTheLeadersStartRestartsTheLogThere() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 3), batch(3, 0, 3), batch(6, 0, 3));
        lead(a, 1);
        a.partition.updateFollowerFetchState(FOLLOWER_ID, 9); // high watermark 9 (b was in sync once)
        a.partition.deleteRecordsBefore(6);
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leader, 1); // b is empty: fetches 0, below the leader's start

        fetcher.doWork();
        assertThat(b.partition.logStartOffset()).isEqualTo(6);
        assertThat(b.partition.logEndOffset()).isEqualTo(6);
        catchUp(fetcher, b, a);
        assertThat(b.batches()).isEqualTo(a.batches()).hasSize(1);
    }

    @Test
    void aLeaderStartInsideABatchRestartsAnEmptyLogAtThatBatch() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 3), batch(3, 0, 3));
        lead(a, 1);
        a.partition.updateFollowerFetchState(FOLLOWER_ID, 6);
        a.partition.deleteRecordsBefore(4); // inside the batch 3-5
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leader, 1);
        catchUp(fetcher, b, a);
        assertThat(b.batches()).isEqualTo(a.batches());
        assertThat(b.partition.logStartOffset()).isEqualTo(4);
    }

    @Test
    void fencedOrNotLeaderBacksOffUntilTheBackoffPassesAndThenFetchesAgain() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 3));
        lead(a, 2);
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leader, 1); // b still believes in epoch 1: fenced

        fetcher.doWork();
        assertThat(leader.requests).hasSize(1);
        long wait = fetcher.doWork();
        assertThat(leader.requests).as("backing off: no fetch").hasSize(1);
        assertThat(wait).isEqualTo(SETTINGS.backoffMs());
        assertThat(b.partition.logEndOffset()).isZero();

        clock.advance(SETTINGS.backoffMs());
        leader.scriptedErrors.add(Errors.NOT_LEADER_OR_FOLLOWER);
        fetcher.doWork();
        assertThat(leader.requests).hasSize(2);
        // the controller's LeaderAndIsr with epoch 2 arrives: the partition is followed anew
        b.partition.becomeFollower(LEADER_ID, 2);
        fetcher.add(b.partition, TOPIC_ID, 2);
        catchUp(fetcher, b, a);
        assertThat(b.batches()).isEqualTo(a.batches());
    }

    @Test
    void anUnreachableLeaderIsRetriedAfterTheBackoff() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 3));
        lead(a, 1);
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        leader.unavailableFetches = 1;
        ReplicaFetcher fetcher = follow(b, leader, 1);
        assertThat(fetcher.doWork()).isEqualTo(SETTINGS.backoffMs());
        fetcher.doWork();
        assertThat(leader.requests).hasSize(1);
        clock.advance(SETTINGS.backoffMs());
        catchUp(fetcher, b, a);
        assertThat(b.batches()).isEqualTo(a.batches());
    }

    @Test
    void aPartitionRemovedWhileItsFetchIsOutGetsNothingAppended() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 3));
        lead(a, 1);
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leader, 1);
        leader.duringFetch = request -> fetcher.remove(List.of(TP)); // a LeaderAndIsr made b leader meanwhile
        fetcher.doWork();
        assertThat(b.partition.logEndOffset()).isZero();
        assertThat(fetcher.partitionCount()).isZero();
    }

    @Test
    void aStorageFailureTakesThePartitionOfflineAndTheFetcherGoesOnWithTheOthers() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 3));
        lead(a, 1);
        TopicPartition other = new TopicPartition("t", 1);
        Replica a2 = new Replica("a2", dir, other, "file", clock);
        Replica b2 = new Replica("b2", dir, other, "file", clock);
        replicas.add(a2);
        replicas.add(b2);
        a2.append(batch(0, 0, 2));
        lead(a2, 1);
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a).and(a2);
        b.partition.becomeFollower(LEADER_ID, 1);
        b2.partition.becomeFollower(LEADER_ID, 1);
        ReplicaFetcher fetcher = new ReplicaFetcher("f", leader, SETTINGS, clock, (tp, e) -> failed.add(tp));
        fetcher.add(b.partition, TOPIC_ID, 1);
        fetcher.add(b2.partition, TOPIC_ID, 1);
        b.failing = true;

        fetcher.doWork();
        assertThat(failed).containsExactly(TP);
        assertThat(fetcher.partitionCount()).isEqualTo(1);
        b.failing = false;
        assertThat(b.partition.logEndOffset()).isZero();
        fetcher.doWork();
        assertThat(b2.batches()).isEqualTo(a2.batches()).hasSize(1);
    }

    @Test
    void recordsThatDoNotFollowTheLogEndAreRefusedAndRetried() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.append(batch(0, 0, 3));
        lead(a, 1);
        FakeLeader leader = new FakeLeader(LEADER_ID, FOLLOWER_ID, a);
        ReplicaFetcher fetcher = follow(b, leader, 1);
        leader.scriptedRecords = batch(2, 0, 1); // a hole at 0-1
        fetcher.doWork();
        assertThat(b.partition.logEndOffset()).isZero();
        assertThat(fetcher.doWork()).as("backing off").isEqualTo(SETTINGS.backoffMs());
        clock.advance(SETTINGS.backoffMs());
        catchUp(fetcher, b, a);
        assertThat(b.batches()).isEqualTo(a.batches());
    }

    @Test
    void wholeBatchesDropsAPartialBatchAtTheEnd() {
        ByteBuffer one = batch(0, 0, 2);
        ByteBuffer two = batch(2, 0, 2);
        ByteBuffer both = ByteBuffer.allocate(one.remaining() + two.remaining() - 5);
        both.put(one.duplicate());
        both.put(two.duplicate().limit(two.limit() - 5));
        both.flip();
        assertThat(ReplicaFetcher.wholeBatches(both).remaining()).isEqualTo(one.remaining());
        assertThat(ReplicaFetcher.wholeBatches(ByteBuffer.allocate(5)).remaining()).isZero();
    }
}
