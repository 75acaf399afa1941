package dev.sluice.api.cluster;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The shared state behind {@link InProcessMetadataStore} sessions: what a ZooKeeper ensemble holds,
 * kept in memory. One node uses it through a single session; tests connect several sessions (one
 * per broker) and expire them at will. {@link #durable(Path)} keeps what ZooKeeper would keep on
 * disk (everything but registrations and the controller) in a directory, so a single node's cluster
 * metadata survives restarts ({@link InProcessPersistence}); {@code new InProcessClusterState()}
 * keeps it in memory only.
 *
 * <p>Thread-safe: one lock guards everything; events are queued to each session's event thread
 * under the lock (so every session sees changes in commit order) and run outside it.
 */
public final class InProcessClusterState {

    private final Object lock = new Object();
    private final List<InProcessMetadataStore> sessions = new ArrayList<>();
    private long nextSessionId = 1;
    /** Stands in for ZooKeeper's zxid: every registration takes the next one as its broker epoch. */
    private long transactionId = 0;

    private String clusterId;
    private final Map<Integer, Owned<RegisteredBroker>> brokers = new TreeMap<>();
    private Owned<Integer> controller;
    private int controllerEpoch = 0;
    private int controllerEpochVersion = 0;
    private final Map<String, Versioned<TopicAssignment>> topics = new TreeMap<>();
    private final Map<String, Map<Integer, Versioned<PartitionState>>> states = new HashMap<>();
    private final Set<String> deletionRequests = new HashSet<>();
    private final Map<ConfigEntity, Map<String, String>> configs = new HashMap<>();
    private long nextProducerId = 0;
    private final Map<dev.sluice.api.security.ResourcePattern, Versioned<Set<dev.sluice.api.security.AccessControlEntry>>> acls =
            new HashMap<>();
    /** Null when memory-only. */
    private final InProcessPersistence persistence;

    /** A memory-only state. */
    public InProcessClusterState() {
        this.persistence = null;
    }

    private InProcessClusterState(InProcessPersistence persistence) {
        this.persistence = persistence;
        InProcessPersistence.Loaded loaded = persistence.load();
        clusterId = loaded.cluster().getProperty("cluster.id");
        controllerEpoch = Integer.parseInt(loaded.cluster().getProperty("controller.epoch", "0"));
        controllerEpochVersion = Integer.parseInt(loaded.cluster().getProperty("controller.epoch.version", "0"));
        nextProducerId = Long.parseLong(loaded.cluster().getProperty("next.producer.id", "0"));
        topics.putAll(loaded.topics());
        loaded.states().forEach((t, m) -> states.put(t, new HashMap<>(m)));
        configs.putAll(loaded.configs());
        deletionRequests.addAll(loaded.deletions());
        acls.putAll(persistence.loadAcls());
    }

    /**
     * A state kept in {@code dir} (created if missing): what an earlier run stored there is loaded,
     * and every change is on disk before the call making it returns.
     *
     * @throws ClusterStoreException if the directory cannot be read or created
     */
    public static InProcessClusterState durable(Path dir) {
        return new InProcessClusterState(new InProcessPersistence(dir));
    }

    private void persistCluster(String id, int epoch, int epochVersion, long nextPid) {
        if (persistence != null) {
            persistence.writeCluster(id, epoch, epochVersion, nextPid);
        }
    }

    private void persistTopic(String name, Versioned<TopicAssignment> topic, Map<Integer, Versioned<PartitionState>> partitionStates) {
        if (persistence != null) {
            persistence.writeTopic(name, topic, partitionStates);
        }
    }

    /** An ephemeral record and the session that owns it. */
    private record Owned<T>(T value, long sessionId) {
    }

    /** Opens a new session (a broker's connection). */
    public InProcessMetadataStore connect() {
        synchronized (lock) {
            InProcessMetadataStore session = new InProcessMetadataStore(this, nextSessionId++);
            sessions.add(session);
            return session;
        }
    }

    // ---- called by sessions, all under the lock

    Object lock() {
        return lock;
    }

    long newSessionId() {
        return nextSessionId++;
    }

    /** Drops everything the session owned (its session ended or it closed) and tells the others. */
    void endSession(long sessionId) {
        boolean brokersChanged = brokers.values().removeIf(b -> b.sessionId == sessionId);
        if (brokersChanged) {
            notifyAll(ClusterListener::brokersChanged);
        }
        if (controller != null && controller.sessionId == sessionId) {
            controller = null;
            notifyAll(ClusterListener::controllerChanged);
        }
    }

    void removeSession(InProcessMetadataStore session) {
        sessions.remove(session);
    }

    void notifyAll(Consumer<ClusterListener> event) {
        for (InProcessMetadataStore s : sessions) {
            s.enqueue(event);
        }
    }

    String clusterId(String proposed) {
        if (clusterId == null) {
            persistCluster(proposed, controllerEpoch, controllerEpochVersion, nextProducerId);
            clusterId = proposed;
        }
        return clusterId;
    }

    RegistrationOutcome register(BrokerInfo broker, long sessionId) {
        Owned<RegisteredBroker> current = brokers.get(broker.id());
        if (current != null && current.sessionId != sessionId) {
            return new RegistrationOutcome.IdInUse(broker.id());
        }
        long epoch = ++transactionId;
        brokers.put(broker.id(), new Owned<>(new RegisteredBroker(broker, epoch), sessionId));
        notifyAll(ClusterListener::brokersChanged);
        return new RegistrationOutcome.Registered(epoch);
    }

    Map<Integer, RegisteredBroker> liveBrokers() {
        Map<Integer, RegisteredBroker> live = new TreeMap<>();
        brokers.forEach((id, b) -> live.put(id, b.value));
        return live;
    }

    Integer controllerId() {
        return controller == null ? null : controller.value;
    }

    int controllerEpoch() {
        return controllerEpoch;
    }

    ElectionOutcome elect(int brokerId, long sessionId) {
        if (controller != null) {
            return new ElectionOutcome.AlreadyElected(controller.value);
        }
        persistCluster(clusterId, controllerEpoch + 1, controllerEpochVersion + 1, nextProducerId);
        controllerEpoch++;
        controllerEpochVersion++;
        controller = new Owned<>(brokerId, sessionId);
        notifyAll(ClusterListener::controllerChanged);
        return new ElectionOutcome.Elected(new ControllerLease(brokerId, controllerEpoch, controllerEpochVersion));
    }

    void resign(ControllerLease lease) {
        if (controller != null && isCurrent(lease) && controller.value == lease.brokerId()) {
            controller = null;
            notifyAll(ClusterListener::controllerChanged);
        }
    }

    boolean isCurrent(ControllerLease lease) {
        return lease.epochVersion() == controllerEpochVersion;
    }

    Set<String> topicNames() {
        return Set.copyOf(topics.keySet());
    }

    Versioned<TopicAssignment> topic(String name) {
        return topics.get(name);
    }

    WriteOutcome createTopic(TopicAssignment assignment, Map<String, String> configs) {
        if (topics.containsKey(assignment.name())) {
            return new WriteOutcome.AlreadyExists("topic " + assignment.name());
        }
        // configs first: whoever sees the topic sees its configs (a leftover of the name is replaced)
        ConfigEntity entity = ConfigEntity.topic(assignment.name());
        if (persistence != null) {
            persistence.writeConfig(entity, configs);
        }
        if (configs.isEmpty()) {
            this.configs.remove(entity);
        } else {
            this.configs.put(entity, Map.copyOf(configs));
        }
        Versioned<TopicAssignment> created = new Versioned<>(assignment, 0);
        persistTopic(assignment.name(), created, states.get(assignment.name()));
        topics.put(assignment.name(), created);
        notifyAll(ClusterListener::topicsChanged);
        return WriteOutcome.WRITTEN_NEW;
    }

    WriteOutcome updateTopic(TopicAssignment assignment, int expectedVersion) {
        Versioned<TopicAssignment> current = topics.get(assignment.name());
        if (current == null) {
            return new WriteOutcome.NotFound("topic " + assignment.name());
        }
        if (current.version() != expectedVersion) {
            return new WriteOutcome.VersionConflict(expectedVersion);
        }
        Versioned<TopicAssignment> updated = new Versioned<>(assignment, expectedVersion + 1);
        persistTopic(assignment.name(), updated, states.get(assignment.name()));
        topics.put(assignment.name(), updated);
        notifyAll(ClusterListener::topicsChanged);
        return new WriteOutcome.Written(expectedVersion + 1);
    }

    Map<Integer, Versioned<PartitionState>> partitionStates(String topic) {
        return new TreeMap<>(states.getOrDefault(topic, Map.of()));
    }

    WriteOutcome createPartitionStates(ControllerLease lease, String topic, Map<Integer, PartitionState> created) {
        if (!isCurrent(lease)) {
            return new WriteOutcome.Fenced(lease);
        }
        Versioned<TopicAssignment> assignment = topics.get(topic);
        if (assignment == null) {
            return new WriteOutcome.NotFound("topic " + topic);
        }
        Map<Integer, Versioned<PartitionState>> existing = states.getOrDefault(topic, Map.of());
        for (int p : created.keySet()) {
            if (!assignment.value().replicas().containsKey(p)) {
                return new WriteOutcome.NotFound("partition " + topic + "-" + p);
            }
            if (existing.containsKey(p)) {
                return new WriteOutcome.AlreadyExists("partition state " + topic + "-" + p);
            }
        }
        Map<Integer, Versioned<PartitionState>> next = new HashMap<>(existing);
        created.forEach((p, s) -> next.put(p, new Versioned<>(s, 0)));
        persistTopic(topic, assignment, next);
        states.put(topic, next);
        created.keySet().forEach(p -> notifyAll(l -> l.partitionStateChanged(topic, p)));
        return WriteOutcome.WRITTEN_NEW;
    }

    WriteOutcome updatePartitionState(ControllerLease lease, String topic, int partition,
                                      PartitionState state, int expectedVersion) {
        if (!isCurrent(lease)) {
            return new WriteOutcome.Fenced(lease);
        }
        Map<Integer, Versioned<PartitionState>> existing = states.get(topic);
        Versioned<PartitionState> current = existing == null ? null : existing.get(partition);
        if (current == null) {
            return new WriteOutcome.NotFound("partition state " + topic + "-" + partition);
        }
        if (current.version() != expectedVersion) {
            return new WriteOutcome.VersionConflict(expectedVersion);
        }
        Map<Integer, Versioned<PartitionState>> next = new HashMap<>(existing);
        next.put(partition, new Versioned<>(state, expectedVersion + 1));
        persistTopic(topic, topics.get(topic), next);
        states.put(topic, next);
        notifyAll(l -> l.partitionStateChanged(topic, partition));
        return new WriteOutcome.Written(expectedVersion + 1);
    }

    void requestTopicDeletion(String topic) {
        if (!deletionRequests.contains(topic)) {
            if (persistence != null) {
                persistence.writeDeletion(topic, true);
            }
            deletionRequests.add(topic);
            notifyAll(ClusterListener::topicDeletionRequested);
        }
    }

    Set<String> topicDeletionRequests() {
        return Set.copyOf(deletionRequests);
    }

    WriteOutcome deleteTopic(ControllerLease lease, String topic) {
        if (!isCurrent(lease)) {
            return new WriteOutcome.Fenced(lease);
        }
        if (persistence != null) {
            persistence.writeTopic(topic, null, null);
            persistence.writeConfig(ConfigEntity.topic(topic), null);
            persistence.writeDeletion(topic, false);
        }
        boolean existed = topics.remove(topic) != null;
        states.remove(topic);
        configs.remove(ConfigEntity.topic(topic));
        boolean requested = deletionRequests.remove(topic);
        if (existed) {
            notifyAll(ClusterListener::topicsChanged);
        }
        if (requested) {
            notifyAll(ClusterListener::topicDeletionRequested);
        }
        return existed || requested ? WriteOutcome.WRITTEN_NEW : new WriteOutcome.NotFound("topic " + topic);
    }

    Map<String, String> config(ConfigEntity entity) {
        return configs.getOrDefault(entity, Map.of());
    }

    Map<ConfigEntity, Map<String, String>> configs(ConfigEntity.Type type) {
        Map<ConfigEntity, Map<String, String>> ofType = new HashMap<>();
        configs.forEach((entity, overrides) -> {
            if (entity.type() == type) {
                ofType.put(entity, overrides);
            }
        });
        return ofType;
    }

    void setConfig(ConfigEntity entity, Map<String, String> overrides) {
        if (persistence != null) {
            persistence.writeConfig(entity, overrides);
        }
        if (overrides.isEmpty()) {
            configs.remove(entity);
        } else {
            configs.put(entity, Map.copyOf(overrides));
        }
        notifyAll(l -> l.configChanged(entity));
    }

    long reserveProducerIdBlock(int size) {
        if (size <= 0 || nextProducerId > Long.MAX_VALUE - size) {
            throw new IllegalArgumentException("cannot reserve " + size + " producer ids after " + nextProducerId);
        }
        long first = nextProducerId;
        persistCluster(clusterId, controllerEpoch, controllerEpochVersion, first + size);
        nextProducerId = first + size;
        return first;
    }

    Map<dev.sluice.api.security.ResourcePattern, Versioned<Set<dev.sluice.api.security.AccessControlEntry>>> acls() {
        return Map.copyOf(acls);
    }

    WriteOutcome writeAcls(dev.sluice.api.security.ResourcePattern pattern,
                           Set<dev.sluice.api.security.AccessControlEntry> entries, int expectedVersion) {
        Versioned<Set<dev.sluice.api.security.AccessControlEntry>> current = acls.get(pattern);
        int version = current == null ? -1 : current.version();
        if (version != expectedVersion) {
            return new WriteOutcome.VersionConflict(expectedVersion);
        }
        Map<dev.sluice.api.security.ResourcePattern, Versioned<Set<dev.sluice.api.security.AccessControlEntry>>> next =
                new HashMap<>(acls);
        if (entries.isEmpty()) {
            next.remove(pattern);
        } else {
            next.put(pattern, new Versioned<>(Set.copyOf(entries), version + 1));
        }
        if (persistence != null) {
            persistence.writeAcls(next); // on disk before memory: a failed write changes nothing
        }
        acls.clear();
        acls.putAll(next);
        notifyAll(l -> l.aclsChanged(pattern));
        return new WriteOutcome.Written(version + 1);
    }
}
