package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The coordinator's state machine end to end over a map for {@code __transaction_state}, a
 * recording marker channel and a manual clock (loads, marker retries, timeouts and expiry run
 * when the test advances it).
 */
class TransactionCoordinatorTest {
    private static final int TIMEOUT = 60_000;
    private static final BrokerNode LEADER = new BrokerNode(7, "127.0.0.1", 9, null);
    private static final TopicPartition T0 = new TopicPartition("orders", 0);
    private static final TopicPartition T1 = new TopicPartition("orders", 1);

    private final ManualClock clock = new ManualClock(1_000_000);
    private final MapLog log = new MapLog();
    private final RecordingChannel channel = new RecordingChannel();
    private final AtomicLong ids = new AtomicLong(1000);
    private final TxnSettings settings = new TxnSettings(1, 900_000, 7 * 24 * 3600_000L, 10_000, 3600_000, 100);
    private TransactionCoordinator coordinator = newCoordinator();

    private TransactionCoordinator newCoordinator() {
        TxnMarkerSender markers = new TxnMarkerSender(channel, tp -> new MarkerTargets.Target.Leader(LEADER), clock, 100);
        return new TransactionCoordinator(settings, log, ids::getAndIncrement, markers, clock, clock, clock);
    }

    @AfterEach
    void close() {
        coordinator.close();
    }

    private void lead(int epoch) {
        coordinator.becameLeader(0, 1, epoch);
        clock.runDueTasks();
    }

    private TransactionCoordinator.InitResult init(String id, long expectedId, short expectedEpoch) {
        AtomicReference<TransactionCoordinator.InitResult> result = new AtomicReference<>();
        coordinator.initProducerId(id, TIMEOUT, expectedId, expectedEpoch, result::set);
        clock.runDueTasks();
        return result.get();
    }

    private TransactionCoordinator.InitResult init(String id) {
        return init(id, -1, (short) -1);
    }

    private Errors add(String id, TransactionCoordinator.InitResult producer, TopicPartition... partitions) {
        AtomicReference<Errors> result = new AtomicReference<>();
        coordinator.addPartitions(id, producer.producerId(), producer.producerEpoch(), Set.of(partitions), result::set);
        clock.runDueTasks();
        return result.get();
    }

    private Errors end(String id, long producerId, short epoch, boolean commit) {
        AtomicReference<Errors> result = new AtomicReference<>();
        coordinator.endTxn(id, producerId, epoch, commit, result::set);
        clock.runDueTasks();
        return result.get();
    }

    @Test
    void aFirstInitProducerIdGetsANewProducerIdAtEpochZeroWrittenBeforeItIsAnswered() {
        lead(3);
        TransactionCoordinator.InitResult result = init("app-1");

        assertThat(result).isEqualTo(new TransactionCoordinator.InitResult(Errors.NONE, 1000, (short) 0));
        assertThat(log.latest("app-1").state()).isEqualTo(TxnState.EMPTY);
        assertThat(log.latest("app-1").timeoutMs()).isEqualTo(TIMEOUT);
    }

