package dev.sluice.broker.testing;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.security.sasl.ScramCredential;
import dev.sluice.broker.security.sasl.ScramCredentialStore;
import dev.sluice.protocol.sasl.ScramMechanism;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.sluice.broker.testing.Await.await;

/**
 * Brokers in this JVM joined into one cluster through sessions of one {@link InProcessClusterState}
 * (the code path of ZooKeeper), each on a free loopback port with its data in {@code <dir>/b<id>}, so a
 * broker stopped and started again with the same id finds its log directory. Every broker gets
 * {@link #brokerSettings}, then the cluster's defaults, then its own overrides. Closing stops the
 * brokers still running, then the test's own store session.
 *
 * <p>Shared by the in-process cluster tests of the broker and replication modules (the broker's
 * test-jar carries this package). Not thread-safe: the test's thread only.
 */
public final class InProcessCluster implements AutoCloseable {
    private final Path dir;
    private final Map<String, String> defaults;
    private final InProcessClusterState state = new InProcessClusterState();
    /** The running brokers by id, in the order they started. */
    private final Map<Integer, Broker> brokers = new LinkedHashMap<>();
    private ClusterMetadataStore store;

    public InProcessCluster(Path dir) {
        this(dir, Map.of());
    }

    /** @param defaults settings every broker of this cluster gets over {@link #brokerSettings} */
    public InProcessCluster(Path dir, Map<String, String> defaults) {
        this.dir = dir;
        this.defaults = Map.copyOf(defaults);
    }

    /**
     * What every in-process cluster broker is started with: a free loopback port, its log directory,
     * few threads (a test machine has 2 cores), its id, and {@code zookeeper.connect} so it joins a cluster.
     */
    public static Map<String, String> brokerSettings(Path dir, int id) {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0");
        settings.put("log.dirs", dir.resolve("b" + id).toString());
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        settings.put("broker.id", Integer.toString(id));
        settings.put("zookeeper.connect", "in-process");
        return settings;
    }

    /** Starts broker {@code id} with the cluster's settings. */
    public Broker start(int id) throws IOException {
        return start(id, Map.of());
    }

    /** Starts broker {@code id} with the given settings over the cluster's. */
    public Broker start(int id, Map<String, String> overrides) throws IOException {
        if (brokers.containsKey(id)) {
            throw new IllegalStateException("broker " + id + " is running");
        }
        Map<String, String> settings = brokerSettings(dir, id);
        settings.putAll(defaults);
        settings.putAll(overrides);
        Broker broker = Broker.start(BrokerConfig.of(settings), Time.SYSTEM, Scheduler::newThread, s -> state.connect());
        brokers.put(id, broker);
        return broker;
    }

    /** The shared state: a test connects its own sessions to it (e.g. one holding the controller). */
    public InProcessClusterState state() {
        return state;
    }

    /** The test's own session of the cluster's store (to read what the controller wrote), opened on first use. */
    public ClusterMetadataStore store() {
        if (store == null) {
            store = state.connect();
        }
        return store;
    }

    /**
     * Stores a SCRAM credential of {@code user} in the cluster's store, as {@code kafka-configs.sh --zookeeper}
     * does before brokers whose inter-broker login is SCRAM start (they cannot log in to each other before).
     */
    public void addScramUser(String user, String mechanism, String password) {
        ScramMechanism m = ScramMechanism.forName(mechanism);
        ScramCredentialStore.load(store()).alter(user, Map.of(m, ScramCredential.fromPassword(m, password, ScramMechanism.MIN_ITERATIONS)));
    }

    /** The running broker {@code id}. */
    public Broker broker(int id) {
        Broker broker = brokers.get(id);
        if (broker == null) {
            throw new IllegalArgumentException("broker " + id + " is not running");
        }
        return broker;
    }

    /** The running brokers, in the order they started. */
    public List<Broker> brokers() {
        return List.copyOf(brokers.values());
    }

    /** The ids of the running brokers, in the order they started. */
    public List<Integer> ids() {
        return List.copyOf(brokers.keySet());
    }

    /** Every running broker's {@code host:port}, comma-separated: a client's bootstrap.servers. */
    public String bootstrapServers() {
        return brokers.values().stream().map(Broker::bootstrapServers).collect(Collectors.joining(","));
    }

    /** The running broker that is the controller (waits for one). */
    public Broker controller() throws InterruptedException {
        int id = await("a controller", () -> store().controllerId(), c -> c.isPresent()
                && brokers.containsKey(c.getAsInt())).getAsInt();
        return broker(id);
    }

    /** Closes broker {@code id} (its clean shutdown: its session ends, the controller sees it go) and forgets it. */
    public void stop(int id) {
        Broker broker = broker(id);
        brokers.remove(id);
        broker.close();
    }

    @Override
    public void close() {
        List<Broker> running = List.copyOf(brokers.values());
        brokers.clear();
        running.forEach(Broker::close);
        if (store != null) {
            store.close();
        }
    }
}
