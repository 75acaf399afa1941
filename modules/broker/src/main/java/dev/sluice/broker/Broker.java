package dev.sluice.broker;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterMetadataStores;
import dev.sluice.api.cluster.InProcessMetadataStore;
import dev.sluice.broker.cleaner.CleanerSettings;
import dev.sluice.broker.cleaner.LogCleaner;
import dev.sluice.broker.config.DynamicBrokerConfig;
import dev.sluice.broker.cluster.ClusterNode;
import dev.sluice.broker.cluster.ControlledShutdown;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.cluster.ControllerAlterPartitionSender;
import dev.sluice.broker.cluster.ClusterTopicRegistry;
import dev.sluice.broker.controller.ClusterTopicAdmin;
import dev.sluice.broker.producer.ClusterProducerIdBlockStore;
import dev.sluice.broker.producer.ProducerIdBlockStore;
import dev.sluice.broker.topic.TopicRegistry;
import java.util.Optional;
import dev.sluice.broker.interbroker.InterBrokerSecurity;
import dev.sluice.api.offset.OffsetStore;
import dev.sluice.broker.api.ApiRouter;
import dev.sluice.broker.api.Authorization;
import dev.sluice.api.security.Authorizer;
import dev.sluice.api.security.AuthorizerContext;
import dev.sluice.api.security.Authorizers;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.control.ControlFence;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.LocalMetadataPublisher;
import dev.sluice.broker.metadata.MetadataCache;
import dev.sluice.broker.api.KafkaRequestHandler;
import dev.sluice.broker.api.QuotaHandlers;
import dev.sluice.broker.quota.ClientQuotaManager;
import dev.sluice.broker.quota.ClientQuotas;
import dev.sluice.broker.security.sasl.SaslApis;
import dev.sluice.broker.security.sasl.SaslAuthentication;
import dev.sluice.broker.security.sasl.ScramCredentialStore;
import dev.sluice.broker.cluster.ClusterIdentity;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.cluster.ClusterOffsetsTopic;
import dev.sluice.broker.group.CoordinatorPartitions;
import dev.sluice.broker.group.PartitionedOffsetStore;
import dev.sluice.broker.group.offset.LogOffsetStore;
import dev.sluice.broker.group.offset.LogOffsetStoreProvider;
import dev.sluice.broker.group.offset.ReplicatedCommits;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.group.GroupOffsets;
import dev.sluice.broker.group.api.GroupApis;
import dev.sluice.broker.group.offset.BrokerTopicEngine;
import dev.sluice.broker.group.offset.OffsetStoreProviders;
import dev.sluice.broker.metrics.BrokerMetrics;
import dev.sluice.broker.network.Endpoint;
import dev.sluice.broker.network.SocketServer;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.replica.ReplicaFetchingProvider;
import dev.sluice.broker.replica.ReplicaManager;
import dev.sluice.broker.partition.StorageEngines;
import dev.sluice.broker.producer.FileProducerIdBlockStore;
import dev.sluice.broker.producer.ProducerIdAllocator;
import dev.sluice.broker.topic.TopicDefaults;
import dev.sluice.broker.topic.FileTopicRegistry;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.ComponentSettings.controllerSettings;
import static dev.sluice.broker.ComponentSettings.groupConfig;
import static dev.sluice.broker.ComponentSettings.offsetStoreSettings;
import static dev.sluice.broker.ComponentSettings.storeSettings;
import static dev.sluice.broker.ComponentSettings.topicDefaults;
import static dev.sluice.broker.Housekeeping.runQuietly;

/**
 * A broker, on its own or (with {@code zookeeper.connect}) in a cluster: storage engine, topic catalogue,
 * partitions, Kafka API handlers and the network server, started in that order and closed in reverse.
 * {@link #close()} is the clean shutdown: stop accepting, finish in-flight requests, flush, mark the log
 * directory clean. What each part is told comes from {@link ComponentSettings}; the periodic chores are
 * {@link Housekeeping}'s.
 *
 * <p>{@code start} and {@link #close()} run on the caller's thread (close once); the getters may be
 * called from any thread once started.
 */
