package dev.sluice.broker.it;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Brokers in this JVM joined into one cluster through sessions of one {@link InProcessClusterState}
 * (the code path of ZooKeeper), each on a free loopback port with its data under {@code dir}.
 * Closing stops the brokers still running, then the test's own store session.
 */
final class InProcessCluster implements AutoCloseable {
    private final Path dir;
    private final InProcessClusterState state = new InProcessClusterState();
    private final List<Broker> brokers = new ArrayList<>();
    private final ClusterMetadataStore store;

    InProcessCluster(Path dir) {
        this.dir = dir;
        this.store = state.connect();
    }

    /** Starts broker {@code id} with the given settings over the defaults. */
    Broker start(int id, Map<String, String> overrides) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0");
        settings.put("log.dirs", dir.resolve("b" + id).toString());
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        settings.put("broker.id", Integer.toString(id));
        settings.put("zookeeper.connect", "in-process");
        settings.putAll(overrides);
        Broker broker = Broker.start(BrokerConfig.of(settings), Time.SYSTEM, Scheduler::newThread, s -> state.connect());
        brokers.add(broker);
        return broker;
    }

    /** The test's own session of the cluster's store (to read what the controller wrote). */
    ClusterMetadataStore store() {
        return store;
    }

    Broker broker(int id) {
        return brokers.stream().filter(b -> b.config().nodeId() == id).findFirst().orElseThrow();
    }

    /** The running broker that is the controller (waits for one). */
    Broker controller() throws InterruptedException {
        int id = await("a controller", () -> store.controllerId(), c -> c.isPresent()
                && brokers.stream().anyMatch(b -> b.config().nodeId() == c.getAsInt())).getAsInt();
        return broker(id);
    }

    /** Closes broker {@code id} (its clean shutdown) and forgets it. */
    void stop(int id) {
        Broker broker = broker(id);
        brokers.remove(broker);
        broker.close();
    }

    List<Broker> brokers() {
        return List.copyOf(brokers);
    }

    /** Polls {@code value} until {@code done} (at most 30 s), failing the test with {@code what} otherwise. */
    static <T> T await(String what, Supplier<T> value, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        T current = value.get();
        while (!done.test(current) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            current = value.get();
        }
        assertThat(done.test(current)).as(what + ": " + current).isTrue();
        return current;
    }

    @Override
    public void close() {
        List<Broker> running = new ArrayList<>(brokers);
        brokers.clear();
        running.forEach(Broker::close);
        store.close();
    }
}
