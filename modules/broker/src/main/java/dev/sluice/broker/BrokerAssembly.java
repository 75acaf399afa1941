package dev.sluice.broker;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.InProcessMetadataStore;
import dev.sluice.api.security.Authorizer;
import dev.sluice.api.security.AuthorizerContext;
import dev.sluice.api.security.Authorizers;
import dev.sluice.broker.api.ApiRouter;
import dev.sluice.broker.api.Authorization;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.api.KafkaRequestHandler;
import dev.sluice.broker.api.QuotaHandlers;
import dev.sluice.broker.cleaner.CleanerSettings;
import dev.sluice.broker.cleaner.LogCleaner;
import dev.sluice.broker.cluster.ClusterIdentity;
import dev.sluice.broker.cluster.ClusterNode;
import dev.sluice.broker.cluster.ClusterOffsetsTopic;
import dev.sluice.broker.cluster.ClusterTopicRegistry;
import dev.sluice.broker.cluster.ControllerAlterPartitionSender;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.DynamicBrokerConfig;
import dev.sluice.broker.control.ControlFence;
import dev.sluice.broker.controller.ClusterTopicAdmin;
import dev.sluice.broker.group.CoordinatorPartitions;
import dev.sluice.broker.group.GroupCoordinator;
import dev.sluice.broker.group.GroupOffsets;
import dev.sluice.broker.group.PartitionedOffsetStore;
import dev.sluice.broker.group.api.GroupApis;
import dev.sluice.broker.group.offset.BrokerTopicEngine;
import dev.sluice.broker.group.offset.LogOffsetStore;
import dev.sluice.broker.group.offset.LogOffsetStoreProvider;
import dev.sluice.broker.group.offset.OffsetStoreProviders;
import dev.sluice.broker.group.offset.ReplicatedCommits;
import dev.sluice.broker.interbroker.InterBrokerSecurity;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.metadata.LocalMetadataPublisher;
import dev.sluice.broker.metadata.MetadataCache;
import dev.sluice.broker.metrics.BrokerMetrics;
import dev.sluice.broker.network.Endpoint;
import dev.sluice.broker.network.NetworkRequest;
import dev.sluice.broker.network.RequestHandler;
import dev.sluice.broker.network.SocketServer;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionManager;
import dev.sluice.broker.partition.StorageEngines;
import dev.sluice.broker.producer.ClusterProducerIdBlockStore;
import dev.sluice.broker.producer.FileProducerIdBlockStore;
import dev.sluice.broker.producer.ProducerIdAllocator;
import dev.sluice.broker.producer.ProducerIdBlockStore;
import dev.sluice.broker.quota.ClientQuotaManager;
import dev.sluice.broker.quota.ClientQuotas;
import dev.sluice.broker.replica.ReplicaFetchingProvider;
import dev.sluice.broker.replica.ReplicaManager;
import dev.sluice.broker.security.sasl.SaslApis;
import dev.sluice.broker.security.sasl.SaslAuthentication;
import dev.sluice.broker.security.sasl.ScramCredentialStore;
import dev.sluice.broker.topic.FileTopicRegistry;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.topic.TopicRegistry;
import dev.sluice.broker.txn.Transactions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static dev.sluice.broker.ComponentSettings.controllerSettings;
import static dev.sluice.broker.ComponentSettings.groupConfig;
import static dev.sluice.broker.ComponentSettings.offsetStoreSettings;
import static dev.sluice.broker.ComponentSettings.storeSettings;
import static dev.sluice.broker.ComponentSettings.topicDefaults;
import static dev.sluice.broker.Housekeeping.runQuietly;

/**
 * Builds a {@link Broker} from its settings, subsystem by subsystem in dependency order: storage and the
 * topic catalogue, the group coordinator, the network server (bound, so the advertised ports are known),
 * the request path (authorization, the API handlers, SASL, quotas), then serving (replica fetching,
 * housekeeping, the cleaner) and, with {@code zookeeper.connect}, the broker's part in the cluster. Each
 * part goes into {@link BrokerParts} as it starts, so a failure closes exactly what was started.
 *
 * <p>One assembly per start, used by the starting thread only.
 */