public final class Broker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Broker.class.getName());
    /** How long one AlterPartition may take before it is sent again (retries on NOT_CONTROLLER included). */
    private static final long ALTER_PARTITION_TIMEOUT_MS = 30_000;
    /** How long a controlled shutdown waits for the LeaderAndIsr that follows the controller's answer. */
    private static final long CONTROLLED_SHUTDOWN_LEADER_AND_ISR_WAIT_MS = 5_000;

    private final BrokerConfig config;
    private final PartitionManager partitions;
    private final ReplicaManager replicas;
    private final OffsetStore offsetStore;
    private final GroupCoordinator groups;
    private final CoordinatorPartitions coordinatorPartitions;
    private final SocketServer server;
    private final Scheduler housekeeping;
    private final List<Endpoint> advertised;
    private final String clusterId;
    private final BrokerState state;
    /** This broker's part in a cluster; null on a single node. */
    private final ClusterNode cluster;
    /** The transaction coordinator (issue #12). */
    private final dev.sluice.broker.txn.Transactions transactions;
    /** The log cleaner (issue #13). */
    private final LogCleaner cleaner;
    /** A single node's store of its dynamic broker configs ({@value #LOCAL_METADATA_DIR}); null in a cluster. */
    private final InProcessMetadataStore localConfigStore;
    private final BrokerMetrics metrics;
    /** Where a single node keeps what a cluster keeps in ZooKeeper (its dynamic broker configs), under the log directory. */
    public static final String LOCAL_METADATA_DIR = ".cluster-metadata";

    private Broker(BrokerConfig config, PartitionManager partitions, ReplicaManager replicas, OffsetStore offsetStore,
                   GroupCoordinator groups, CoordinatorPartitions coordinatorPartitions, SocketServer server,
                   Scheduler housekeeping, List<Endpoint> advertised, String clusterId, BrokerState state,
                   ClusterNode cluster, InProcessMetadataStore localConfigStore,
                   dev.sluice.broker.txn.Transactions transactions, LogCleaner cleaner, BrokerMetrics metrics) {
        this.transactions = transactions;
        this.cleaner = cleaner;
        this.metrics = metrics;
        this.localConfigStore = localConfigStore;
        this.coordinatorPartitions = coordinatorPartitions;
        this.state = state;
        this.cluster = cluster;
        this.config = config;
        this.partitions = partitions;
        this.replicas = replicas;
        this.offsetStore = offsetStore;
        this.groups = groups;
        this.server = server;
        this.housekeeping = housekeeping;
        this.advertised = advertised;
        this.clusterId = clusterId;
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

    /**
     * The authorizer {@code authorizer.class.name} names (found by ServiceLoader), started over the store
     * where this broker keeps shared state; {@link Authorization#NONE} without the setting.
     */
    private static Authorization authorization(BrokerConfig config, ClusterMetadataStore store, Time time) {
        String name = config.values().getString("authorizer.class.name").trim();
        if (name.isEmpty()) {
            return Authorization.NONE;
        }
        Authorizer authorizer = Authorizers.load(name);
        authorizer.start(new AuthorizerContext(config.nodeId(), config.originals(), store, time));
        LOG.log(System.Logger.Level.INFO, "authorizing requests with " + authorizer.getClass().getName());
        return Authorization.by(authorizer);
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
        return start(config, time, schedulers, stores, java.util.function.UnaryOperator.identity());
    }

    /**
     * As {@link #start(BrokerConfig, Time, Schedulers, ClusterStores)}, with every request passing through
     * {@code requestPath} before the Kafka request handler. Package-private, for tests only: the ACL tests
     * give connections principals through it ({@code NetworkRequest.authenticatedAs}) without a login.
     */
    static Broker start(BrokerConfig config, Time time, Schedulers schedulers, ClusterStores stores,
                        java.util.function.UnaryOperator<dev.sluice.broker.network.RequestHandler> requestPath)
            throws IOException {
        long started = System.nanoTime();
        for (String ignored : config.ignoredKeys()) {
            LOG.log(System.Logger.Level.WARNING, "ignoring setting '" + ignored + "': it has no effect in Sluice");
        }
        List<Path> logDirs = config.logDirs().stream().map(d -> d.toAbsolutePath().normalize()).distinct().toList();
        Path logDir = logDirs.get(0); // the broker's own state lives in the first; partitions spread over all
        // in a cluster the store holds the cluster id (the first broker's proposal wins)
        ClusterMetadataStore store = config.zookeeperConnect().isPresent() ? stores.open(storeSettings(config)) : null;
        ClusterIdentity identity;
        try {
            identity = ClusterIdentity.loadOrCreate(logDirs, config.nodeId(), store == null ? config.clusterId()
                    : store.clusterId(config.clusterId() != null ? config.clusterId() : ClusterIdentity.newClusterId()));
        } catch (RuntimeException e) {
            if (store != null) {
                store.close();
            }
            throw e;
        }
        StorageEngines engines = new StorageEngines(logDirs, config.logStorage(), config.originals(), time)
                .logDirMoveRate(config.values().getLong("replica.alter.log.dirs.io.max.bytes.per.second")).openDefault();
        PartitionManager partitions = null;
        ReplicaManager replicas = null;
        OffsetStore offsetStore = null;
        GroupCoordinator groups = null;
        CoordinatorPartitions coordinatorPartitions = null;
        SocketServer server = null;
        Scheduler housekeeping = null;
        ClusterNode cluster = null;
        InProcessMetadataStore localConfigStore = null;
        dev.sluice.broker.txn.Transactions transactions = null;
        LogCleaner cleaner = null;
        Authorization authorization = null;
        BrokerMetrics metrics = null;
        try {
            // dynamic broker configs live in the cluster store; a single node keeps a store of its own for them
            localConfigStore = store == null ? InProcessMetadataStore.standalone(logDir.resolve(LOCAL_METADATA_DIR)) : null;
            DynamicBrokerConfig dynamicConfig = DynamicBrokerConfig.load(config, store != null ? store : localConfigStore);
            TopicDefaults defaults = topicDefaults(dynamicConfig.current());
            TopicRegistry topicRegistry = store == null ? new FileTopicRegistry(logDir)
                    : new ClusterTopicRegistry(new FileTopicRegistry(logDir), store, config.logStorage());
            if (topicRegistry instanceof ClusterTopicRegistry clustered) {
                clustered.reloadAllConfigs(); // changed while this broker was away: the partitions open with them
            }
            partitions = new PartitionManager(engines, topicRegistry, defaults, time, config.maxBrokerPartitions());
            if (store != null) {
                partitions.rolesFromController(); // a restarted broker acknowledges nothing before the controller speaks
            }
            partitions.startup();
            PartitionManager withDefaults = partitions;
            dynamicConfig.onChange(changed -> withDefaults.updateDefaults(topicDefaults(changed)));
            replicas = new ReplicaManager(config.nodeId(), partitions, schedulers.create("sluice-delayed-op-timer"),
                    config.values().getLong("replica.lag.time.max.ms"));
            if (topicRegistry instanceof ClusterTopicRegistry clustered) {
                clustered.onRecreated(replicas::topicRecreated); // deleted and re-created while this broker missed it
            }
            BrokerTopicEngine offsetsEngine = new BrokerTopicEngine(logDir, partitions, config.offsetsTopicNumPartitions(),
                    config.offsetsTopicSegmentBytes());
            // a single node loads every group before clients can connect (its first OffsetFetch sees every
            // commit); a cluster broker loads the partitions of __consumer_offsets it comes to lead
            offsetStore = store == null
                    ? OffsetStoreProviders.byName(config.offsetsStore()).open(offsetsEngine, offsetStoreSettings(config), time)
                    : LogOffsetStoreProvider.openUnloaded(offsetsEngine, offsetStoreSettings(config), time);
            groups = new GroupCoordinator(groupConfig(config), offsetStore, time, schedulers.create("sluice-group-timer"));
            if (offsetStore instanceof PartitionedOffsetStore partitioned) {
                coordinatorPartitions = CoordinatorPartitions.following(partitioned, groups,
                        schedulers.create("sluice-group-loader"));
            } else {
                coordinatorPartitions = CoordinatorPartitions.everything(groups);
            }
            PartitionManager hosted = partitions;
            if (store == null) {
                coordinatorPartitions.loadedAtStartup(p -> hosted.partition(LogOffsetStore.TOPIC, p)
                        .map(Partition::leaderEpoch).orElse(0));
            }
            replicas.onLeadershipChange(coordinatorPartitions.leadershipListener(() -> hosted.topics()
                    .get(LogOffsetStore.TOPIC).map(TopicMetadata::partitions).orElse(0)));
            GroupOffsets offsets = new GroupOffsets(groups, offsetStore instanceof PartitionedOffsetStore partitioned
                    ? new ReplicatedCommits(partitioned, partitions, replicas, config.offsetsCommitTimeoutMs())
                    : GroupOffsets.CommitAcknowledgement.IMMEDIATE);
            // offsets of deleted topics go with them; the start-up sweep covers a crash mid-delete
            PartitionManager catalogue = partitions;
            offsets.removeOffsetsOfDeletedPartitions(tp -> !catalogue.topics().get(tp.topic())
                    .map(t -> tp.partition() < t.partitions()).orElse(false));
            partitions.onTopicDeleted(topic -> offsets.removeOffsetsOfDeletedPartitions(
                    tp -> tp.topic().equals(topic.name())));

            metrics = BrokerMetrics.create(config.values(), time);
            replicas.events(metrics.replicaEvents());
            partitions.replicaEvents(metrics.replicaEvents());
            BrokerMetrics withTopics = metrics;
            partitions.onTopicDeleted(topic -> withTopics.topics().topicDeleted(topic.name()));
            DelegatingHandler handler = new DelegatingHandler();
            server = new SocketServer(config.socketServerConfig(), handler, time, metrics.requestObserver());
            List<Endpoint> advertised = config.advertisedListeners(server.boundEndpoints());
            Endpoint first = advertised.get(0);
            String interBroker = config.interBrokerListener();
            InterBrokerSecurity interBrokerSecurity = InterBrokerSecurity.from(config); // TLS: reads the stores now
            // nothing changes topics until the server starts: the publisher's first pass sees them all
            String rack = config.brokerRack().orElse(null);
            Map<String, BrokerNode.Address> addresses = new java.util.HashMap<>();
            advertised.forEach(e -> addresses.put(e.listenerName(), new BrokerNode.Address(e.host(), e.port())));
            MetadataCache metadata = new MetadataCache(new BrokerNode(config.nodeId(), first.host(), first.port(), rack,
                    addresses));
            replicas.liveBrokers(id -> metadata.snapshot().isAlive(id)); // DeleteRecords' low watermark counts live followers
            if (store == null) {
                LocalMetadataPublisher.attach(metadata, partitions); // in a cluster only the controller fills it
            } else {
                // a topic deleted in the cluster takes the committed offsets of the groups coordinated here along
                metadata.onPartitionsDeleted(deleted -> runQuietly("removing offsets of deleted partitions",
                        () -> offsets.removeOffsetsOfDeletedPartitions(deleted::contains)));
            }
            ProducerIdBlockStore producerIds = store == null ? new FileProducerIdBlockStore(logDir)
                    : new ClusterProducerIdBlockStore(store, config.nodeId());
            ControlFence fence = new ControlFence();
            if (store != null) { // what the controller queued for a previous run of this broker must not apply to this one
                fence.expectRegistration(2L * config.zookeeperSessionTimeoutMs() + 10_000);
            }
            authorization = authorization(config, store != null ? store : localConfigStore, time);
            BrokerState state = new BrokerState(config.nodeId(), identity.clusterId(), first.host(), first.port(), rack,
                    partitions, replicas, new ProducerIdAllocator(producerIds), time, dynamicConfig, metadata, fence, authorization);
            ApiRouter router = new ApiRouter(state, config.deleteTopicEnable(), first.listenerName(),
                    store == null ? null : new ClusterTopicAdmin(store, new java.util.Random()));
            ClusterOffsetsTopic offsetsTopic = store == null ? null : new ClusterOffsetsTopic(store,
                    new ClusterTopicAdmin(store, new java.util.Random()), config.offsetsTopicNumPartitions(),
                    config.offsetsTopicReplicationFactor(), BrokerTopicEngine.internalTopicConfigs(config.offsetsTopicSegmentBytes()));
            GroupApis.register(router, groups, offsets, state, coordinatorPartitions, offsetsTopic);
            // markers replicated on __consumer_offsets make a transaction's pending offsets committed or drop them
            replicas.txnMarkers().listener((producerId, committed, offsetsPartitions) -> offsetsPartitions.forEach(
                    tp -> offsets.transactionCompleted(tp.partition(), producerId, committed)));
            transactions = dev.sluice.broker.txn.Transactions.start(config, logDir, partitions, replicas, state, router,
                    store, time, schedulers::create);
            // client quotas live with the dynamic configs: the cluster store, or this node's own
            ClientQuotas clientQuotas = ClientQuotas.load(store != null ? store : localConfigStore);
            QuotaHandlers.register(router, clientQuotas);
            housekeeping = schedulers.create("sluice-housekeeping"); // also delays the answers to failed logins
            // SCRAM credentials live with the users' quotas: /config/users/<user>
            ScramCredentialStore scramCredentials = ScramCredentialStore.load(store != null ? store : localConfigStore);
            SaslApis.register(router, scramCredentials);
            SaslAuthentication sasl = config.sasl().listeners().isEmpty() ? null : new SaslAuthentication(config.sasl(),
                    scramCredentials, time, housekeeping);
            ClientQuotaManager quotaManager = new ClientQuotaManager(clientQuotas, new ClientQuotaManager.Settings(
                    config.values().getInt("quota.window.num"), 1000L * config.values().getInt("quota.window.size.seconds")));
            metrics.quotas(quotaManager);
            handler.target = requestPath.apply(new KafkaRequestHandler(router, quotaManager, time, metrics.requestMetrics(), sasl));
            if (store != null) {
                // followers copy their leaders' logs through the replication module, if installed
                replicas.replicaFetching(ReplicaFetchingProvider.load(new ReplicaFetchingProvider.Context(
                        config.nodeId(), state.control()::brokerEpoch, metadata, partitions,
                        config.replicaFetchSettings(), time, interBroker,
                        interBrokerSecurity.tls() == null ? null : config.interBrokerTls())));
            }
            server.start();

            Housekeeping.schedule(housekeeping, config, partitions, offsets);
            cleaner = new LogCleaner(partitions, () -> dynamicConfig.current().values(), time,
                    CleanerSettings.from(dynamicConfig.current().values()));
            cleaner.start();
            LogCleaner running = cleaner;
            dynamicConfig.onChange(changed -> running.reconfigure(CleanerSettings.from(changed.values())));
            if (store != null) {
                List<BrokerEndpoint> endpoints = advertised.stream().map(e -> new BrokerEndpoint(e.listenerName(),
                        e.securityProtocol().name(), e.host(), e.port())).toList();
                cluster = ClusterNode.start(config.nodeId(), endpoints, config.brokerRack(), interBrokerSecurity, store,
                        (ClusterTopicRegistry) topicRegistry, hostsTopic(partitions), catalogue::applyConfigs, state.control(),
                        controllerSettings(dynamicConfig.current()), housekeeping, time, config.zookeeperSessionTimeoutMs());
                router.attachController(cluster.controller(), cluster.controllerLink());
                ClusterNode node = cluster; // unclean.leader.election.enable may change at run time
                dynamicConfig.onChange(changed -> node.controller().settingsChanged(controllerSettings(changed)));
                replicas.alterPartitionSender(new ControllerAlterPartitionSender(cluster.controllerLink(),
                        state.control()::brokerEpoch, name -> hosted.topics().get(name).map(t -> t.id()),
                        ALTER_PARTITION_TIMEOUT_MS));
            }

            ClusterNode clusterNode = cluster;
            metrics.start(new BrokerMetrics.Sources(partitions, metadata, offsetStore, server.metrics(),
                    config.socketServerConfig().networkThreads(), config.socketServerConfig().ioThreads(), server::queuedRequests,
                    clusterNode == null ? null : () -> clusterNode.controller().isActive()), housekeeping);
            Broker broker = new Broker(config, partitions, replicas, offsetStore, groups, coordinatorPartitions, server,
                    housekeeping, advertised, identity.clusterId(), state, cluster, localConfigStore, transactions, cleaner,
                    metrics);
            LOG.log(System.Logger.Level.INFO, String.format("Sluice broker %d started in %d ms: listening on %s, "
                            + "advertised as %s, data in %s (%s storage, %d topics), cluster id %s",
                    config.nodeId(), (System.nanoTime() - started) / 1_000_000, server.boundEndpoints(), advertised,
                    logDir, config.logStorage(), partitions.topics().all().size(), identity.clusterId()));
            return broker;
        } catch (IOException | RuntimeException e) {
            if (cluster != null) {
                cluster.close();
            } else if (store != null) {
                store.close();
            }
            if (localConfigStore != null) {
                localConfigStore.close();
            }
            if (housekeeping != null) {
                housekeeping.close();
            }
            if (cleaner != null) {
                cleaner.close();
            }
            if (server != null) {
                server.close();
            }
            if (metrics != null) {
                metrics.close();
            }
            if (transactions != null) {
                transactions.close();
            }
            if (authorization != null) {
                authorization.close();
            }
            if (coordinatorPartitions != null) {
                coordinatorPartitions.close();
            }
            if (groups != null) {
                groups.close();
            }
            if (offsetStore != null) {
                offsetStore.close();
            }
            if (replicas != null) {
                replicas.close();
            }
            if (partitions != null) {
                partitions.close();
            } else {
                engines.close();
            }
            throw e;
        }
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
        return partitions;
    }

    /** The replica manager (tests stop a follower's fetching through it while the broker stays up). */
    public ReplicaManager replicaManager() {
        return replicas;
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
        return server;
    }

    /** The broker's metrics (registry, Prometheus endpoint port). */
    public BrokerMetrics metrics() {
        return metrics;
    }

    public GroupCoordinator groupCoordinator() {
        return groups;
    }

    /** The transaction coordinator of the {@code __transaction_state} partitions this broker leads. */
    public dev.sluice.broker.txn.TransactionCoordinator transactionCoordinator() {
        return transactions.coordinator();
    }

    /** Which partitions of {@code __consumer_offsets} (so which groups) this broker coordinates now. */
    public CoordinatorPartitions coordinatorPartitions() {
        return coordinatorPartitions;
    }

    /** Clean shutdown: stop accepting, finish in-flight requests, close logs (flushing), mark clean. */
    @Override
    public void close() {
        LOG.log(System.Logger.Level.INFO, "Sluice broker " + config.nodeId() + " shutting down");
        if (cluster != null && config.controlledShutdownEnable() && cluster.otherLiveBrokers()) {
            // while still serving: the controller's LeaderAndIsr making this broker a follower must get in
            if (cluster.controlledShutdown(config.controlledShutdownMaxRetries(),
                    config.controlledShutdownRetryBackoffMs()) instanceof ControlledShutdown.Outcome.Done) {
                awaitFollowing(CONTROLLED_SHUTDOWN_LEADER_AND_ISR_WAIT_MS);
            }
        }
        server.stopAccepting();
        replicas.stopReplicaFetching(); // before anything closes: no fetcher appends during the shutdown
        if (cluster != null) {
            cluster.close(); // resigns as controller, deregisters (the session ends with the store)
        }
        server.close();
        state.authorization().close();
        metrics.close();
        housekeeping.close();
        cleaner.close(); // before the logs close: a cleaning in progress stops, changing nothing
        transactions.close();
        coordinatorPartitions.close();
        groups.close();
        offsetStore.close();
        replicas.close(); // answers parked produces/fetches and stops their timer before the logs close
        partitions.close();
        if (localConfigStore != null) {
            localConfigStore.close();
        }
        LOG.log(System.Logger.Level.INFO, "Sluice broker " + config.nodeId() + " stopped cleanly");
    }

    /**
     * After a controlled shutdown, waits (at most {@code timeoutMs}) until the controller's LeaderAndIsr
     * has made this broker a follower of every replicated partition it led, so that no producer still
     * appends here while another replica leads.
     */
    private void awaitFollowing(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (partitions.all().stream().anyMatch(p -> p.role() instanceof PartitionRole.Leader
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

    private static java.util.function.Predicate<String> hostsTopic(PartitionManager partitions) {
        return topic -> partitions.all().stream().anyMatch(p -> p.topicPartition().topic().equals(topic));
    }

    /** This broker's part in a cluster, if it has {@code zookeeper.connect}. */
    public Optional<ClusterNode> cluster() {
        return Optional.ofNullable(cluster);
    }

    /** Lets the server be built before the handlers, which need the port it bound. */
    private static final class DelegatingHandler implements dev.sluice.broker.network.RequestHandler {
        volatile dev.sluice.broker.network.RequestHandler target;

        @Override
        public void handle(dev.sluice.broker.network.NetworkRequest request) throws Exception {
            target.handle(request);
        }
    }
}
