package dev.sluice.api.cluster;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One session on an {@link InProcessClusterState}: the store a broker uses when
 * {@code zookeeper.connect} is absent ({@link #standalone()}), with the same semantics as the
 * ZooKeeper store (ephemeral registration and controllership, epochs, versions, fencing), so a
 * single node runs the cluster code path unchanged. Tests connect several sessions to one state
 * and end one with {@link #expireSession()}.
 *
 * <p>Thread-safe; listeners run on this session's own event thread
 * ({@code sluice-metadata-events-N}, started with the first listener, stopped by {@link #close()}).
 */
public final class InProcessMetadataStore implements ClusterMetadataStore {

    private static final System.Logger LOG = System.getLogger(InProcessMetadataStore.class.getName());
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final InProcessClusterState state;
    private final CopyOnWriteArrayList<ClusterListener> listeners = new CopyOnWriteArrayList<>();
    /** Guarded by the state's lock. */
    private long sessionId;
    /** Guarded by the state's lock. */
    private boolean closed;
    /** Guarded by the state's lock; created with the first listener. */
    private ExecutorService events;

    InProcessMetadataStore(InProcessClusterState state, long sessionId) {
        this.state = state;
        this.sessionId = sessionId;
    }

    /** A store of its own for one node. */
    public static InProcessMetadataStore standalone() {
        return new InProcessClusterState().connect();
    }

    /**
     * A store of its own for one node, kept in {@code dir} across restarts (see
     * {@link InProcessClusterState#durable(java.nio.file.Path)}).
     */
    public static InProcessMetadataStore standalone(java.nio.file.Path dir) {
        return InProcessClusterState.durable(dir).connect();
    }

    /**
     * Ends this session as a ZooKeeper session expiry would: its registration and controllership
     * vanish (the other sessions see the changes), then a new session starts. Its own listeners get
     * {@link ClusterListener#sessionExpired()} followed by {@link ClusterListener#sessionEstablished()}.
     */
    public void expireSession() {
        synchronized (state.lock()) {
            checkOpen();
            state.endSession(sessionId);
            sessionId = state.newSessionId();
            enqueue(ClusterListener::sessionExpired);
            enqueue(ClusterListener::sessionEstablished);
        }
    }

    /** Called under the state's lock: queues an event for this session's listeners. */
    void enqueue(Consumer<ClusterListener> event) {
        if (closed || events == null) {
            return;
        }
        events.execute(() -> {
            for (ClusterListener l : listeners) {
                try {
                    event.accept(l);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "cluster listener failed", e);
                }
            }
        });
    }

    private void checkOpen() {
        if (closed) {
            throw new ClusterStoreException("the metadata store session is closed");
        }
    }

    @Override
    public String clusterId(String proposed) {
        Objects.requireNonNull(proposed, "proposed");
        synchronized (state.lock()) {
            checkOpen();
            return state.clusterId(proposed);
        }
    }

    @Override
    public RegistrationOutcome registerBroker(BrokerInfo broker) {
        synchronized (state.lock()) {
            checkOpen();
            return state.register(broker, sessionId);
        }
    }

    @Override
    public Map<Integer, RegisteredBroker> liveBrokers() {
        synchronized (state.lock()) {
            checkOpen();
            return state.liveBrokers();
        }
    }

    @Override
    public OptionalInt controllerId() {
        synchronized (state.lock()) {
            checkOpen();
            Integer id = state.controllerId();
            return id == null ? OptionalInt.empty() : OptionalInt.of(id);
        }
    }

    @Override
    public int controllerEpoch() {
        synchronized (state.lock()) {
            checkOpen();
            return state.controllerEpoch();
        }
    }

    @Override
    public ElectionOutcome elect(int brokerId) {
        synchronized (state.lock()) {
            checkOpen();
            return state.elect(brokerId, sessionId);
        }
    }

    @Override
    public void resign(ControllerLease lease) {
        synchronized (state.lock()) {
            checkOpen();
            state.resign(lease);
        }
    }

    @Override
    public Set<String> topicNames() {
        synchronized (state.lock()) {
            checkOpen();
            return state.topicNames();
        }
    }

    @Override
    public Optional<Versioned<TopicAssignment>> topic(String name) {
        synchronized (state.lock()) {
            checkOpen();
            return Optional.ofNullable(state.topic(name));
        }
    }

    @Override
    public WriteOutcome createTopic(TopicAssignment assignment, Map<String, String> configs) {
        Objects.requireNonNull(configs, "configs");
        synchronized (state.lock()) {
            checkOpen();
            return state.createTopic(assignment, configs);
        }
    }

    @Override
    public WriteOutcome updateTopic(TopicAssignment assignment, int expectedVersion) {
        synchronized (state.lock()) {
            checkOpen();
            return state.updateTopic(assignment, expectedVersion);
        }
    }

    @Override
    public Optional<Versioned<PartitionState>> partitionState(String topic, int partition) {
        return Optional.ofNullable(partitionStates(topic).get(partition));
    }

    @Override
    public Map<Integer, Versioned<PartitionState>> partitionStates(String topic) {
        synchronized (state.lock()) {
            checkOpen();
            return state.partitionStates(topic);
        }
    }

    @Override
    public WriteOutcome createPartitionStates(ControllerLease lease, String topic, Map<Integer, PartitionState> states) {
        synchronized (state.lock()) {
            checkOpen();
            return state.createPartitionStates(lease, topic, states);
        }
    }

    @Override
    public WriteOutcome updatePartitionState(ControllerLease lease, String topic, int partition,
                                             PartitionState partitionState, int expectedVersion) {
        synchronized (state.lock()) {
            checkOpen();
            return state.updatePartitionState(lease, topic, partition, partitionState, expectedVersion);
        }
    }

    @Override
    public void requestTopicDeletion(String topic) {
        synchronized (state.lock()) {
            checkOpen();
            state.requestTopicDeletion(topic);
        }
    }

    @Override
    public Set<String> topicDeletionRequests() {
        synchronized (state.lock()) {
            checkOpen();
            return state.topicDeletionRequests();
        }
    }

    @Override
    public WriteOutcome deleteTopic(ControllerLease lease, String topic) {
        synchronized (state.lock()) {
            checkOpen();
            return state.deleteTopic(lease, topic);
        }
    }

    @Override
    public Map<String, String> config(ConfigEntity entity) {
        synchronized (state.lock()) {
            checkOpen();
            return state.config(entity);
        }
    }

    @Override
    public void updateConfig(ConfigEntity entity, java.util.function.UnaryOperator<Map<String, String>> change) {
        synchronized (state.lock()) { // one lock for every writer: the read and the write are one step
            checkOpen();
            state.setConfig(entity, change.apply(state.config(entity)));
        }
    }

    @Override
    public Map<ConfigEntity, Map<String, String>> configs(ConfigEntity.Type type) {
        synchronized (state.lock()) {
            checkOpen();
            return state.configs(type);
        }
    }

    @Override
    public Map<dev.sluice.api.security.ResourcePattern, Versioned<java.util.Set<dev.sluice.api.security.AccessControlEntry>>> acls() {
        synchronized (state.lock()) {
            checkOpen();
            return state.acls();
        }
    }

    @Override
    public WriteOutcome writeAcls(dev.sluice.api.security.ResourcePattern pattern,
                                  java.util.Set<dev.sluice.api.security.AccessControlEntry> entries, int expectedVersion) {
        synchronized (state.lock()) {
            checkOpen();
            return state.writeAcls(pattern, entries, expectedVersion);
        }
    }

    @Override
    public long reserveProducerIdBlock(int brokerId, int size) {
        synchronized (state.lock()) {
            checkOpen();
            return state.reserveProducerIdBlock(size);
        }
    }

    @Override
    public void addListener(ClusterListener listener) {
        synchronized (state.lock()) {
            checkOpen();
            if (events == null) {
                events = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "sluice-metadata-events-" + THREADS.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
            }
            listeners.add(listener);
        }
    }

    @Override
    public void close() {
        ExecutorService toStop;
        synchronized (state.lock()) {
            if (closed) {
                return;
            }
            state.endSession(sessionId);
            state.removeSession(this);
            closed = true;
            toStop = events;
        }
        if (toStop != null) {
            toStop.shutdown();
        }
    }
}