final class BrokerAssembly {
    private static final System.Logger LOG = System.getLogger(Broker.class.getName());
    /** How long one AlterPartition may take before it is sent again (retries on NOT_CONTROLLER included). */
    private static final long ALTER_PARTITION_TIMEOUT_MS = 30_000;

    private final BrokerConfig config;
    private final Time time;
    private final Broker.Schedulers schedulers;
    private final BrokerParts parts = new BrokerParts();
    /** Lets the server be built before the handlers, which need the port it bound. */
    private final DelegatingHandler delegatingHandler = new DelegatingHandler();
    /** Where the broker's own state lives: the first log directory (partitions spread over all). */
    private Path logDir;
    private ClusterIdentity identity;
    private DynamicBrokerConfig dynamicConfig;
    private TopicRegistry topicRegistry;
    private GroupOffsets offsets;
    private List<Endpoint> advertised;
    private MetadataCache metadata;
    private InterBrokerSecurity interBrokerSecurity;
    private BrokerState state;
    private ApiRouter router;

    private BrokerAssembly(BrokerConfig config, Time time, Broker.Schedulers schedulers) {
        this.config = config;
        this.time = time;
        this.schedulers = schedulers;
    }

    /** Starts a broker; on failure closes what was started and throws. */
    static Broker start(BrokerConfig config, Time time, Broker.Schedulers schedulers, Broker.ClusterStores stores,
                        UnaryOperator<RequestHandler> requestPath) throws IOException {
        long started = System.nanoTime();
        for (String ignored : config.ignoredKeys()) {
            LOG.log(System.Logger.Level.WARNING, "ignoring setting '" + ignored + "': it has no effect in Sluice");
        }
        BrokerAssembly assembly = new BrokerAssembly(config, time, schedulers);
        try {
            Broker broker = assembly.assemble(stores, requestPath);
            PartitionManager partitions = assembly.parts.partitions;
            LOG.log(System.Logger.Level.INFO, String.format("Sluice broker %d started in %d ms: listening on %s, "
                            + "advertised as %s, data in %s (%s storage, %d topics), cluster id %s",
                    config.nodeId(), (System.nanoTime() - started) / 1_000_000, assembly.parts.server.boundEndpoints(),
                    assembly.advertised, assembly.logDir, config.logStorage(), partitions.topics().all().size(),
                    assembly.identity.clusterId()));
            return broker;
        } catch (IOException | RuntimeException e) {
            try {
                assembly.parts.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private Broker assemble(Broker.ClusterStores stores, UnaryOperator<RequestHandler> requestPath) throws IOException {
        List<Path> logDirs = config.logDirs().stream().map(d -> d.toAbsolutePath().normalize()).distinct().toList();
        logDir = logDirs.get(0);
        // in a cluster the store holds the cluster id (the first broker's proposal wins)
        ClusterMetadataStore store = config.zookeeperConnect().isPresent() ? stores.open(storeSettings(config)) : null;
        parts.store = store;
        identity = ClusterIdentity.loadOrCreate(logDirs, config.nodeId(), store == null ? config.clusterId()
                : store.clusterId(config.clusterId() != null ? config.clusterId() : ClusterIdentity.newClusterId()));
        parts.engines = new StorageEngines(logDirs, config.logStorage(), config.originals(), time)
                .logDirMoveRate(config.values().getLong("replica.alter.log.dirs.io.max.bytes.per.second")).openDefault();
        // dynamic broker configs live in the cluster store; a single node keeps a store of its own for them
        parts.localConfigStore = store == null
                ? InProcessMetadataStore.standalone(logDir.resolve(Broker.LOCAL_METADATA_DIR)) : null;
        dynamicConfig = DynamicBrokerConfig.load(config, sharedState());

        openPartitions();
        startGroups();
        bindServer();
        delegatingHandler.target = requestPath.apply(requestHandler());
        serve();
        if (store != null) {
            joinCluster();
        }
        ClusterNode clusterNode = parts.cluster;
        parts.metrics.start(new BrokerMetrics.Sources(parts.partitions, metadata, parts.offsetStore,
                parts.server.metrics(), config.socketServerConfig().networkThreads(),
                config.socketServerConfig().ioThreads(), parts.server::queuedRequests,
                clusterNode == null ? null : () -> clusterNode.controller().isActive()), parts.housekeeping);
        return new Broker(config, parts, advertised, identity.clusterId(), state);
    }

    /** Where shared state lives (dynamic configs, quotas, credentials, ACLs): the cluster store, or this node's own. */
    private ClusterMetadataStore sharedState() {
        return parts.store != null ? parts.store : parts.localConfigStore;
    }

    /** The topic catalogue, the partitions on disk and the replica manager over them. */
    private void openPartitions() {
        topicRegistry = parts.store == null ? new FileTopicRegistry(logDir)
                : new ClusterTopicRegistry(new FileTopicRegistry(logDir), parts.store, config.logStorage());
        if (topicRegistry instanceof ClusterTopicRegistry clustered) {
            clustered.reloadAllConfigs(); // changed while this broker was away: the partitions open with them
        }
        PartitionManager partitions = new PartitionManager(parts.engines, topicRegistry,
                topicDefaults(dynamicConfig.current()), time, config.maxBrokerPartitions());
        parts.partitions = partitions;
        if (parts.store != null) {
            partitions.rolesFromController(); // a restarted broker acknowledges nothing before the controller speaks
        }
        partitions.startup();
        dynamicConfig.onChange(changed -> partitions.updateDefaults(topicDefaults(changed)));
        ReplicaManager replicas = new ReplicaManager(config.nodeId(), partitions,
                schedulers.create("sluice-delayed-op-timer"), config.values().getLong("replica.lag.time.max.ms"));
        parts.replicas = replicas;
        if (topicRegistry instanceof ClusterTopicRegistry clustered) {
            clustered.onRecreated(replicas::topicRecreated); // deleted and re-created while this broker missed it
        }
    }

    /** The offset store, the group coordinator, which groups it coordinates, and their committed offsets. */
    private void startGroups() {
        PartitionManager partitions = parts.partitions;
        BrokerTopicEngine offsetsEngine = new BrokerTopicEngine(logDir, partitions, config.offsetsTopicNumPartitions(),
                config.offsetsTopicSegmentBytes());
        // a single node loads every group before clients can connect (its first OffsetFetch sees every
        // commit); a cluster broker loads the partitions of __consumer_offsets it comes to lead
        parts.offsetStore = parts.store == null
                ? OffsetStoreProviders.byName(config.offsetsStore()).open(offsetsEngine, offsetStoreSettings(config), time)
                : LogOffsetStoreProvider.openUnloaded(offsetsEngine, offsetStoreSettings(config), time);
        GroupCoordinator groups = new GroupCoordinator(groupConfig(config), parts.offsetStore, time,
                schedulers.create("sluice-group-timer"));
        parts.groups = groups;
        CoordinatorPartitions coordinatorPartitions = parts.offsetStore instanceof PartitionedOffsetStore partitioned
                ? CoordinatorPartitions.following(partitioned, groups, schedulers.create("sluice-group-loader"))
                : CoordinatorPartitions.everything(groups);
        parts.coordinatorPartitions = coordinatorPartitions;
        if (parts.store == null) {
            coordinatorPartitions.loadedAtStartup(p -> partitions.partition(LogOffsetStore.TOPIC, p)
                    .map(Partition::leaderEpoch).orElse(0));
        }
        parts.replicas.onLeadershipChange(coordinatorPartitions.leadershipListener(() -> partitions.topics()
                .get(LogOffsetStore.TOPIC).map(TopicMetadata::partitions).orElse(0)));
        offsets = new GroupOffsets(groups, parts.offsetStore instanceof PartitionedOffsetStore partitioned
                ? new ReplicatedCommits(partitioned, partitions, parts.replicas, config.offsetsCommitTimeoutMs())
                : GroupOffsets.CommitAcknowledgement.IMMEDIATE);
        // offsets of deleted topics go with them; the start-up sweep covers a crash mid-delete
        offsets.removeOffsetsOfDeletedPartitions(tp -> !partitions.topics().get(tp.topic())
                .map(t -> tp.partition() < t.partitions()).orElse(false));
        partitions.onTopicDeleted(topic -> offsets.removeOffsetsOfDeletedPartitions(
                tp -> tp.topic().equals(topic.name())));
    }

    /** The metrics, the network server (bound, not started) and the metadata cache with the advertised endpoints. */
    private void bindServer() throws IOException {
        BrokerMetrics metrics = BrokerMetrics.create(config.values(), time);
        parts.metrics = metrics;
        parts.replicas.events(metrics.replicaEvents());
        parts.partitions.replicaEvents(metrics.replicaEvents());
        parts.partitions.onTopicDeleted(topic -> metrics.topics().topicDeleted(topic.name()));
        parts.server = new SocketServer(config.socketServerConfig(), delegatingHandler, time, metrics.requestObserver());
        advertised = config.advertisedListeners(parts.server.boundEndpoints());
        Endpoint first = advertised.get(0);
        interBrokerSecurity = InterBrokerSecurity.from(config); // TLS: reads the stores now
        // nothing changes topics until the server starts: the publisher's first pass sees them all
        Map<String, BrokerNode.Address> addresses = new HashMap<>();
        advertised.forEach(e -> addresses.put(e.listenerName(), new BrokerNode.Address(e.host(), e.port())));
        metadata = new MetadataCache(new BrokerNode(config.nodeId(), first.host(), first.port(),
                config.brokerRack().orElse(null), addresses));
        parts.replicas.liveBrokers(id -> metadata.snapshot().isAlive(id)); // DeleteRecords' low watermark counts live followers
        if (parts.store == null) {
            LocalMetadataPublisher.attach(metadata, parts.partitions); // in a cluster only the controller fills it
        } else {
            // a topic deleted in the cluster takes the committed offsets of the groups coordinated here along
            metadata.onPartitionsDeleted(deleted -> runQuietly("removing offsets of deleted partitions",
                    () -> offsets.removeOffsetsOfDeletedPartitions(deleted::contains)));
        }
    }

    /**
     * The broker state the handlers share, the API router with every API family registered (groups,
     * transactions, quotas, SASL), and the Kafka request handler in front of it (logins, quotas, metrics).
     */
    private RequestHandler requestHandler() {
        ClusterMetadataStore store = parts.store;
        ProducerIdBlockStore producerIds = store == null ? new FileProducerIdBlockStore(logDir)
                : new ClusterProducerIdBlockStore(store, config.nodeId());
        ControlFence fence = new ControlFence();
        if (store != null) { // what the controller queued for a previous run of this broker must not apply to this one
            fence.expectRegistration(2L * config.zookeeperSessionTimeoutMs() + 10_000);
        }
        parts.authorization = authorization();
        Endpoint first = advertised.get(0);
        state = new BrokerState(config.nodeId(), identity.clusterId(), first.host(), first.port(),
                config.brokerRack().orElse(null), parts.partitions, parts.replicas, new ProducerIdAllocator(producerIds),
                time, dynamicConfig, metadata, fence, parts.authorization);
        router = new ApiRouter(state, config.deleteTopicEnable(), first.listenerName(),
                store == null ? null : new ClusterTopicAdmin(store, new Random()));
        ClusterOffsetsTopic offsetsTopic = store == null ? null : new ClusterOffsetsTopic(store,
                new ClusterTopicAdmin(store, new Random()), config.offsetsTopicNumPartitions(),
                config.offsetsTopicReplicationFactor(), BrokerTopicEngine.internalTopicConfigs(config.offsetsTopicSegmentBytes()));
        GroupApis.register(router, parts.groups, offsets, state, parts.coordinatorPartitions, offsetsTopic);
        // markers replicated on __consumer_offsets make a transaction's pending offsets committed or drop them
        parts.replicas.txnMarkers().listener((producerId, committed, offsetsPartitions) -> offsetsPartitions.forEach(
                tp -> offsets.transactionCompleted(tp.partition(), producerId, committed)));
        parts.transactions = Transactions.start(config, logDir, parts.partitions, parts.replicas, state, router,
                store, time, schedulers::create);
        // client quotas live with the dynamic configs: the cluster store, or this node's own
        ClientQuotas clientQuotas = ClientQuotas.load(sharedState());
        QuotaHandlers.register(router, clientQuotas);
        parts.housekeeping = schedulers.create("sluice-housekeeping"); // also delays the answers to failed logins
        // SCRAM credentials live with the users' quotas: /config/users/<user>
        ScramCredentialStore scramCredentials = ScramCredentialStore.load(sharedState());
        SaslApis.register(router, scramCredentials);
        SaslAuthentication sasl = config.sasl().listeners().isEmpty() ? null : new SaslAuthentication(config.sasl(),
                scramCredentials, time, parts.housekeeping);
        ClientQuotaManager quotaManager = new ClientQuotaManager(clientQuotas, new ClientQuotaManager.Settings(
                config.values().getInt("quota.window.num"), 1000L * config.values().getInt("quota.window.size.seconds")));
        parts.metrics.quotas(quotaManager);
        return new KafkaRequestHandler(router, quotaManager, time, parts.metrics.requestMetrics(), sasl);
    }

    /**
     * The authorizer {@code authorizer.class.name} names (found by ServiceLoader), started over the store
     * where this broker keeps shared state; {@link Authorization#NONE} without the setting.
     */
    private Authorization authorization() {
        String name = config.values().getString("authorizer.class.name").trim();
        if (name.isEmpty()) {
            return Authorization.NONE;
        }
        Authorizer authorizer = Authorizers.load(name);
        authorizer.start(new AuthorizerContext(config.nodeId(), config.originals(), sharedState(), time));
        LOG.log(System.Logger.Level.INFO, "authorizing requests with " + authorizer.getClass().getName());
        return Authorization.by(authorizer);
    }

    /** Replica fetching (in a cluster), the server started, then the periodic chores and the log cleaner. */
    private void serve() {
        if (parts.store != null) {
            // followers copy their leaders' logs through the replication module, if installed
            parts.replicas.replicaFetching(ReplicaFetchingProvider.load(new ReplicaFetchingProvider.Context(
                    config.nodeId(), state.control()::brokerEpoch, metadata, parts.partitions,
                    config.replicaFetchSettings(), time, config.interBrokerListener(),
                    interBrokerSecurity.tls() == null ? null : config.interBrokerTls(), interBrokerSecurity.saslSettings())));
        }
        parts.server.start();

        Housekeeping.schedule(parts.housekeeping, config, parts.partitions, offsets);
        LogCleaner cleaner = new LogCleaner(parts.partitions, () -> dynamicConfig.current().values(), time,
                CleanerSettings.from(dynamicConfig.current().values()));
        parts.cleaner = cleaner;
        cleaner.start();
        dynamicConfig.onChange(changed -> cleaner.reconfigure(CleanerSettings.from(changed.values())));
    }

    /** Registers in the cluster (and runs for controller), with the controller's link for the router and ISR changes. */
    private void joinCluster() {
        PartitionManager partitions = parts.partitions;
        List<BrokerEndpoint> endpoints = advertised.stream().map(e -> new BrokerEndpoint(e.listenerName(),
                e.securityProtocol().name(), e.host(), e.port())).toList();
        ClusterNode cluster = ClusterNode.start(config.nodeId(), endpoints, config.brokerRack(), interBrokerSecurity,
                parts.store, (ClusterTopicRegistry) topicRegistry, hostsTopic(partitions), partitions::applyConfigs,
                state.control(), controllerSettings(dynamicConfig.current()), parts.housekeeping, time,
                config.zookeeperSessionTimeoutMs());
        parts.cluster = cluster;
        router.attachController(cluster.controller(), cluster.controllerLink());
        // unclean.leader.election.enable may change at run time
        dynamicConfig.onChange(changed -> cluster.controller().settingsChanged(controllerSettings(changed)));
        parts.replicas.alterPartitionSender(new ControllerAlterPartitionSender(cluster.controllerLink(),
                state.control()::brokerEpoch, name -> partitions.topics().get(name).map(t -> t.id()),
                ALTER_PARTITION_TIMEOUT_MS));
    }

    private static Predicate<String> hostsTopic(PartitionManager partitions) {
        return topic -> partitions.all().stream().anyMatch(p -> p.topicPartition().topic().equals(topic));
    }

    /** The server's handler until the request path is built; requests arrive only after {@code server.start()}. */
    private static final class DelegatingHandler implements RequestHandler {
        volatile RequestHandler target;

        @Override
        public void handle(NetworkRequest request) throws Exception {
            target.handle(request);
        }
    }
}
