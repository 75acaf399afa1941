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
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cluster metadata store on ZooKeeper, in Kafka's ZooKeeper-mode layout ({@link ZNodes}),
 * fenced as Kafka fenced it: the controller is elected by one multi-op that creates the ephemeral
 * {@code /controller} and bumps {@code /controller_epoch} conditionally on the version it read;
 * every later controller write is a multi-op that first checks that version
 * ({@link WriteOutcome.Fenced} if it moved) and then writes conditionally on the target znode's
 * version ({@link WriteOutcome.VersionConflict}). The broker epoch is the czxid of
 * {@code /brokers/ids/N}.
 *
 * <p>Thread-safe: ZooKeeper handles are; all state is in {@link ZooKeeperSession}. A lost
 * connection during a call is a {@link ClusterStoreException} (whether a write happened is
 * unknown to the caller, as with Kafka).
 */
public final class ZooKeeperMetadataStore implements ClusterMetadataStore {

    private static final List<org.apache.zookeeper.data.ACL> OPEN = ZooDefs.Ids.OPEN_ACL_UNSAFE;
    private static final int CAS_ATTEMPTS = 100;

    private final ZooKeeperSession session;
    private final Time time;

    private ZooKeeperMetadataStore(ZooKeeperSession session, Time time) {
        this.session = session;
        this.time = time;
    }

    /** Connects and creates Kafka's persistent paths if they are missing. */
    public static ZooKeeperMetadataStore connect(ZooKeeperSettings settings, Time time) {
        ZooKeeperSession session = ZooKeeperSession.open(settings);
        ZooKeeperMetadataStore store = new ZooKeeperMetadataStore(session, time);
        try {
            for (String path : ZNodes.PERSISTENT_PATHS) {
                store.createRecursively(path);
            }
            return store;
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

    // ---- plumbing

    /** A ZooKeeper call; checked exceptions are mapped by {@link #call}. */
    private interface ZkCall<T> {
        T run(ZooKeeper zk) throws KeeperException, InterruptedException;
    }

    /**
     * Runs a call, turning unavailability into {@link ClusterStoreException}; other
     * {@link KeeperException}s (NoNode, NodeExists, BadVersion) reach the caller.
     */
    private <T> T call(String what, ZkCall<T> call) throws KeeperException {
        try {
            return call.run(session.handle());
        } catch (KeeperException.ConnectionLossException | KeeperException.SessionExpiredException
                 | KeeperException.SessionMovedException | KeeperException.OperationTimeoutException e) {
            throw new ClusterStoreException(what + ": ZooKeeper unavailable (" + e.code() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterStoreException(what + ": interrupted", e);
        }
    }

    /**
     * {@link #call} for reads, which are safe to repeat: a connection lost mid-call (the client
     * reconnects within the session by itself) is retried until the connection timeout has passed,
     * as Kafka's client retries until connected. Writes are not retried: whether one happened is
     * unknown after a lost connection, and the caller re-reads.
     */
    private <T> T read(String what, ZkCall<T> call) throws KeeperException {
        long deadline = System.nanoTime() + session.settings().connectionTimeoutMs() * 1_000_000L;
        while (true) {
            try {
                return call.run(session.handle());
            } catch (KeeperException.ConnectionLossException | KeeperException.OperationTimeoutException e) {
                if (System.nanoTime() > deadline) {
                    throw new ClusterStoreException(what + ": ZooKeeper unavailable (" + e.code() + ")", e);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new ClusterStoreException(what + ": interrupted", ie);
                }
            } catch (KeeperException.SessionExpiredException | KeeperException.SessionMovedException e) {
                throw new ClusterStoreException(what + ": ZooKeeper session ended (" + e.code() + ")", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClusterStoreException(what + ": interrupted", e);
            }
        }
    }

    /** The znode's data (empty if it holds none), or null if it does not exist. */
    private byte[] dataOrNull(String path, Stat stat) {
        try {
            byte[] data = read("read " + path, zk -> zk.getData(path, false, stat));
            return data == null ? new byte[0] : data;
        } catch (KeeperException.NoNodeException e) {
            return null;
        } catch (KeeperException e) {
            throw new ClusterStoreException("read " + path + ": " + e.getMessage(), e);
        }
    }

    private List<String> childrenOrEmpty(String path) {
        try {
            return read("list " + path, zk -> zk.getChildren(path, false));
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (KeeperException e) {
            throw new ClusterStoreException("list " + path + ": " + e.getMessage(), e);
        }
    }

    private void createRecursively(String path) {
        StringBuilder prefix = new StringBuilder();
        for (String part : path.substring(1).split("/")) {
            prefix.append('/').append(part);
            String p = prefix.toString();
            try {
                call("create " + p, zk -> zk.create(p, null, OPEN, CreateMode.PERSISTENT));
            } catch (KeeperException.NodeExistsException ignored) {
                // there already
            } catch (KeeperException e) {
                throw new ClusterStoreException("create " + p + ": " + e.getMessage(), e);
            }
        }
    }

    private boolean exists(String path) {
        try {
            return read("check " + path, zk -> zk.exists(path, false)) != null;
        } catch (KeeperException e) {
            throw new ClusterStoreException("check " + path + ": " + e.getMessage(), e);
        }
    }

    /** The index of the op that failed a multi (the others report a runtime inconsistency). */
    private static int failedOp(KeeperException e) {
        List<OpResult> results = e.getResults();
        if (results != null) {
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i) instanceof OpResult.ErrorResult err
                        && err.getErr() != KeeperException.Code.OK.intValue()
                        && err.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                    return i;
                }
            }
        }
        return -1;
    }

    private static Op checkLease(ControllerLease lease) {
        return Op.check(ZNodes.CONTROLLER_EPOCH, lease.epochVersion());
    }

    // ---- cluster id

    @Override
    public String clusterId(String proposed) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            byte[] data = dataOrNull(ZNodes.CLUSTER_ID, null);
            if (data != null) {
                return ZNodes.decodeClusterId(data);
            }
            createRecursively("/cluster");
            try {
                call("create " + ZNodes.CLUSTER_ID, zk -> zk.create(ZNodes.CLUSTER_ID, ZNodes.encodeClusterId(proposed),
                        OPEN, CreateMode.PERSISTENT));
                return proposed;
            } catch (KeeperException.NodeExistsException raced) {
                // another broker's id won: read it
            } catch (KeeperException e) {
                throw new ClusterStoreException("create " + ZNodes.CLUSTER_ID + ": " + e.getMessage(), e);
            }
        }
        throw new ClusterStoreException("cannot settle the cluster id");
    }

