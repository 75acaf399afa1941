package dev.sluice.streams;

import dev.sluice.api.Time;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.GroupDescription;
import dev.sluice.client.admin.GroupMember;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.producer.partition.Murmur2;
import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.internals.Subtopology;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.ReadOnlyKeyValueStore;
import dev.sluice.streams.state.ReadOnlySessionStore;
import dev.sluice.streams.state.ReadOnlyWindowStore;
import dev.sluice.streams.state.internals.LocalStores;
import dev.sluice.streams.processor.TaskId;
import dev.sluice.streams.runtime.StreamThread;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One instance of a stream-processing application: runs a {@link Topology} against the brokers of
 * {@code bootstrap.servers}. Instances with the same {@code application.id} form a consumer group and
 * share the tasks; starting or stopping one rebalances them, and a task that moves restores its stores
 * from their changelog topics. Internal topics are created at start.
 *
 * <pre>{@code
 * Properties props = new Properties();
 * props.put("application.id", "word-count");
 * props.put("bootstrap.servers", "localhost:9092");
 * props.put("processing.guarantee", "exactly_once_v2");
 * try (SluiceStreams streams = new SluiceStreams(topology, props)) {
 *     streams.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe. Processing runs on one thread of its own ({@code num.stream.threads} is 1).
 */
public final class SluiceStreams implements AutoCloseable {
    /** Lifecycle: CREATED → RUNNING (once tasks are assigned) → NOT_RUNNING after close; ERROR if processing failed. */
    public enum State { CREATED, STARTING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING, ERROR }

    private final StreamsConfig config;
    private final Topology topology;
    private final StreamThread streamThread;
    private final Thread thread;
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final String processId = UUID.randomUUID().toString();

    public SluiceStreams(Topology topology, Properties properties) {
        this(topology, StreamsConfig.from(properties), Time.SYSTEM);
    }

    public SluiceStreams(Topology topology, StreamsConfig config, Time time) {
        if (config.applicationId() == null || config.applicationId().isBlank()) {
            throw new IllegalArgumentException("application.id is required");
        }
        if (config.bootstrapServers() == null) {
            throw new IllegalArgumentException("bootstrap.servers is required");
        }
        this.config = config;
        this.topology = topology;
        HostInfo.parse(config.applicationServer()); // fail now on a malformed one
        this.streamThread = new StreamThread(topology.model(), config, processId, time,
                () -> state.compareAndSet(State.STARTING, State.RUNNING), t -> {
                    failure.set(t);
                    state.set(State.ERROR);
                });
        this.thread = new Thread(streamThread, config.applicationId() + "-stream-thread");
    }

    /** Creates the internal topics, joins the group and starts processing (in the background). */
    public void start() {
        if (!state.compareAndSet(State.CREATED, State.STARTING)) {
            throw new IllegalStateException("already started");
        }
        thread.start();
    }

    public State state() {
        return state.get();
    }

    /** Why processing stopped, if it failed. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure.get());
    }

    /** This instance's id (part of its clients' ids and its transactional id). */
    public String processId() {
        return processId;
    }

    /** The tasks this instance keeps standby copies of now ({@code num.standby.replicas}). */
    public Set<TaskId> standbyTasks() {
        return streamThread.standbyTaskIds();
    }

    /** Changelog records applied to this instance's standby tasks. */
    public long standbyRecordsApplied() {
        return streamThread.standbyRecordsApplied();
    }

    /** Changelog records this instance restored into tasks it took over (standbys spare most of it). */
    public long restoredRecords() {
        return streamThread.restoredRecords();
    }

    /** The tasks this instance runs now. */
    public Set<TaskId> activeTasks() {
        return streamThread.activeTaskIds();
    }

    // ---- interactive queries

    /** This instance's share of a key-value store: the keys of the tasks it runs now. Any thread. */
    public <K, V> ReadOnlyKeyValueStore<K, V> keyValueStore(String storeName) {
        checkStore(storeName);
        return LocalStores.keyValue(storeName, () -> streamThread.localStores(storeName));
    }

    public <K, V> ReadOnlyWindowStore<K, V> windowStore(String storeName) {
        checkStore(storeName);
        return LocalStores.window(storeName, () -> streamThread.localStores(storeName));
    }

    public <K, V> ReadOnlySessionStore<K, V> sessionStore(String storeName) {
        checkStore(storeName);
        return LocalStores.session(storeName, () -> streamThread.localStores(storeName));
    }

    private StoreSpec checkStore(String storeName) {
        StoreSpec spec = topology.model().store(storeName);
        if (spec == null) {
            throw new IllegalArgumentException("the topology has no store named " + storeName + "; it has "
                    + topology.model().stores().keySet());
        }
        return spec;
    }

    /**
     * Which instance holds {@code key} of a store now: the key's partition (murmur2 of the serialized key,
     * as the producer partitions it), and the group member running that partition's task, with the
     * {@code application.server} it announced. Asks the group coordinator (DescribeGroups).
     *
     * @throws IllegalStateException before the instance has started
     */
    public <K> KeyQueryMetadata queryMetadataForKey(String storeName, K key, Serde<K> keySerde) {
        checkStore(storeName);
        Subtopology sub = topology.model().subtopologies().stream().filter(s -> s.stores().contains(storeName))
                .findFirst().orElseThrow();
        Map<String, Integer> counts = streamThread.partitionCounts();
        String topic = null;
        int tasks = 0;
        for (var t : sub.sourceTopics()) {
            Integer n = counts.get(t.resolve(config.applicationId()));
            if (n == null) {
                throw new IllegalStateException("the instance has not started yet");
            }
            if (n > tasks) {
                tasks = n;
                topic = t.resolve(config.applicationId());
            }
        }
        int partition = Murmur2.partition(keySerde.serialize(topic, key), tasks);
        TopicPartition tp = new TopicPartition(topic, partition);
        HostInfo active = HostInfo.UNAVAILABLE;
        Set<HostInfo> standbys = new java.util.HashSet<>();
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(config.bootstrapServers()))) {
            GroupDescription group = admin.describeGroups(List.of(config.applicationId())).join().get(config.applicationId());
            List<GroupMember> members = new java.util.ArrayList<>(group.members());
            members.sort(java.util.Comparator.comparing(GroupMember::memberId));
            for (int i = 0; i < members.size(); i++) {
                if (members.get(i).assignment().contains(tp)) {
                    active = HostInfo.parse(StreamThread.applicationServerOf(members.get(i).clientId()));
                    // the same rule the instances follow to pick their standbys
                    for (int r = 1; r <= Math.min(config.numStandbyReplicas(), members.size() - 1); r++) {
                        standbys.add(HostInfo.parse(StreamThread.applicationServerOf(members.get((i + r) % members.size()).clientId())));
                    }
                }
            }
        }
        return new KeyQueryMetadata(active, standbys, partition);
    }

    /** Commits, leaves the group and waits up to {@code timeout} for the processing thread to end. */
    public boolean close(Duration timeout) {
        State before = state.getAndUpdate(s -> s == State.ERROR ? s : State.PENDING_SHUTDOWN);
        streamThread.shutdown();
        if (before != State.CREATED) {
            try {
                thread.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean done = !thread.isAlive();
        if (done) {
            state.updateAndGet(s -> s == State.ERROR ? s : State.NOT_RUNNING);
        }
        return done;
    }

    @Override
    public void close() {
        close(Duration.ofMinutes(1));
    }
}
