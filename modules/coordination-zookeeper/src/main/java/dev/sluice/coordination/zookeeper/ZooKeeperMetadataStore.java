package dev.sluice.coordination.zookeeper;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.api.cluster.ControllerLease;
import dev.sluice.api.cluster.ElectionOutcome;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.api.cluster.RegistrationOutcome;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.cluster.WriteOutcome;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The cluster metadata store on ZooKeeper, in Kafka's ZooKeeper-mode layout ({@link ZNodes}),
 * fenced as Kafka fenced it: the controller is elected by one multi-op that creates the ephemeral
 * {@code /controller} and bumps {@code /controller_epoch} conditionally on the version it read;
 * every later controller write is a multi-op that first checks that version
 * ({@link WriteOutcome.Fenced} if it moved) and then writes conditionally on the target znode's
 * version ({@link WriteOutcome.VersionConflict}). The broker epoch is the czxid of
 * {@code /brokers/ids/N}.
 *
 * <p>This class is the SPI's entry point; each concept lives in its own part:
 * {@link BrokerRegistry} (cluster id, broker registrations), {@link ControllerElection} (election,
 * lease), {@link TopicZNodes} (assignments, deletion), {@link PartitionStateZNodes},
 * {@link ConfigZNodes} (overrides, change notifications), {@link ProducerIdBlocks}, {@link AclZNodes}; all run their
 * ZooKeeper calls through {@link ZkCalls}. Watches and session renewal are {@link ZooKeeperSession}'s.
 *
 * <p>Thread-safe: any thread may call it; ZooKeeper handles are thread-safe, and all state is in
 * {@link ZooKeeperSession}. A lost connection during a call is a {@link ClusterStoreException}
 * (whether a write happened is unknown to the caller, as with Kafka).
 */
public final class ZooKeeperMetadataStore implements ClusterMetadataStore {

    private final ZooKeeperSession session;
    private final BrokerRegistry brokers;
    private final ControllerElection election;
    private final TopicZNodes topics;
    private final PartitionStateZNodes partitionStates;
    private final ConfigZNodes configs;
    private final ProducerIdBlocks producerIds;
    private final AclZNodes acls;

    private ZooKeeperMetadataStore(ZooKeeperSession session, ZkCalls zk, Time time) {
        this.session = session;
        this.brokers = new BrokerRegistry(zk, time);
        this.election = new ControllerElection(zk, time);
        this.topics = new TopicZNodes(zk);
        this.partitionStates = new PartitionStateZNodes(zk, topics, election);
        this.configs = new ConfigZNodes(zk, time);
        this.producerIds = new ProducerIdBlocks(zk);
        this.acls = new AclZNodes(zk, time);
    }

    /** Connects and creates Kafka's persistent paths if they are missing. */
    public static ZooKeeperMetadataStore connect(ZooKeeperSettings settings, Time time) {
        ZooKeeperSession session = ZooKeeperSession.open(settings);
        try {
            ZkCalls zk = new ZkCalls(session);
            for (String path : ZNodes.PERSISTENT_PATHS) {
                zk.createRecursively(path);
            }
            return new ZooKeeperMetadataStore(session, zk, time);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    ZooKeeperSession session() {
        return session;
    }

    /** The current ZooKeeper session's id (changes after an expiry), as the server logs it. */
    public long sessionId() {
        return session.handle().getSessionId();
    }

    // ---- cluster id and brokers

    @Override
    public String clusterId(String proposed) {
        return brokers.clusterId(proposed);
    }

    @Override
    public RegistrationOutcome registerBroker(BrokerInfo broker) {
        return brokers.register(broker);
    }

    @Override
    public Map<Integer, RegisteredBroker> liveBrokers() {
        return brokers.liveBrokers();
    }

    // ---- controller

    @Override
    public OptionalInt controllerId() {
        return election.controllerId();
    }

    @Override
    public int controllerEpoch() {
        return election.controllerEpoch();
    }

    @Override
    public ElectionOutcome elect(int brokerId) {
        return election.elect(brokerId);
    }

    @Override
    public void resign(ControllerLease lease) {
        election.resign(lease);
    }

    // ---- topics

    @Override
    public Set<String> topicNames() {
        return topics.names();
    }

    @Override
    public Optional<Versioned<TopicAssignment>> topic(String name) {
        return topics.topic(name);
    }

    @Override
    public WriteOutcome createTopic(TopicAssignment assignment, Map<String, String> configs) {
        return topics.create(assignment, configs);
    }

    @Override
    public WriteOutcome updateTopic(TopicAssignment assignment, int expectedVersion) {
        return topics.update(assignment, expectedVersion);
    }

    @Override
    public void requestTopicDeletion(String topic) {
        topics.requestDeletion(topic);
    }

    @Override
    public Set<String> topicDeletionRequests() {
        return topics.deletionRequests();
    }

    @Override
    public WriteOutcome deleteTopic(ControllerLease lease, String topic) {
        return topics.delete(lease, topic);
    }

    // ---- partition states

    @Override
    public Optional<Versioned<PartitionState>> partitionState(String topic, int partition) {
        return partitionStates.state(topic, partition);
    }

    @Override
    public Map<Integer, Versioned<PartitionState>> partitionStates(String topic) {
        return partitionStates.states(topic);
    }

    @Override
    public WriteOutcome createPartitionStates(ControllerLease lease, String topic, Map<Integer, PartitionState> states) {
        return partitionStates.create(lease, topic, states);
    }

    @Override
    public WriteOutcome updatePartitionState(ControllerLease lease, String topic, int partition,
                                             PartitionState state, int expectedVersion) {
        return partitionStates.update(lease, topic, partition, state, expectedVersion);
    }

    // ---- configs

    @Override
    public Map<String, String> config(ConfigEntity entity) {
        return configs.config(entity);
    }

    /** See {@link ConfigZNodes#update}: conditional on the znode's version, with Kafka's change notification. */
    @Override
    public void updateConfig(ConfigEntity entity, java.util.function.UnaryOperator<Map<String, String>> change) {
        configs.update(entity, change);
    }

    @Override
    public Map<ConfigEntity, Map<String, String>> configs(ConfigEntity.Type type) {
        return configs.configs(type);
    }

    // ---- producer ids

    @Override
    public Map<dev.sluice.api.security.ResourcePattern, Versioned<Set<dev.sluice.api.security.AccessControlEntry>>> acls() {
        return acls.acls();
    }

    @Override
    public WriteOutcome writeAcls(dev.sluice.api.security.ResourcePattern pattern,
                                  Set<dev.sluice.api.security.AccessControlEntry> entries, int expectedVersion) {
        return acls.write(pattern, entries, expectedVersion);
    }

    @Override
    public long reserveProducerIdBlock(int brokerId, int size) {
        return producerIds.reserve(brokerId, size);
    }

    // ---- lifecycle

    @Override
    public void addListener(ClusterListener listener) {
        session.addListener(listener);
    }

    @Override
    public void close() {
        session.close();
    }
}
