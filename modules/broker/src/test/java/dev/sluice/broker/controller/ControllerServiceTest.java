package dev.sluice.broker.controller;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.api.cluster.InProcessMetadataStore;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Three "brokers" of one in-process cluster, each with its controller service on its own thread. */
@Timeout(60)
class ControllerServiceTest {

    private final InProcessClusterState cluster = new InProcessClusterState();
    private final Map<Integer, InProcessMetadataStore> stores = new TreeMap<>();
    private final Map<Integer, ControllerService> services = new TreeMap<>();
    private final ManualClock clock = new ManualClock();
    private final List<String> sent = java.util.Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() {
        services.values().forEach(ControllerService::close);
        stores.values().forEach(InProcessMetadataStore::close);
        clock.close();
    }

    private void startBroker(int id) {
        InProcessMetadataStore store = cluster.connect();
        store.registerBroker(new BrokerInfo(id, List.of(BrokerEndpoint.plaintext("127.0.0.1", 19710 + id)), Optional.empty()));
        ControllerService service = new ControllerService(id, store, (broker, message) ->
                sent.add(broker + ":" + message.getClass().getSimpleName()), new ControllerSettings(false, false, 10, 300_000), clock);
        stores.put(id, store);
        services.put(id, service);
        service.start();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private int activeCount() {
        return (int) services.values().stream().filter(ControllerService::isActive).count();
    }

    private Optional<PartitionState> state(int via, String topic, int partition) {
        return stores.get(via).partitionState(topic, partition).map(v -> v.value());
    }

    @Test
    void oneControllerDrivesTheClusterAndAnotherTakesOverWhenItDies() throws Exception {
        startBroker(1);
        startBroker(2);
        startBroker(3);
        await("one controller", () -> activeCount() == 1);
        int first = stores.get(1).controllerId().orElseThrow();
        int firstEpoch = stores.get(1).controllerEpoch();
        assertThat(services.get(first).isActive()).isTrue();

        int other = first == 1 ? 2 : 1;
        stores.get(other).createTopic(new TopicAssignment("t", UUID.randomUUID(), Map.of(0, List.of(first, other))));
        await("the topic's partition state", () -> state(other, "t", 0).isPresent());
        assertThat(state(other, "t", 0).orElseThrow().leader()).isEqualTo(first);
        await("LeaderAndIsr sent to both replicas", () -> sent.contains(first + ":LeaderAndIsr") && sent.contains(other + ":LeaderAndIsr"));

        // the controller (also the partition's leader) dies
        services.remove(first).close();
        stores.remove(first).close();
        await("a new controller", () -> stores.get(other).controllerId().isPresent()
                && stores.get(other).controllerId().getAsInt() != first && activeCount() == 1);
        assertThat(stores.get(other).controllerEpoch()).isGreaterThan(firstEpoch);
        await("the partition led by the survivor", () -> state(other, "t", 0).orElseThrow().leader() == other);
        assertThat(state(other, "t", 0).orElseThrow().isr()).containsExactly(other);
    }

    @Test
    void aControllerWhoseSessionExpiresResignsAndOnlyTheNewOneAnswersRequests() throws Exception {
        startBroker(1);
        await("broker 1 the controller", () -> services.get(1).isActive());
        startBroker(2);
        int epochBefore = stores.get(1).controllerEpoch();
        stores.get(1).expireSession(); // registration and controllership gone; a new session follows
        // broker 1 resigned at once; whichever broker wins next holds a newer epoch, and only it is active
        await("a controller with a newer epoch", () -> stores.get(2).controllerEpoch() > epochBefore
                && stores.get(2).controllerId().isPresent()
                && services.get(stores.get(2).controllerId().getAsInt()).isActive() && activeCount() == 1);
        int controller = stores.get(2).controllerId().getAsInt();
        int notController = controller == 1 ? 2 : 1;
        TopicPartition tp = new TopicPartition("t", 0);
        assertThat(services.get(notController).electLeaders(ElectionType.PREFERRED, List.of(tp)).get(10, TimeUnit.SECONDS).get(tp).error())
                .isEqualTo(Errors.NOT_CONTROLLER);
        assertThat(services.get(controller).controlledShutdown(7, 0).get(10, TimeUnit.SECONDS).error())
                .isEqualTo(Errors.BROKER_NOT_AVAILABLE);
    }

    @Test
    void resignAndWaitReturnsOnceTheControllerStoppedAndFreesTheRole() throws Exception {
        startBroker(1);
        await("broker 1 the controller", () -> services.get(1).isActive());
        int epoch = stores.get(1).controllerEpoch();

        assertThat(services.get(1).resignAndWait(10_000)).isTrue();

        // on return the old lease is gone: no controller, or one elected since with a newer epoch
        assertThat(stores.get(1).controllerId().isEmpty() || stores.get(1).controllerEpoch() > epoch).isTrue();
        // the freed role is contested again (controllerChanged): broker 1, the only one, wins with a newer epoch
        await("a new election", () -> stores.get(1).controllerEpoch() > epoch && services.get(1).isActive());
    }
}
