package dev.sluice.tools.cluster;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterMetadataStores;
import dev.sluice.api.cluster.RegisteredBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A ZooKeeper server and N brokers, each its own process ({@code sluice zookeeper},
 * {@code sluice server zookeeper.connect=...}), on loopback ports chosen free at start and kept
 * across restarts, with data in one directory: the harness of the multi-process failure tests.
 *
 * <p>Failures: {@link #kill} (kill -9), {@link #pause}/{@link #resume} (SIGSTOP/SIGCONT),
 * {@link #start} again on the same data and port. Observation: an observer session on the cluster
 * metadata store ({@link #store()}: live brokers and their epochs, the controller and its epoch,
 * partition states), kafka-clients {@link #admin()}, a raw view of one broker's metadata
 * ({@link #metadataOf}), each broker's log ({@link #log}). Every process log is copied to
 * {@code target/process-cluster-logs/<label>/} on close, so a failed run can be read afterwards.
 * {@link #close()} kills every process (a JVM shutdown hook does too, should the test JVM be stopped).
 *
 * <p>Threads: one test thread drives it; {@code close} may also run on the shutdown hook.
 */
public final class ProcessCluster implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProcessCluster.class.getName());
    private static final String BROKER_READY = "Sluice is running: bootstrap.servers=";
    private static final String ZOOKEEPER_READY = "ZooKeeper is running: zookeeper.connect=";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    /**
     * What the cluster is: how many brokers, the session timeout every broker asks for, ZooKeeper's
     * tick (sessions are granted between 2 and 20 ticks), settings given to every broker, and
     * settings of single brokers (by id) on top of those, e.g. a {@code log.storage} per broker.
     */
    public record Settings(String label, int brokers, int sessionTimeoutMs, int zookeeperTickMs, Map<String, String> brokerSettings,
                           Map<Integer, Map<String, String>> settingsByBroker) {
        public Settings {
            brokerSettings = Map.copyOf(brokerSettings);
            settingsByBroker = Map.copyOf(settingsByBroker);
            if (sessionTimeoutMs < 2 * zookeeperTickMs || sessionTimeoutMs > 20 * zookeeperTickMs) {
                throw new IllegalArgumentException("ZooKeeper grants sessions of 2 to 20 ticks only");
            }
        }

        public Settings(String label, int brokers, int sessionTimeoutMs, int zookeeperTickMs, Map<String, String> brokerSettings) {
            this(label, brokers, sessionTimeoutMs, zookeeperTickMs, brokerSettings, Map.of());
        }

        /** Three brokers, a 6 s session (tick 500 ms), no extra settings. */
        public static Settings of(String label) {
            return new Settings(label, 3, 6000, 500, Map.of());
        }

        public Settings withBrokerSettings(Map<String, String> settings) {
            Map<String, String> merged = new LinkedHashMap<>(brokerSettings);
            merged.putAll(settings);
            return new Settings(label, brokers, sessionTimeoutMs, zookeeperTickMs, merged, settingsByBroker);
        }

        /** {@code settings} for broker {@code id} only, over those of every broker. */
        public Settings withBrokerSettings(int id, Map<String, String> settings) {
            Map<Integer, Map<String, String>> byBroker = new TreeMap<>(settingsByBroker);
            Map<String, String> merged = new LinkedHashMap<>(byBroker.getOrDefault(id, Map.of()));
            merged.putAll(settings);
            byBroker.put(id, Map.copyOf(merged));
            return new Settings(label, brokers, sessionTimeoutMs, zookeeperTickMs, brokerSettings, byBroker);
        }

        public Settings withSessionTimeoutMs(int ms) {
            return new Settings(label, brokers, ms, zookeeperTickMs, brokerSettings, settingsByBroker);
        }

        /** What broker {@code id} is started with: the settings of every broker, then its own. */
        public Map<String, String> settingsOf(int id) {
            Map<String, String> merged = new LinkedHashMap<>(brokerSettings);
            merged.putAll(settingsByBroker.getOrDefault(id, Map.of()));
            return merged;
        }
    }

    private final Settings settings;
    private final Path dir;
    private final List<ChildProcess> all = new ArrayList<>();
    private final Map<Integer, Integer> ports = new TreeMap<>();
    private final Map<Integer, ChildProcess> brokers = new TreeMap<>();
    private final Map<Integer, Integer> incarnations = new TreeMap<>();
    private final Thread shutdownHook = new Thread(this::killAll, "process-cluster-shutdown");
    private ChildProcess zookeeper;
    private String connect;
    private ClusterMetadataStore store;
    private Admin admin;
    private boolean closed;
    /** Held from start to close: one cluster at a time across this module's test JVMs. */
    private ClusterTurn turn;

    private ProcessCluster(Settings settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
    }

    /**
     * Starts ZooKeeper and brokers 1..N and waits until every broker is registered and a controller
     * is elected. On any failure what was started is stopped before the exception leaves.
     */
    public static ProcessCluster start(Settings settings, Path dir) throws IOException {
        ProcessCluster cluster = new ProcessCluster(settings, dir);
        cluster.turn = ClusterTurn.take(settings.label());
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.startZooKeeper();
            for (int id = 1; id <= settings.brokers(); id++) {
                cluster.ports.put(id, freePort());
            }
            // launch all, then wait: their JVMs start in parallel
            for (int id = 1; id <= settings.brokers(); id++) {
                cluster.launch(id);
            }
            for (int id = 1; id <= settings.brokers(); id++) {
                cluster.awaitReady(id);
            }
            cluster.awaitRegistered(cluster.ids());
            cluster.awaitController();
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void startZooKeeper() throws IOException {
        Files.createDirectories(dir);
        zookeeper = ChildProcess.start("zookeeper", dir.resolve("zookeeper.log"), "128m", List.of("zookeeper",
                "--host", "127.0.0.1", "--port", "0", "--tick-ms", Integer.toString(settings.zookeeperTickMs()),
                "--data-dir", dir.resolve("zookeeper").toString()));
        all.add(zookeeper);
        connect = zookeeper.awaitReady(ZOOKEEPER_READY, START_TIMEOUT);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void launch(int id) throws IOException {
        int incarnation = incarnations.merge(id, 1, Integer::sum);
        List<String> args = new ArrayList<>(List.of("server", "broker.id=" + id,
                "listeners=PLAINTEXT://127.0.0.1:" + ports.get(id), "log.dirs=" + dataDir(id), "zookeeper.connect=" + connect,
                "zookeeper.session.timeout.ms=" + settings.sessionTimeoutMs(), "num.io.threads=2", "num.network.threads=1"));
        settings.settingsOf(id).forEach((k, v) -> args.add(k + "=" + v));
        ChildProcess broker = ChildProcess.start("broker-" + id + "#" + incarnation,
                dir.resolve("broker-" + id + "-" + incarnation + ".log"), "256m", args);
        all.add(broker);
        brokers.put(id, broker);
    }

    private void awaitReady(int id) throws IOException {
        brokers.get(id).awaitReady(BROKER_READY, START_TIMEOUT);
    }

    // ---- failures

    /** Starts broker {@code id} again on its data directory and port (after {@link #kill}); waits until it serves. */
    public void start(int id) throws IOException {
        ChildProcess current = brokers.get(id);
        if (current != null && current.isAlive()) {
            throw new IllegalStateException(current + " is still running");
        }
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            launch(id);
            try {
                awaitReady(id);
                return;
            } catch (IOException e) {
                // the port of the killed process may linger a moment: try again
                last = e;
                brokers.get(id).kill();
            }
        }
        throw last;
    }

    /**
     * Starts broker {@code id} again on its data directory and port without waiting for it to serve
     * (a test watching what it does during its start-up); {@link #awaitStarted} waits for it.
     */
    public void launch(int id, boolean wait) throws IOException {
        ChildProcess current = brokers.get(id);
        if (current != null && current.isAlive()) {
            throw new IllegalStateException(current + " is still running");
        }
        launch(id);
        if (wait) {
            awaitReady(id);
        }
    }

    /** Waits until broker {@code id}, launched with {@link #launch(int, boolean)}, serves. */
    public void awaitStarted(int id) throws IOException {
        awaitReady(id);
    }

    /** kill -9 of broker {@code id}; returns once the process is gone. */
    public void kill(int id) {
        LOG.log(System.Logger.Level.INFO, "kill -9 broker {0}", id);
        brokers.get(id).kill();
    }

    /** SIGTERM of broker {@code id}: its clean shutdown (a controlled shutdown first); returns once it exited. */
    public void terminate(int id) {
        LOG.log(System.Logger.Level.INFO, "SIGTERM broker {0}", id);
        brokers.get(id).terminate(Duration.ofSeconds(90));
    }

    /** SIGSTOP of broker {@code id}: it holds its sockets and session but does nothing. */
    public void pause(int id) {
        LOG.log(System.Logger.Level.INFO, "SIGSTOP broker {0}", id);
        brokers.get(id).pause();
    }

    /** SIGCONT of broker {@code id}. */
    public void resume(int id) {
        LOG.log(System.Logger.Level.INFO, "SIGCONT broker {0}", id);
        brokers.get(id).resume();
    }

    /** Resumes paused brokers and starts killed ones again: a test that failed midway leaves the next a whole cluster. */
    public void restoreAll() throws IOException {
        for (int id : ids()) {
            ChildProcess broker = brokers.get(id);
            if (broker != null && broker.isAlive() && broker.isPaused()) {
                resume(id);
            } else if (broker == null || !broker.isAlive()) {
                start(id);
            }
        }
    }

    // ---- what the cluster looks like

    public Settings settings() {
        return settings;
    }

    public Set<Integer> ids() {
        return new TreeSet<>(ports.keySet());
    }

    /** Brokers whose process runs and is not paused. */
    public Set<Integer> running() {
        return brokers.entrySet().stream().filter(e -> e.getValue().isAlive() && !e.getValue().isPaused())
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
    }

    public String zookeeperConnect() {
        return connect;
    }

    /** {@code 127.0.0.1:port} of broker {@code id} (the same across restarts). */
    public String address(int id) {
        return "127.0.0.1:" + ports.get(id);
    }

    /** Every broker's address, for bootstrap.servers. */
    public String bootstrap() {
        return ports.keySet().stream().map(this::address).collect(Collectors.joining(","));
    }

    public Path dataDir(int id) {
        return dir.resolve("data-" + id);
    }

    /** The log storage engine broker {@code id} keeps its topics in ({@code log.storage}, {@code file} unless set). */
    public String storageEngine(int id) {
        return settings.settingsOf(id).getOrDefault("log.storage", "file");
    }

    public long pid(int id) {
        return brokers.get(id).pid();
    }

    /** Everything broker {@code id} logged, all incarnations in order. */
    public String log(int id) {
        StringBuilder text = new StringBuilder();
        for (int n = 1; n <= incarnations.getOrDefault(id, 0); n++) {
            try {
                text.append(Files.readString(dir.resolve("broker-" + id + "-" + n + ".log")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text.toString();
    }

    /** The log of broker {@code id}'s current incarnation. */
    public String currentLog(int id) {
        try {
            return Files.readString(brokers.get(id).log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * An observer session on the cluster metadata store (it registers nothing and never stands for
     * controller), opened on first use.
     */
    public synchronized ClusterMetadataStore store() {
        if (store == null) {
            store = ClusterMetadataStores.open(Map.of(ClusterMetadataStores.ZOOKEEPER_CONNECT, connect,
                    "zookeeper.session.timeout.ms", "20000"), Time.SYSTEM);
        }
        return store;
    }

    /** A kafka-clients Admin bootstrapped with every broker, opened on first use. */
    public synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100));
        }
        return admin;
    }

    /** What broker {@code id} answers to a Metadata request naming {@code topics} (all topics if none). */
    public BrokerMetadata metadataOf(int id, String... topics) throws IOException {
        return BrokerMetadata.fetch(address(id), List.of(topics));
    }

    /** Live brokers and their epochs as the store has them. */
    public Map<Integer, Long> brokerEpochs() {
        Map<Integer, Long> epochs = new TreeMap<>();
        for (RegisteredBroker b : store().liveBrokers().values()) {
            epochs.put(b.id(), b.epoch());
        }
        return epochs;
    }

    /** Waits until exactly {@code ids} are registered in the store; returns their epochs. */
    public Map<Integer, Long> awaitRegistered(Set<Integer> ids) {
        return Await.until("brokers " + ids + " registered", Duration.ofSeconds(60), this::brokerEpochs,
                epochs -> epochs.keySet().equals(ids));
    }

    /** Waits until the store names a controller; returns its id. */
    public int awaitController() {
        return Await.until("a controller elected", Duration.ofSeconds(60), () -> store().controllerId(), OptionalInt::isPresent)
                .getAsInt();
    }

    // ---- stopping

    private synchronized void killAll() {
        for (ChildProcess p : all) {
            if (p.isAlive()) {
                p.kill();
            }
        }
    }

    /** Kills every process (brokers first, ZooKeeper last), closes the observers and keeps the logs. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the admin failed", e);
        }
        for (ChildProcess p : all) {
            if (p != zookeeper && p.isAlive()) {
                p.kill();
            }
        }
        try {
            if (store != null) {
                store.close();
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the observer store session failed", e);
        }
        killAll();
        keepLogs();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // closing from the hook itself
        }
        if (turn != null) {
            turn.close(); // every process is gone: the other test JVM may start its cluster
        }
    }

    private void keepLogs() {
        try {
            Path target = Path.of("target", "process-cluster-logs", settings.label());
            Files.createDirectories(target);
            for (ChildProcess p : all) {
                if (Files.exists(p.log())) {
                    Files.copy(p.log(), target.resolve(p.log().getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "keeping the process logs failed", e);
        }
    }

    @Override
    public String toString() {
        return "ProcessCluster" + brokers.values();
    }
}
