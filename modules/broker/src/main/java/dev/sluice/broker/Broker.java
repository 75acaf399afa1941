package dev.sluice.broker;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterMetadataStores;
import dev.sluice.broker.cluster.ClusterNode;
import dev.sluice.broker.cluster.ControlledShutdown;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.control.ControlFence;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.group.CoordinatorPartitions;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.metadata.MetadataCache;
import dev.sluice.broker.metrics.BrokerMetrics;
import dev.sluice.broker.network.Endpoint;
import dev.sluice.broker.network.RequestHandler;
import dev.sluice.broker.network.SocketServer;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.replica.ReplicaManager;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A broker, on its own or (with {@code zookeeper.connect}) in a cluster: storage engine, topic catalogue,
 * partitions, Kafka API handlers and the network server, started in that order ({@link BrokerAssembly}) and
 * closed in reverse ({@link BrokerParts}). {@link #close()} is the clean shutdown: stop accepting, finish
 * in-flight requests, flush, mark the log directory clean. What each part is told comes from
 * {@link ComponentSettings}; the periodic chores are {@link Housekeeping}'s.
 *
 * <p>{@code start} and {@link #close()} run on the caller's thread (close once); the getters may be
 * called from any thread once started.
 */
public final class Broker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Broker.class.getName());
    /** How long a controlled shutdown waits for the LeaderAndIsr that follows the controller's answer. */
    private static final long CONTROLLED_SHUTDOWN_LEADER_AND_ISR_WAIT_MS = 5_000;
    /** Where a single node keeps what a cluster keeps in ZooKeeper (its dynamic broker configs), under the log directory. */
    public static final String LOCAL_METADATA_DIR = ".cluster-metadata";

    private final BrokerConfig config;
    /** What was started; written before this broker exists, so any thread sees it through this final field. */
    private final BrokerParts parts;
    private final List<Endpoint> advertised;
    private final String clusterId;
    private final BrokerState state;

    Broker(BrokerConfig config, BrokerParts parts, List<Endpoint> advertised, String clusterId, BrokerState state) {
        this.config = config;
        this.parts = parts;
        this.advertised = advertised;
        this.clusterId = clusterId;
        this.state = state;
    }

    public static Broker start(BrokerConfig config) throws IOException {
        return start(config, Time.SYSTEM);
    }

    public static Broker start(BrokerConfig config, Time time) throws IOException {
        return start(config, time, Scheduler::newThread);
    }

    /** Makes the broker's timer schedulers, one per named timer thread; each is closed with the broker. */
    @FunctionalInterface
    public interface Schedulers {
        Scheduler create(String threadName);
    }

    /**
     * Starts with the given clock and timers: housekeeping and the group coordinator's deadlines run
     * on schedulers from {@code schedulers} (a test may hand out one manual clock for both).
     */
    public static Broker start(BrokerConfig config, Time time, Schedulers schedulers) throws IOException {
        return start(config, time, schedulers, settings -> ClusterMetadataStores.open(settings, time));
    }

    /** Opens the cluster metadata store of a broker with {@code zookeeper.connect}. */
    @FunctionalInterface
    public interface ClusterStores {
        ClusterMetadataStore open(Map<String, String> settings);
    }

    /**
     * As {@link #start(BrokerConfig, Time, Schedulers)}; with {@code zookeeper.connect} set the broker
     * joins the cluster through the store {@code stores} opens (tests hand out sessions of one
     * in-process state).
     */
    public static Broker start(BrokerConfig config, Time time, Schedulers schedulers, ClusterStores stores)
            throws IOException {
        return start(config, time, schedulers, stores, UnaryOperator.identity());
    }

    /**
     * As {@link #start(BrokerConfig, Time, Schedulers, ClusterStores)}, with every request passing through
     * {@code requestPath} before the Kafka request handler. Package-private, for tests only: the ACL tests
     * give connections principals through it ({@code NetworkRequest.authenticatedAs}) without a login.
     */
    static Broker start(BrokerConfig config, Time time, Schedulers schedulers, ClusterStores stores,
                        UnaryOperator<RequestHandler> requestPath) throws IOException {
        return BrokerAssembly.start(config, time, schedulers, stores, requestPath);
    }

    public BrokerConfig config() {
        return config;
    }

    public String clusterId() {
        return clusterId;
    }

    /** Where clients should connect, per listener (ports resolved after binding). */
    public List<Endpoint> advertisedListeners() {
        return advertised;
    }

    /** {@code host:port} of the first advertised listener: a client's bootstrap.servers. */
    public String bootstrapServers() {
        Endpoint first = advertised.get(0);
        return first.host() + ":" + first.port();
    }

    public PartitionManager partitions() {
        return parts.partitions;
    }

    /** The replica manager (tests stop a follower's fetching through it while the broker stays up). */
    public ReplicaManager replicaManager() {
        return parts.replicas;
    }

    /** The cluster as this broker knows it (Metadata, DescribeCluster answer from it). */
    public MetadataCache metadataCache() {
        return state.metadata();
    }

    /** The fence of the controller's requests; cluster registration sets this broker's epoch in it. */
    public ControlFence controlFence() {
        return state.control();
    }

    public SocketServer server() {
        return parts.server;
    }

    /** The broker's metrics (registry, Prometheus endpoint port). */
    public BrokerMetrics metrics() {
        return parts.metrics;
    }

    public GroupCoordinator groupCoordinator() {
        return parts.groups;
    }

    /** The transaction coordinator of the {@code __transaction_state} partitions this broker leads. */
    public dev.sluice.broker.txn.TransactionCoordinator transactionCoordinator() {
        return parts.transactions.coordinator();
    }

    /** Which partitions of {@code __consumer_offsets} (so which groups) this broker coordinates now. */
    public CoordinatorPartitions coordinatorPartitions() {
        return parts.coordinatorPartitions;
    }

    /** Clean shutdown: stop accepting, finish in-flight requests, close logs (flushing), mark clean. */
    @Override
    public void close() {
        LOG.log(System.Logger.Level.INFO, "Sluice broker " + config.nodeId() + " shutting down");
        ClusterNode cluster = parts.cluster;
        if (cluster != null && config.controlledShutdownEnable() && cluster.otherLiveBrokers()) {
            // while still serving: the controller's LeaderAndIsr making this broker a follower must get in
            if (cluster.controlledShutdown(config.controlledShutdownMaxRetries(),
                    config.controlledShutdownRetryBackoffMs()) instanceof ControlledShutdown.Outcome.Done) {
                awaitFollowing(CONTROLLED_SHUTDOWN_LEADER_AND_ISR_WAIT_MS);
            }
        }
        parts.server.stopAccepting();
        parts.replicas.stopReplicaFetching(); // before anything closes: no fetcher appends during the shutdown
        parts.close();
        LOG.log(System.Logger.Level.INFO, "Sluice broker " + config.nodeId() + " stopped cleanly");
    }

    /**
     * After a controlled shutdown, waits (at most {@code timeoutMs}) until the controller's LeaderAndIsr
     * has made this broker a follower of every replicated partition it led, so that no producer still
     * appends here while another replica leads.
     */
    private void awaitFollowing(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (parts.partitions.all().stream().anyMatch(p -> p.role() instanceof PartitionRole.Leader
                && p.isr().assignment() != null && p.isr().assignment().replicas().size() > 1)) {
            if (System.nanoTime() > deadline) {
                LOG.log(System.Logger.Level.WARNING, "broker {0}: the controller's LeaderAndIsr after the controlled "
                        + "shutdown did not arrive within {1} ms", config.nodeId(), timeoutMs);
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** This broker's part in a cluster, if it has {@code zookeeper.connect}. */
    public Optional<ClusterNode> cluster() {
        return Optional.ofNullable(parts.cluster);
    }
}
