package dev.sluice.broker.it;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.controller.ControlMessage;
import dev.sluice.broker.controller.PartitionLeaderInfo;
import dev.sluice.broker.controller.network.NetworkControlChannel;
import dev.sluice.broker.metadata.MetadataSnapshot;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The controller's network sender against real in-process brokers: control messages arrive over the
 * Kafka protocol in the order sent (UpdateMetadata fills the metadata cache, LeaderAndIsr sets roles,
 * StopReplica deletes), a broker not listening yet gets them once it is, and what was queued for a
 * removed broker or by a resigned controller never arrives.
 */
class NetworkControlChannelTest {
    private static final int CONTROLLER = 7;
    private static final int EPOCH = 3;
    /** Topics are created locally first (cluster mode is not wired yet): no topic id to check against. */
    private static final UUID TOPIC_ID = new UUID(0, 0);

    @TempDir
    Path dir;
    private final List<TestBroker> brokers = new ArrayList<>();
    private final Map<Integer, RegisteredBroker> registry = new ConcurrentHashMap<>();
    private NetworkControlChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.close();
        }
        brokers.forEach(TestBroker::close);
    }

    private TestBroker startBroker(int id, String name, int port) throws IOException {
        TestBroker broker = TestBroker.start(dir.resolve(name), Map.of("listeners", "PLAINTEXT://127.0.0.1:" + port,
                "node.id", Integer.toString(id)));
        brokers.add(broker);
        return broker;
    }

    private void register(int id, int port) {
        registry.put(id, new RegisteredBroker(new BrokerInfo(id, List.of(BrokerEndpoint.plaintext("127.0.0.1", port)),
                Optional.empty()), -1));
    }

    private NetworkControlChannel channel() {
        channel = new NetworkControlChannel(CONTROLLER, id -> Optional.ofNullable(registry.get(id)), "PLAINTEXT",
                5_000, 50);
        return channel;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static PartitionLeaderInfo state(String topic, int partition, int leader, int leaderEpoch, List<Integer> replicas) {
        return new PartitionLeaderInfo(new TopicPartition(topic, partition), TOPIC_ID, leader, leaderEpoch, replicas,
                replicas, EPOCH, leaderEpoch);
    }

    private ControlMessage.UpdateMetadata updateMetadata(List<PartitionLeaderInfo> partitions) {
        return new ControlMessage.UpdateMetadata(CONTROLLER, EPOCH, -1, List.copyOf(registry.values()), partitions, List.of());
    }

    private static <T> void awaitEqual(String what, java.util.function.Supplier<T> actual, T expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!actual.get().equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(actual.get()).as(what).isEqualTo(expected);
    }

    private static Optional<PartitionRole> role(TestBroker broker, String topic, int partition) {
        return broker.broker().partitions().partition(new TopicPartition(topic, partition)).map(Partition::role);
    }

    @Test
    void messagesReachEachBrokerInOrderOverTheNetwork() throws Exception {
        TestBroker one = startBroker(1, "one", 0);
        TestBroker two = startBroker(2, "two", 0);
        register(1, one.broker().server().boundEndpoints().get(0).port());
        register(2, two.broker().server().boundEndpoints().get(0).port());
        for (TestBroker broker : List.of(one, two)) {
            broker.broker().partitions().createTopic("orders", 2, (short) 1, Map.of(), false);
        }
        NetworkControlChannel channel = channel();

        PartitionLeaderInfo p0 = state("orders", 0, 1, 5, List.of(1, 2));
        PartitionLeaderInfo p1 = state("orders", 1, 2, 5, List.of(2, 1));
        for (int id : List.of(1, 2)) {
            channel.send(id, updateMetadata(List.of(p0, p1)));
            channel.send(id, new ControlMessage.LeaderAndIsr(CONTROLLER, EPOCH, -1, List.of(p0, p1)));
        }
        // then broker 1 loses partition 1's replica and leadership of 0 moves to broker 2 at epoch 6
        channel.send(1, new ControlMessage.LeaderAndIsr(CONTROLLER, EPOCH, -1, List.of(state("orders", 0, 2, 6, List.of(1, 2)))));
        channel.send(1, new ControlMessage.StopReplica(CONTROLLER, EPOCH, -1, List.of(new TopicPartition("orders", 1)), true));

        awaitEqual("broker 1's role in partition 0", () -> role(one, "orders", 0),
                Optional.of(new PartitionRole.Follower(2, 6)));
        awaitEqual("broker 1's role in partition 1 (deleted)", () -> role(one, "orders", 1), Optional.empty());
        awaitEqual("broker 2's role in partition 1", () -> role(two, "orders", 1), Optional.of(new PartitionRole.Leader(5)));
        assertThat(role(two, "orders", 0)).contains(new PartitionRole.Follower(1, 5));
        for (TestBroker broker : List.of(one, two)) {
            MetadataSnapshot snapshot = broker.broker().metadataCache().snapshot();
            assertThat(broker.broker().metadataCache().controllerManaged()).isTrue();
            assertThat(snapshot.controllerId()).isEqualTo(CONTROLLER);
            assertThat(snapshot.liveBrokers()).extracting(b -> b.id()).containsExactlyInAnyOrder(1, 2);
        }
        assertThat(one.broker().controlFence().controllerEpoch()).isEqualTo(EPOCH);
    }

    @Test
    void aBrokerNotListeningYetGetsItsMessagesOnceItIs() throws Exception {
        int port = freePort();
        register(1, port);
        NetworkControlChannel channel = channel();
        channel.send(1, updateMetadata(List.of(state("late", 0, 1, 2, List.of(1)))));
        channel.send(1, updateMetadata(List.of(state("late", 0, 1, 3, List.of(1)))));
        Thread.sleep(500); // several refused attempts

        TestBroker broker = startBroker(1, "late", port);
        awaitEqual("the leader epoch the last UpdateMetadata gave", () -> broker.broker().metadataCache().snapshot()
                .partition(new TopicPartition("late", 0)).map(p -> p.leaderEpoch()), Optional.of(3));
        assertThat(broker.broker().metadataCache().snapshot().controllerId()).isEqualTo(CONTROLLER);
    }

    @Test
    void messagesForARemovedBrokerOrFromAResignedControllerAreDropped() throws Exception {
        int removedPort = freePort();
        int resignedPort = freePort();
        register(1, removedPort);
        register(2, resignedPort);
        NetworkControlChannel channel = channel();
        channel.send(1, updateMetadata(List.of()));
        channel.send(2, updateMetadata(List.of()));
        Thread.sleep(200);
        channel.brokerRemoved(1);
        channel.controllerResigned();

        TestBroker removed = startBroker(1, "removed", removedPort);
        TestBroker resigned = startBroker(2, "resigned", resignedPort);
        // a sender that survived would connect within its backoff (at most 500 ms)
        Thread.sleep(1_500);
        assertThat(removed.broker().metadataCache().controllerManaged()).isFalse();
        assertThat(resigned.broker().metadataCache().controllerManaged()).isFalse();

        // the channel still works for messages sent afterwards (a new controller term)
        channel.send(2, updateMetadata(List.of()));
        awaitEqual("a later message arrived", () -> resigned.broker().metadataCache().controllerManaged(), true);
    }
}
