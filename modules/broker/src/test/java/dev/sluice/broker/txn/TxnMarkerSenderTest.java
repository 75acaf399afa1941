package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Which partitions get markers, from which leader, and when the sender gives up or retries. */
class TxnMarkerSenderTest {
    private static final BrokerNode B1 = new BrokerNode(1, "127.0.0.1", 1, null);
    private static final BrokerNode B2 = new BrokerNode(2, "127.0.0.1", 2, null);
    private static final TopicPartition A0 = new TopicPartition("a", 0);
    private static final TopicPartition A1 = new TopicPartition("a", 1);
    private static final TopicPartition GONE = new TopicPartition("deleted", 0);

    private final ManualClock clock = new ManualClock(0);
    private final Map<TopicPartition, MarkerTargets.Target> targets = new HashMap<>();
    private final List<String> sent = new ArrayList<>();
    private final Map<TopicPartition, Errors> answers = new HashMap<>();
    private boolean unreachable;

    private final MarkerChannel channel = new MarkerChannel() {
        @Override
        public CompletableFuture<Map<TopicPartition, Errors>> send(BrokerNode leader, TxnMarker marker) {
            marker.partitions().stream().map(tp -> leader.id() + ":" + tp).sorted().forEach(sent::add);
            if (unreachable) {
                return CompletableFuture.failedFuture(new IOException("refused"));
            }
            Map<TopicPartition, Errors> result = new HashMap<>();
            marker.partitions().forEach(tp -> result.put(tp, answers.getOrDefault(tp, Errors.NONE)));
            return CompletableFuture.completedFuture(result);
        }

        @Override
        public void close() {
        }
    };

    private final TxnMarkerSender sender = new TxnMarkerSender(channel, tp -> targets.get(tp), clock, 100);

    private static TxnMarker marker(TopicPartition... partitions) {
        return new TxnMarker(9, (short) 1, true, 4, Set.of(partitions));
    }

    @Test
    void eachLeaderGetsItsPartitionsAndADeletedPartitionIsSkipped() {
        targets.put(A0, new MarkerTargets.Target.Leader(B1));
        targets.put(A1, new MarkerTargets.Target.Leader(B2));
        targets.put(GONE, new MarkerTargets.Target.Deleted());
        AtomicInteger done = new AtomicInteger();

        sender.send("t", marker(A0, A1, GONE), () -> true, done::incrementAndGet);
        clock.runDueTasks();

        assertThat(sent).containsExactlyInAnyOrder("1:a-0", "2:a-1");
        assertThat(done).hasValue(1);
    }

    @Test
    void aPartitionWithoutLeaderOrAnswerIsRetriedAfterTheBackoff() {
        targets.put(A0, new MarkerTargets.Target.Unavailable());
        AtomicInteger done = new AtomicInteger();
        sender.send("t", marker(A0), () -> true, done::incrementAndGet);
        clock.runDueTasks();
        assertThat(sent).isEmpty();

        targets.put(A0, new MarkerTargets.Target.Leader(B1));
        unreachable = true;
        clock.advance(100);
        assertThat(sent).containsExactly("1:a-0");
        assertThat(done).hasValue(0);

        unreachable = false;
        clock.advance(100);
        assertThat(sent).containsExactly("1:a-0", "1:a-0");
        assertThat(done).hasValue(1);
    }

    @Test
    void aFencedEpochEndsThePartitionsAttemptsAndALostCoordinatorEndsTheJob() {
        targets.put(A0, new MarkerTargets.Target.Leader(B1));
        targets.put(A1, new MarkerTargets.Target.Leader(B1));
        answers.put(A0, Errors.INVALID_PRODUCER_EPOCH);
        answers.put(A1, Errors.NOT_LEADER_OR_FOLLOWER);
        AtomicBoolean coordinator = new AtomicBoolean(true);
        AtomicInteger done = new AtomicInteger();

        sender.send("t", marker(A0, A1), coordinator::get, done::incrementAndGet);
        clock.runDueTasks();
        clock.advance(100);
        assertThat(sent).containsExactly("1:a-0", "1:a-1", "1:a-1");

        coordinator.set(false);
        clock.advance(1_000);
        assertThat(sent).hasSize(3); // the attempt already scheduled finds it is not the coordinator any more
        assertThat(done).hasValue(0);
    }
}