    @Test
    void aCommitWritesPrepareCommitThenTheMarkersThenCompleteCommit() {
        lead(3);
        TransactionCoordinator.InitResult producer = init("app-1");
        assertThat(add("app-1", producer, T0, T1)).isEqualTo(Errors.NONE);
        assertThat(log.latest("app-1").state()).isEqualTo(TxnState.ONGOING);
        assertThat(log.latest("app-1").partitions()).containsExactlyInAnyOrder(T0, T1);
        assertThat(log.latest("app-1").txnStartMs()).isEqualTo(clock.milliseconds());

        assertThat(end("app-1", producer.producerId(), producer.producerEpoch(), true)).isEqualTo(Errors.NONE);

        assertThat(channel.sent).singleElement().satisfies(marker -> {
            assertThat(marker.commit()).isTrue();
            assertThat(marker.producerId()).isEqualTo(1000);
            assertThat(marker.producerEpoch()).isEqualTo((short) 0);
            assertThat(marker.coordinatorEpoch()).isEqualTo(3);
            assertThat(marker.partitions()).containsExactlyInAnyOrder(T0, T1);
        });
        assertThat(log.states("app-1")).extracting(TxnMetadata::state).containsExactly(TxnState.EMPTY, TxnState.ONGOING,
                TxnState.PREPARE_COMMIT, TxnState.COMPLETE_COMMIT);
        assertThat(log.latest("app-1").partitions()).isEmpty();
        assertThat(coordinator.state("app-1").state()).isEqualTo(TxnState.COMPLETE_COMMIT);
        // a retried EndTxn of a committed transaction is answered NONE, an abort of it is refused
        assertThat(end("app-1", 1000, (short) 0, true)).isEqualTo(Errors.NONE);
        assertThat(end("app-1", 1000, (short) 0, false)).isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void aNewInstanceFencesTheZombieAbortingItsTransactionWithTheNextEpoch() {
        lead(0);
        TransactionCoordinator.InitResult zombie = init("app-1");
        add("app-1", zombie, T0);

        TransactionCoordinator.InitResult first = init("app-1");
        assertThat(first.error()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS); // retried by the client
        assertThat(channel.sent).singleElement().satisfies(marker -> {
            assertThat(marker.commit()).isFalse();
            assertThat(marker.producerEpoch()).isEqualTo((short) 1);
        });
        assertThat(log.latest("app-1").state()).isEqualTo(TxnState.COMPLETE_ABORT);

        TransactionCoordinator.InitResult fresh = init("app-1");
        assertThat(fresh).isEqualTo(new TransactionCoordinator.InitResult(Errors.NONE, 1000, (short) 2));
        assertThat(add("app-1", zombie, T1)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(end("app-1", zombie.producerId(), zombie.producerEpoch(), true)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(add("app-1", fresh, T1)).isEqualTo(Errors.NONE);
    }

    @Test
    void aTransactionPastItsTimeoutIsAbortedWithABumpedEpochAndItsProducerIsFenced() {
        lead(0);
        AtomicReference<TransactionCoordinator.InitResult> result = new AtomicReference<>();
        coordinator.initProducerId("slow", 5_000, -1, (short) -1, result::set);
        clock.runDueTasks();
        TransactionCoordinator.InitResult producer = result.get();
        add("slow", producer, T0);

        clock.advance(5_000); // exactly at the timeout: not yet
        coordinator.abortTimedOut();
        assertThat(log.latest("slow").state()).isEqualTo(TxnState.ONGOING);

        clock.advance(10_000); // the periodic check finds it past its timeout
        assertThat(channel.sent).singleElement().satisfies(marker -> {
            assertThat(marker.commit()).isFalse();
            assertThat(marker.producerEpoch()).isEqualTo((short) 1);
        });
        assertThat(log.latest("slow").state()).isEqualTo(TxnState.COMPLETE_ABORT);
        assertThat(log.latest("slow").producerEpoch()).isEqualTo((short) 1);
        assertThat(end("slow", producer.producerId(), producer.producerEpoch(), true)).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void kip360ARetriedInitProducerIdWithTheCurrentIdAndEpochBumpsOnceAndIsAnsweredTheSameOnRetry() {
        lead(0);
        TransactionCoordinator.InitResult producer = init("app-1");
        add("app-1", producer, T0);
        assertThat(end("app-1", producer.producerId(), producer.producerEpoch(), false)).isEqualTo(Errors.NONE);

        TransactionCoordinator.InitResult bumped = init("app-1", producer.producerId(), producer.producerEpoch());
        assertThat(bumped).isEqualTo(new TransactionCoordinator.InitResult(Errors.NONE, 1000, (short) 1));
        // the answer was lost: the same request again gets the same epoch, not another bump
        assertThat(init("app-1", producer.producerId(), producer.producerEpoch())).isEqualTo(bumped);
        assertThat(init("app-1", producer.producerId(), (short) 7).error()).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(init("app-1", 4242, (short) 0).error()).isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void anExhaustedEpochMovesToANewProducerIdRememberingThePreviousOne() {
        log.seed("old", new TxnMetadata("old", 55, -1, (short) (Short.MAX_VALUE - 1), (short) (Short.MAX_VALUE - 2),
                TIMEOUT, TxnState.COMPLETE_COMMIT, Set.of(), -1, clock.milliseconds()));
        lead(0);

        TransactionCoordinator.InitResult next = init("old", 55, (short) (Short.MAX_VALUE - 1));

        assertThat(next).isEqualTo(new TransactionCoordinator.InitResult(Errors.NONE, 1000, (short) 0));
        assertThat(log.latest("old").prevProducerId()).isEqualTo(55);
        // a retry naming the previous id and its exhausted epoch gets the new id
        assertThat(init("old", 55, (short) (Short.MAX_VALUE - 1))).isEqualTo(next);
    }

    @Test
    void requestsAreCheckedAgainstTheProducerAndTheState() {
        lead(0);
        assertThat(init("").error()).isEqualTo(Errors.INVALID_REQUEST);
        AtomicReference<TransactionCoordinator.InitResult> tooLong = new AtomicReference<>();
        coordinator.initProducerId("app", 900_001, -1, (short) -1, tooLong::set);
        assertThat(tooLong.get().error()).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT);

        TransactionCoordinator.InitResult producer = init("app");
        assertThat(end("app", producer.producerId(), producer.producerEpoch(), true)).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(end("app", 1, (short) 0, true)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(end("unknown", 1, (short) 0, true)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(add("app", new TransactionCoordinator.InitResult(Errors.NONE, producer.producerId(), (short) 9), T0))
                .isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void aSecondRequestWhileAWriteIsInFlightIsConcurrentTransactions() {
        lead(0);
        TransactionCoordinator.InitResult producer = init("app");
        log.holdWrites = true;
        AtomicReference<Errors> first = new AtomicReference<>();
        coordinator.addPartitions("app", producer.producerId(), producer.producerEpoch(), Set.of(T0), first::set);
        assertThat(first.get()).isNull(); // waits for the write

        assertThat(add("app", producer, T1)).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        log.release();
        assertThat(first.get()).isEqualTo(Errors.NONE);
        assertThat(add("app", producer, T1)).isEqualTo(Errors.NONE);
    }

    @Test
    void aFailedWriteChangesNothingInMemoryAndAnswersItsError() {
        lead(0);
        TransactionCoordinator.InitResult producer = init("app");
        log.failWith = Errors.COORDINATOR_NOT_AVAILABLE;
        assertThat(add("app", producer, T0)).isEqualTo(Errors.COORDINATOR_NOT_AVAILABLE);
        assertThat(coordinator.state("app").state()).isEqualTo(TxnState.EMPTY);
    }

    @Test
    void markersARetriedUntilTheLeaderTakesThem() {
        lead(0);
        TransactionCoordinator.InitResult producer = init("app");
        add("app", producer, T0, T1);
        channel.answers.add(Map.of(T0, Errors.NONE, T1, Errors.NOT_LEADER_OR_FOLLOWER));
        end("app", producer.producerId(), producer.producerEpoch(), true);
        assertThat(coordinator.state("app").state()).isEqualTo(TxnState.PREPARE_COMMIT);

        clock.advance(100);

        assertThat(channel.sent).hasSize(2);
        assertThat(channel.sent.get(1).partitions()).containsExactly(T1);
        assertThat(coordinator.state("app").state()).isEqualTo(TxnState.COMPLETE_COMMIT);
    }

    @Test
    void aCoordinatorTakingOverFinishesThePreparedTransactionsItLoads() {
        log.seed("left", new TxnMetadata("left", 77, -1, (short) 4, (short) 3, TIMEOUT, TxnState.PREPARE_ABORT,
                Set.of(T0), clock.milliseconds() - 10, clock.milliseconds()));

        assertThat(coordinator.errorFor("left")).isEqualTo(Errors.NOT_COORDINATOR);
        coordinator.becameLeader(0, 1, 9);
        assertThat(coordinator.errorFor("left")).isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS);
        clock.runDueTasks();

        assertThat(channel.sent).singleElement().satisfies(marker -> {
            assertThat(marker.commit()).isFalse();
            assertThat(marker.producerId()).isEqualTo(77);
            assertThat(marker.producerEpoch()).isEqualTo((short) 4);
            assertThat(marker.coordinatorEpoch()).isEqualTo(9);
        });
        assertThat(coordinator.state("left").state()).isEqualTo(TxnState.COMPLETE_ABORT);
    }

    @Test
    void aResignedCoordinatorAnswersNotCoordinatorAndStopsSendingMarkers() {
        lead(0);
        TransactionCoordinator.InitResult producer = init("app");
        add("app", producer, T0);
        channel.answers.add(Map.of(T0, Errors.NOT_LEADER_OR_FOLLOWER));
        end("app", producer.producerId(), producer.producerEpoch(), true);

        coordinator.resigned(0);
        clock.advance(1_000);

        assertThat(channel.sent).hasSize(1);
        assertThat(log.latest("app").state()).isEqualTo(TxnState.PREPARE_COMMIT);
        assertThat(init("app").error()).isEqualTo(Errors.NOT_COORDINATOR);
    }

    @Test
    void anIdleTransactionalIdExpiresAfterTheExpirationTime() {
        lead(0);
        init("idle");
        clock.advance(24 * 3600_000L);
        init("recent");

        clock.advance(settings.expirationMs() - 24 * 3600_000L + settings.expirationCheckMs());

        assertThat(log.latest("idle")).isNull();
        assertThat(coordinator.state("idle")).isNull();
        assertThat(coordinator.states()).extracting(TxnMetadata::transactionalId).containsExactly("recent");
    }

    @Test
    void transactionalIdsArePlacedAsKafkaPlacesThem() {
        assertThat(TransactionCoordinator.partitionFor("app-1", 50)).isEqualTo(Math.abs("app-1".hashCode()) % 50);
        String negative = "polygenelubricants"; // hashCode is Integer.MIN_VALUE: Kafka's Utils.abs gives 0
        assertThat(negative.hashCode()).isEqualTo(Integer.MIN_VALUE);
        assertThat(TransactionCoordinator.partitionFor(negative, 50)).isZero();
    }

    /** {@code __transaction_state} as a list of writes; holds or fails writes on request. */
    private static final class MapLog implements TxnLog {
        final Map<String, List<TxnMetadata>> written = new HashMap<>();
        final Map<String, TxnMetadata> seeded = new HashMap<>();
        final List<Runnable> held = new ArrayList<>();
        boolean holdWrites;
        Errors failWith = Errors.NONE;

        void seed(String id, TxnMetadata state) {
            seeded.put(id, state);
            written.computeIfAbsent(id, k -> new ArrayList<>()).add(state);
        }

        List<TxnMetadata> states(String id) {
            return written.getOrDefault(id, List.of());
        }

        TxnMetadata latest(String id) {
            List<TxnMetadata> all = states(id);
            return all.isEmpty() ? null : all.get(all.size() - 1);
        }

        void release() {
            List<Runnable> now = new ArrayList<>(held);
            held.clear();
            holdWrites = false;
            now.forEach(Runnable::run);
        }

        @Override
        public Map<String, TxnMetadata> load(int partition) {
            return new HashMap<>(seeded);
        }

        @Override
        public void unload(int partition) {
        }

        @Override
        public void write(int partition, String transactionalId, TxnMetadata state, Consumer<Errors> done) {
            if (failWith != Errors.NONE) {
                done.accept(failWith);
                return;
            }
            Runnable apply = () -> {
                written.computeIfAbsent(transactionalId, k -> new ArrayList<>()).add(state);
                done.accept(Errors.NONE);
            };
            if (holdWrites) {
                held.add(apply);
            } else {
                apply.run();
            }
        }
    }

    /** Records the markers sent; answers each with the next queued answer, else NONE for every partition. */
    private static final class RecordingChannel implements MarkerChannel {
        final List<TxnMarker> sent = new ArrayList<>();
        final List<Map<TopicPartition, Errors>> answers = new ArrayList<>();

        @Override
        public CompletableFuture<Map<TopicPartition, Errors>> send(BrokerNode leader, TxnMarker marker) {
            sent.add(marker);
            Map<TopicPartition, Errors> answer = new HashMap<>();
            Map<TopicPartition, Errors> queued = answers.isEmpty() ? Map.of() : answers.remove(0);
            marker.partitions().forEach(tp -> answer.put(tp, queued.getOrDefault(tp, Errors.NONE)));
            return CompletableFuture.completedFuture(answer);
        }

        @Override
        public void close() {
        }
    }
}