    // ---- brokers

    @Override
    public RegistrationOutcome registerBroker(BrokerInfo broker) {
        String path = ZNodes.broker(broker.id());
        byte[] data = ZNodes.encodeBroker(broker, time.milliseconds());
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Stat created = new Stat();
            try {
                call("register broker " + broker.id(), zk -> zk.create(path, data, OPEN, CreateMode.EPHEMERAL, created));
                return new RegistrationOutcome.Registered(created.getCzxid());
            } catch (KeeperException.NodeExistsException e) {
                Stat existing = new Stat();
                if (dataOrNull(path, existing) == null) {
                    continue; // its session just ended
                }
                if (existing.getEphemeralOwner() != session.handle().getSessionId()) {
                    return new RegistrationOutcome.IdInUse(broker.id());
                }
                // this session's own registration: replace it, which gives a new czxid (epoch)
                try {
                    call("re-register broker " + broker.id(), zk -> zk.multi(List.of(
                            Op.delete(path, existing.getVersion()),
                            Op.create(path, data, OPEN, CreateMode.EPHEMERAL))));
                } catch (KeeperException raced) {
                    continue;
                }
                Stat now = new Stat();
                if (dataOrNull(path, now) != null && now.getEphemeralOwner() == session.handle().getSessionId()) {
                    return new RegistrationOutcome.Registered(now.getCzxid());
                }
            } catch (KeeperException e) {
                throw new ClusterStoreException("register broker " + broker.id() + ": " + e.getMessage(), e);
            }
        }
        throw new ClusterStoreException("cannot register broker " + broker.id());
    }

    @Override
    public Map<Integer, RegisteredBroker> liveBrokers() {
        Map<Integer, RegisteredBroker> live = new TreeMap<>();
        for (String child : childrenOrEmpty(ZNodes.BROKER_IDS)) {
            int id;
            try {
                id = Integer.parseInt(child);
            } catch (NumberFormatException e) {
                continue; // not a broker registration
            }
            Stat stat = new Stat();
            byte[] data = dataOrNull(ZNodes.broker(id), stat);
            if (data != null) {
                live.put(id, new RegisteredBroker(ZNodes.decodeBroker(id, data), stat.getCzxid()));
            }
        }
        return live;
    }

    // ---- controller

    @Override
    public OptionalInt controllerId() {
        byte[] data = dataOrNull(ZNodes.CONTROLLER, null);
        return data == null ? OptionalInt.empty() : OptionalInt.of(ZNodes.decodeController(data));
    }

    @Override
    public int controllerEpoch() {
        byte[] data = dataOrNull(ZNodes.CONTROLLER_EPOCH, null);
        return data == null || data.length == 0 ? 0 : ZNodes.decodeControllerEpoch(data);
    }

    @Override
    public ElectionOutcome elect(int brokerId) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Stat epochStat = new Stat();
            byte[] epochData = dataOrNull(ZNodes.CONTROLLER_EPOCH, epochStat);
            if (epochData == null) {
                // the very first election: /controller_epoch starts at 0 (version 0)
                try {
                    call("create " + ZNodes.CONTROLLER_EPOCH, zk -> zk.create(ZNodes.CONTROLLER_EPOCH,
                            ZNodes.encodeControllerEpoch(0), OPEN, CreateMode.PERSISTENT));
                } catch (KeeperException.NodeExistsException raced) {
                    // another broker created it
                } catch (KeeperException e) {
                    throw new ClusterStoreException("create " + ZNodes.CONTROLLER_EPOCH + ": " + e.getMessage(), e);
                }
                continue;
            }
            int epoch = ZNodes.decodeControllerEpoch(epochData) + 1;
            int expectedVersion = epochStat.getVersion();
            try {
                List<OpResult> results = call("elect", zk -> zk.multi(List.of(
                        Op.create(ZNodes.CONTROLLER, ZNodes.encodeController(brokerId, time.milliseconds()), OPEN, CreateMode.EPHEMERAL),
                        Op.setData(ZNodes.CONTROLLER_EPOCH, ZNodes.encodeControllerEpoch(epoch), expectedVersion))));
                int newVersion = ((OpResult.SetDataResult) results.get(1)).getStat().getVersion();
                return new ElectionOutcome.Elected(new ControllerLease(brokerId, epoch, newVersion));
            } catch (KeeperException e) {
                if (failedOp(e) == 0 || e.code() == KeeperException.Code.NODEEXISTS) {
                    OptionalInt current = controllerId();
                    if (current.isPresent()) {
                        return new ElectionOutcome.AlreadyElected(current.getAsInt());
                    }
                }
                // the epoch moved (another election won and its controller is already gone): retry
            }
        }
        throw new ClusterStoreException("controller election did not settle");
    }

    @Override
    public void resign(ControllerLease lease) {
        try {
            call("resign", zk -> zk.multi(List.of(checkLease(lease), Op.delete(ZNodes.CONTROLLER, -1))));
        } catch (KeeperException e) {
            // not the controller any more (fenced) or nothing to delete: nothing to give up
        }
    }

    // ---- topics

    @Override
    public Set<String> topicNames() {
        return Set.copyOf(childrenOrEmpty(ZNodes.TOPICS));
    }

    @Override
    public Optional<Versioned<TopicAssignment>> topic(String name) {
        Stat stat = new Stat();
        byte[] data = dataOrNull(ZNodes.topic(name), stat);
        return data == null ? Optional.empty() : Optional.of(new Versioned<>(ZNodes.decodeTopic(name, data), stat.getVersion()));
    }

    @Override
    public WriteOutcome createTopic(TopicAssignment assignment, Map<String, String> configs) {
        String path = ZNodes.topic(assignment.name());
        String configPath = configPath(ConfigEntity.topic(assignment.name()));
        byte[] config = ZNodes.encodeConfig(configs);
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            // the configs and the topic in one multi-op: a broker that sees the topic sees its configs
            Stat stat = new Stat();
            boolean configExists = dataOrNull(configPath, stat) != null; // a leftover of an earlier topic of that name
            List<Op> ops = List.of(configExists ? Op.setData(configPath, config, stat.getVersion())
                            : Op.create(configPath, config, OPEN, CreateMode.PERSISTENT),
                    Op.create(path, ZNodes.encodeTopic(assignment), OPEN, CreateMode.PERSISTENT));
            try {
                call("create topic", zk -> zk.multi(ops));
                return WriteOutcome.WRITTEN_NEW;
            } catch (KeeperException e) {
                if (failedOp(e) == 1 && e.getResults() != null
                        && ((OpResult.ErrorResult) e.getResults().get(1)).getErr() == KeeperException.Code.NODEEXISTS.intValue()) {
                    return new WriteOutcome.AlreadyExists("topic " + assignment.name());
                }
                if (failedOp(e) != 0) {
                    throw new ClusterStoreException("create topic " + assignment.name() + ": " + e.getMessage(), e);
                }
                // the config znode changed between the read and the write: read again
            }
        }
        throw new ClusterStoreException("creating topic " + assignment.name() + " did not settle");
    }

    @Override
    public WriteOutcome updateTopic(TopicAssignment assignment, int expectedVersion) {
        String path = ZNodes.topic(assignment.name());
        try {
            Stat stat = call("update topic", zk -> zk.setData(path, ZNodes.encodeTopic(assignment), expectedVersion));
            return new WriteOutcome.Written(stat.getVersion());
        } catch (KeeperException.NoNodeException e) {
            return new WriteOutcome.NotFound("topic " + assignment.name());
        } catch (KeeperException.BadVersionException e) {
            return new WriteOutcome.VersionConflict(expectedVersion);
        } catch (KeeperException e) {
            throw new ClusterStoreException("update topic " + assignment.name() + ": " + e.getMessage(), e);
        }
    }

    // ---- partition states

    @Override
    public Optional<Versioned<PartitionState>> partitionState(String topic, int partition) {
        Stat stat = new Stat();
        byte[] data = dataOrNull(ZNodes.partitionState(topic, partition), stat);
        return data == null ? Optional.empty() : Optional.of(new Versioned<>(ZNodes.decodeState(data), stat.getVersion()));
    }

    @Override
    public Map<Integer, Versioned<PartitionState>> partitionStates(String topic) {
        Map<Integer, Versioned<PartitionState>> states = new TreeMap<>();
        for (String child : childrenOrEmpty(ZNodes.partitions(topic))) {
            int p = Integer.parseInt(child);
            partitionState(topic, p).ifPresent(s -> states.put(p, s));
        }
        return states;
    }

    @Override
    public WriteOutcome createPartitionStates(ControllerLease lease, String topic, Map<Integer, PartitionState> states) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<Versioned<TopicAssignment>> assignment = topic(topic);
            if (assignment.isEmpty()) {
                return exists(ZNodes.CONTROLLER_EPOCH) && controllerEpochVersion() != lease.epochVersion()
                        ? new WriteOutcome.Fenced(lease) : new WriteOutcome.NotFound("topic " + topic);
            }
            List<Op> ops = new ArrayList<>();
            ops.add(checkLease(lease));
            // the assignment must still be the one read (partitions exist in it)
            ops.add(Op.check(ZNodes.topic(topic), assignment.get().version()));
            if (!exists(ZNodes.partitions(topic))) {
                ops.add(Op.create(ZNodes.partitions(topic), null, OPEN, CreateMode.PERSISTENT));
            }
            for (Map.Entry<Integer, PartitionState> e : new TreeMap<>(states).entrySet()) {
                int p = e.getKey();
                if (!assignment.get().value().replicas().containsKey(p)) {
                    return new WriteOutcome.NotFound("partition " + topic + "-" + p);
                }
                if (!exists(ZNodes.partition(topic, p))) {
                    ops.add(Op.create(ZNodes.partition(topic, p), null, OPEN, CreateMode.PERSISTENT));
                }
                ops.add(Op.create(ZNodes.partitionState(topic, p), ZNodes.encodeState(e.getValue()), OPEN, CreateMode.PERSISTENT));
            }
            try {
                call("create partition states", zk -> zk.multi(ops));
                return WriteOutcome.WRITTEN_NEW;
            } catch (KeeperException e) {
                int failed = failedOp(e);
                if (failed == 0) {
                    return new WriteOutcome.Fenced(lease);
                }
                Op op = failed > 0 ? ops.get(failed) : null;
                if (op != null && op.getPath().endsWith("/state") && e.code() == KeeperException.Code.NODEEXISTS) {
                    return new WriteOutcome.AlreadyExists("partition state " + op.getPath());
                }
                // the assignment changed or a parent appeared/vanished meanwhile: read again
            }
        }
        throw new ClusterStoreException("creating partition states of " + topic + " did not settle");
    }

    private int controllerEpochVersion() {
        Stat stat = new Stat();
        return dataOrNull(ZNodes.CONTROLLER_EPOCH, stat) == null ? -1 : stat.getVersion();
    }

    @Override
    public WriteOutcome updatePartitionState(ControllerLease lease, String topic, int partition,
                                             PartitionState state, int expectedVersion) {
        String path = ZNodes.partitionState(topic, partition);
        try {
            List<OpResult> results = call("update partition state", zk -> zk.multi(List.of(
                    checkLease(lease), Op.setData(path, ZNodes.encodeState(state), expectedVersion))));
            return new WriteOutcome.Written(((OpResult.SetDataResult) results.get(1)).getStat().getVersion());
        } catch (KeeperException e) {
            return switch (failedOp(e)) {
                case 0 -> new WriteOutcome.Fenced(lease);
                case 1 -> e.code() == KeeperException.Code.NONODE
                        ? new WriteOutcome.NotFound("partition state " + topic + "-" + partition)
                        : new WriteOutcome.VersionConflict(expectedVersion);
                default -> throw new ClusterStoreException("update " + path + ": " + e.getMessage(), e);
            };
        }
    }

    // ---- deletion

    @Override
    public void requestTopicDeletion(String topic) {
        try {
            call("request deletion", zk -> zk.create(ZNodes.deleteRequest(topic), null, OPEN, CreateMode.PERSISTENT));
        } catch (KeeperException.NodeExistsException e) {
            // asked before
        } catch (KeeperException e) {
            throw new ClusterStoreException("request deletion of " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Set<String> topicDeletionRequests() {
        return new HashSet<>(childrenOrEmpty(ZNodes.DELETE_TOPICS));
    }

    @Override
    public WriteOutcome deleteTopic(ControllerLease lease, String topic) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            List<Op> ops = new ArrayList<>();
            ops.add(checkLease(lease));
            if (exists(ZNodes.topic(topic))) {
                for (String p : childrenOrEmpty(ZNodes.partitions(topic))) {
                    String partition = ZNodes.partitions(topic) + "/" + p;
                    for (String child : childrenOrEmpty(partition)) {
                        ops.add(Op.delete(partition + "/" + child, -1));
                    }
                    ops.add(Op.delete(partition, -1));
                }
                if (exists(ZNodes.partitions(topic))) {
                    ops.add(Op.delete(ZNodes.partitions(topic), -1));
                }
                ops.add(Op.delete(ZNodes.topic(topic), -1));
            }
            String config = ZNodes.CONFIG_TOPICS + "/" + topic;
            if (exists(config)) {
                ops.add(Op.delete(config, -1));
            }
            if (exists(ZNodes.deleteRequest(topic))) {
                ops.add(Op.delete(ZNodes.deleteRequest(topic), -1));
            }
            try {
                call("delete topic", zk -> zk.multi(ops));
                return ops.size() == 1 ? new WriteOutcome.NotFound("topic " + topic) : WriteOutcome.WRITTEN_NEW;
            } catch (KeeperException e) {
                if (failedOp(e) == 0) {
                    return new WriteOutcome.Fenced(lease);
                }
                // something under the topic changed meanwhile: list again
            }
        }
        throw new ClusterStoreException("deleting topic " + topic + " did not settle");
    }

    // ---- configs

    private static String configPath(ConfigEntity entity) {
        return (entity.type() == ConfigEntity.Type.TOPIC ? ZNodes.CONFIG_TOPICS : ZNodes.CONFIG_BROKERS) + "/" + entity.name();
    }

    @Override
    public Map<String, String> config(ConfigEntity entity) {
        return ZNodes.decodeConfig(dataOrNull(configPath(entity), null));
    }

    /** Kafka's entity path of a change notification: {@code topics/T}, {@code brokers/1}, {@code brokers/<default>}. */
    private static String entityPath(ConfigEntity entity) {
        return (entity.type() == ConfigEntity.Type.TOPIC ? "topics/" : "brokers/") + entity.name();
    }

    /**
     * Writes the overrides and, in the same multi-op, Kafka's change notification
     * {@code /config/changes/config_change_NNNNNNNNNN} (Sluice's brokers watch the config znodes
     * themselves; the notification is for Kafka-era tools). Notifications older than
     * {@link #CHANGE_NOTIFICATION_EXPIRY_MS} are removed on the way, as Kafka's brokers purge them.
     */
    @Override
    public void setConfig(ConfigEntity entity, Map<String, String> overrides) {
        String path = configPath(entity);
        byte[] data = ZNodes.encodeConfig(overrides);
        Op notification = Op.create(ZNodes.CONFIG_CHANGES + "/" + ZNodes.CONFIG_CHANGE_PREFIX,
                ZNodes.encodeConfigChange(entityPath(entity)), OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            boolean exists = exists(path);
            List<Op> ops = List.of(exists ? Op.setData(path, data, -1) : Op.create(path, data, OPEN, CreateMode.PERSISTENT),
                    notification);
            try {
                List<OpResult> results = call("set config", zk -> zk.multi(ops));
                String written = ((OpResult.CreateResult) results.get(1)).getPath();
                try {
                    purgeOldChangeNotifications(written.substring(written.lastIndexOf('/') + 1));
                } catch (ClusterStoreException e) {
                    // written; the next change purges
                }
                return;
            } catch (KeeperException e) {
                if (failedOp(e) != 0) {
                    throw new ClusterStoreException("set " + path + ": " + e.getMessage(), e);
                }
                // created or deleted meanwhile: look again
            }
        }
        throw new ClusterStoreException("setting " + path + " did not settle");
    }

    /** Kafka's {@code ZkNodeChangeNotificationListener} default: notifications live 15 minutes. */
    static final long CHANGE_NOTIFICATION_EXPIRY_MS = 15 * 60 * 1000L;

    /** Removes notifications older than the expiry, never {@code justWritten}. */
    private void purgeOldChangeNotifications(String justWritten) {
        long oldest = time.milliseconds() - CHANGE_NOTIFICATION_EXPIRY_MS;
        for (String child : childrenOrEmpty(ZNodes.CONFIG_CHANGES)) {
            if (child.equals(justWritten)) {
                continue;
            }
            String path = ZNodes.CONFIG_CHANGES + "/" + child;
            Stat stat = new Stat();
            if (child.startsWith(ZNodes.CONFIG_CHANGE_PREFIX) && dataOrNull(path, stat) != null && stat.getCtime() < oldest) {
                try {
                    call("purge " + path, zk -> {
                        zk.delete(path, -1);
                        return null;
                    });
                } catch (KeeperException ignored) {
                    // another broker purged it
                }
            }
        }
    }

    // ---- producer ids

    @Override
    public long reserveProducerIdBlock(int brokerId, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("block size must be positive, was " + size);
        }
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Stat stat = new Stat();
            byte[] data = dataOrNull(ZNodes.PRODUCER_ID_BLOCK, stat);
            if (data == null) {
                createRecursively(ZNodes.PRODUCER_ID_BLOCK);
                continue;
            }
            long first = ZNodes.nextProducerId(data);
            if (first > Long.MAX_VALUE - size) {
                throw new ClusterStoreException("producer ids are exhausted");
            }
            byte[] next = ZNodes.encodeProducerIdBlock(brokerId, first, first + size - 1);
            try {
                call("reserve producer ids", zk -> zk.setData(ZNodes.PRODUCER_ID_BLOCK, next, stat.getVersion()));
                return first;
            } catch (KeeperException.BadVersionException raced) {
                // another broker reserved a block meanwhile: take the one after it
            } catch (KeeperException e) {
                throw new ClusterStoreException("reserve producer ids: " + e.getMessage(), e);
            }
        }
        throw new ClusterStoreException("reserving producer ids did not settle");
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
