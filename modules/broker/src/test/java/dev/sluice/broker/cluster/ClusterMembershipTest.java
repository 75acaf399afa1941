package dev.sluice.broker.cluster;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ControllerLease;
import dev.sluice.api.cluster.ElectionOutcome;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.api.cluster.InProcessMetadataStore;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.RegistrationOutcome;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.WriteOutcome;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterMembershipTest {

    private final InProcessClusterState cluster = new InProcessClusterState();

    private static BrokerInfo broker(int id) {
        return new BrokerInfo(id, List.of(BrokerEndpoint.plaintext("127.0.0.1", 9090 + id)), Optional.empty());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void afterASessionExpiryTheControllerResignsFirstThenTheBrokerStopsAndRegistersAgainWithANewEpoch() throws Exception {
        try (InProcessMetadataStore store = cluster.connect(); ClusterMetadataStore other = cluster.connect()) {
            ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
            ControllerLease[] lease = new ControllerLease[1];
            ClusterMembership membership = new ClusterMembership(store, broker(1), () -> {
                // the hook runs before anything else: the broker is still marked current here
                order.add("resign");
                store.resign(lease[0]);
            });
            membership.addListener(new ClusterMembership.Listener() {
                @Override
                public void sessionLost() {
                    order.add("lost current=" + membership.isCurrent());
                }

                @Override
                public void registered(long brokerEpoch) {
                    order.add("registered");
                }
            });
            long first = membership.start();
            assertThat(membership.brokerEpoch()).hasValue(first);
            assertThat(membership.isCurrent()).isTrue();
            lease[0] = ((ElectionOutcome.Elected) store.elect(1)).lease();

            store.expireSession();
            await("registered again", () -> order.contains("registered"));
            assertThat(order).containsExactly("resign", "lost current=false", "registered");
            assertThat(membership.isCurrent()).isTrue();
            long second = membership.brokerEpoch().orElseThrow();
            assertThat(second).isGreaterThan(first);
            assertThat(other.liveBrokers().get(1).epoch()).isEqualTo(second);

            // the old lease is useless now: another broker became controller meanwhile
            ControllerLease newer = ((ElectionOutcome.Elected) other.elect(2)).lease();
            other.createTopic(new TopicAssignment("t", UUID.randomUUID(), Map.of(0, List.of(1))));
            assertThat(store.createPartitionStates(lease[0], "t", Map.of(0, new PartitionState(1, 0, List.of(1), 1))))
                    .isEqualTo(new WriteOutcome.Fenced(lease[0]));
            assertThat(newer.epoch()).isGreaterThan(lease[0].epoch());
        }
    }

    @Test
    void aSecondBrokerWithTheSameIdIsRefusedAtStart() {
        try (ClusterMetadataStore a = cluster.connect(); ClusterMetadataStore b = cluster.connect()) {
            new ClusterMembership(a, broker(3), () -> { }).start();
            assertThatThrownBy(() -> new ClusterMembership(b, broker(3), () -> { }).start())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("broker.id 3 is already registered");
        }
    }

    @Test
    void aBrokerRestartedBeforeItsPreviousSessionExpiredWaitsForItsIdAndRegistersWithANewEpoch() throws Exception {
        try (InProcessMetadataStore previousRun = cluster.connect(); ClusterMetadataStore restarted = cluster.connect()) {
            long oldEpoch = ((RegistrationOutcome.Registered) previousRun.registerBroker(broker(5))).brokerEpoch();
            Thread expiry = new Thread(() -> {
                try {
                    Thread.sleep(700);
                } catch (InterruptedException e) {
                    return;
                }
                previousRun.expireSession(); // the killed run's session times out
            });
            expiry.start();
            long epoch = new ClusterMembership(restarted, broker(5), () -> { }, 20_000, Time.SYSTEM).start();
            expiry.join();
            assertThat(epoch).isGreaterThan(oldEpoch);
            assertThat(restarted.liveBrokers().get(5).epoch()).isEqualTo(epoch);
        }
    }

    @Test
    void anIdStillHeldByALiveBrokerAfterTheWaitIsRefused() {
        try (ClusterMetadataStore a = cluster.connect(); ClusterMetadataStore b = cluster.connect()) {
            new ClusterMembership(a, broker(6), () -> { }).start();
            long started = System.nanoTime();
            assertThatThrownBy(() -> new ClusterMembership(b, broker(6), () -> { }, 600, Time.SYSTEM).start())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("broker.id 6 is already registered");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(600);
        }
    }

    @Test
    void closedMembershipIsNotCurrent() {
        try (ClusterMetadataStore a = cluster.connect()) {
            ClusterMembership membership = new ClusterMembership(a, broker(4), () -> { });
            assertThat(membership.isCurrent()).isFalse();
            membership.start();
            membership.close();
            assertThat(membership.isCurrent()).isFalse();
            assertThat(membership.brokerEpoch()).isEmpty();
        }
    }
}
