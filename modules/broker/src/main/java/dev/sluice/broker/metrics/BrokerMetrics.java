package dev.sluice.broker.metrics;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.broker.metadata.MetadataCache;
import dev.sluice.broker.metadata.PartitionState;
import dev.sluice.broker.metadata.TopicState;
import dev.sluice.broker.network.NetworkMetrics;
import dev.sluice.broker.network.RequestObserver;
import dev.sluice.broker.replica.ReplicaEvents;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.PartitionRole;

import java.io.IOException;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A broker's metrics, assembled: the {@link MetricRegistry} (with JMX under Kafka's names unless
 * {@code metrics.jmx.enable=false}), the request metrics the network layer reports to, the topic
 * traffic meters the replica manager reports to, and, once the broker's parts exist
 * ({@link #start}), the gauges read from them, the collectors (partitions, group lag, JVM), the
 * 5 s ticker and the Prometheus endpoint ({@code metrics.port}, off by default).
 *
 * <p>Threads: built and started on the broker's start-up thread, closed on its shutdown thread;
 * the parts say who calls them.
 */
public final class BrokerMetrics implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BrokerMetrics.class.getName());

    /** What the gauges read. {@code activeController} null: a single node, its own controller. */
    public record Sources(PartitionManager partitions, MetadataCache metadata, OffsetStore offsets, NetworkMetrics network,
                          int networkThreads, int ioThreads, java.util.function.IntSupplier queuedRequests,
                          BooleanSupplier activeController) {
    }

    private final MetricRegistry registry;
    private final RequestMetrics requests;
    private final BrokerTopicMetrics topics;
    private final boolean enabled;
    private final int port;
    private final String host;
    private MetricsHttpServer http;

    private BrokerMetrics(MetricRegistry registry, boolean enabled, int port, String host) {
        this.registry = registry;
        this.enabled = enabled;
        this.requests = new RequestMetrics(registry);
        this.topics = new BrokerTopicMetrics(registry);
        this.port = port;
        this.host = host;
    }

    /** The registry and the request and topic metrics, before the server is built (it reports to them). */
    public static BrokerMetrics create(ConfigValues config, Time time) {
        boolean enabled = config.getBoolean("metrics.enable");
        return new BrokerMetrics(new MetricRegistry(time, enabled && config.getBoolean("metrics.jmx.enable")), enabled,
                config.getInt("metrics.port"), config.getString("metrics.host"));
    }

    /** What the network layer tells of finished requests: the request metrics, or nobody with metrics off. */
    public RequestObserver requestObserver() {
        return enabled ? requests : RequestObserver.NONE;
    }

    /** What the request handler tags requests and counts errors with; null with metrics off. */
    public RequestMetrics requestMetrics() {
        return enabled ? requests : null;
    }

    /** What the replica manager tells of traffic and ISR changes. */
    public ReplicaEvents replicaEvents() {
        return enabled ? topics : ReplicaEvents.NONE;
    }

    public MetricRegistry registry() {
        return registry;
    }

    public BrokerTopicMetrics topics() {
        return topics;
    }

    /** Registers the gauges over {@code sources}, starts ticking on {@code ticker} and the endpoint if configured. */
    public void start(Sources sources, Scheduler ticker) throws IOException {
        if (!enabled) {
            return;
        }
        PartitionMetrics.register(registry, sources.partitions());
        registerController(sources);
        registerNetwork(sources);
        registry.addCollector(new GroupLagMetrics(sources.offsets(), sources.partitions()));
        registry.addCollector(new JvmMetrics());
        registry.startTicking(ticker);
        if (port >= 0) {
            http = new MetricsHttpServer(host, port, registry::scrape);
            LOG.log(System.Logger.Level.INFO, () -> "Prometheus metrics on http://" + (host == null ? "0.0.0.0" : host)
                    + ":" + http.port() + "/metrics");
        }
    }

    private void registerController(Sources s) {
        BooleanSupplier active = s.activeController() != null ? s.activeController() : () -> true;
        registry.gauge(MetricName.of("kafka.controller", "KafkaController", "ActiveControllerCount"),
                "1 on the active controller, else 0", () -> active.getAsBoolean() ? 1 : 0);
        registry.gauge(MetricName.of("kafka.controller", "KafkaController", "OfflinePartitionsCount"),
                "partitions without a leader (reported by the active controller only, as Kafka)", () -> {
                    if (!active.getAsBoolean()) {
                        return 0;
                    }
                    if (s.activeController() == null) { // a single node: its own partitions whose storage is offline
                        return s.partitions().all().stream().filter(p -> p.role() instanceof PartitionRole.Offline).count();
                    }
                    return offlineInCluster(s.metadata());
                });
    }

    private static long offlineInCluster(MetadataCache metadata) {
        long n = 0;
        for (TopicState topic : metadata.snapshot().topics()) {
            for (PartitionState p : topic.partitions()) {
                if (p.leader() == PartitionState.NO_LEADER) {
                    n++;
                }
            }
        }
        return n;
    }

    private void registerNetwork(Sources s) {
        NetworkMetrics network = s.network();
        int processors = Math.max(1, s.networkThreads());
        Meter processorIdle = registry.hiddenMeter(network::processorIdleNanos, 1e-9);
        registry.gauge(MetricName.of("kafka.network", "SocketServer", "NetworkProcessorAvgIdlePercent"),
                "fraction of the last minute the network threads were idle (0..1)",
                () -> Math.min(1.0, processorIdle.oneMinuteRate() / processors));
        int handlers = Math.max(1, s.ioThreads());
        registry.timeFractionMeter(MetricName.of("kafka.server", "KafkaRequestHandlerPool", "RequestHandlerAvgIdlePercent"),
                "seconds the request handlers were idle, per handler thread: its rate is the idle fraction (0..1)",
                () -> network.handlerIdleNanos() / handlers);
        registry.gauge(MetricName.of("kafka.network", "RequestChannel", "RequestQueueSize"),
                "requests waiting for a request handler", () -> s.queuedRequests().getAsInt());
        registry.addCollector(out -> {
            List<String> none = List.of();
            out.family("sluice_network_connections", "gauge", "open client connections")
                    .sample("sluice_network_connections", none, none, network.activeConnections());
            out.family("sluice_network_received_bytes_total", "counter", "bytes read from client connections")
                    .sample("sluice_network_received_bytes_total", none, none, network.bytesIn());
            out.family("sluice_network_sent_bytes_total", "counter", "bytes written to client connections")
                    .sample("sluice_network_sent_bytes_total", none, none, network.bytesOut());
        });
    }

    /** Kafka's client-quota metrics over {@code quotas}' sensors (type=Produce|Fetch|Request, user, client-id). */
    public void quotas(dev.sluice.broker.quota.ClientQuotaManager quotas) {
        if (enabled) {
            QuotaMetrics.register(registry, quotas);
        }
    }

    /** The endpoint's port, -1 if it is off. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        registry.close();
    }
}
