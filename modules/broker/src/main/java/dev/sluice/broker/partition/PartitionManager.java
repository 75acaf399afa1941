package dev.sluice.broker.partition;

import dev.sluice.api.Time;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.producer.ProducerStateManager;
import dev.sluice.broker.topic.TopicConfigDef;
import dev.sluice.broker.topic.TopicDefaults;
import dev.sluice.broker.topic.TopicException;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.broker.topic.TopicNames;
import dev.sluice.broker.topic.TopicRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The topics and partitions of this broker: creates, opens, deletes them over the log storage
 * engine, and keeps the topic catalogue in step. A partition's progress (appends, high-watermark
 * moves) is reported to {@link #onPartitionProgress} (the replica manager's delayed operations).
 */
public final class PartitionManager implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PartitionManager.class.getName());

    private final StorageEngines engines;
    private final TopicRegistry topics;
    /** Replaced when dynamic broker configs change ({@link #updateDefaults}). */
    private volatile TopicDefaults defaults;
    private final Path producerStateDir;
    private final Time time;
    private final int brokerCount;
    private final int maxPartitions;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    /** Failed storage, as "engine@log dir" ({@link #storageKey}). */
    private final java.util.Set<String> offlineEngines = ConcurrentHashMap.newKeySet();
    /** The log directories where some storage failed. */
    private final java.util.Set<java.nio.file.Path> offlineLogDirs = ConcurrentHashMap.newKeySet();
    private volatile java.util.function.Consumer<TopicPartition> progressListener = tp -> { };
    private final HighWatermarkCheckpoint highWatermarks;
    /**
     * In a cluster: partitions open leading nothing until the controller's LeaderAndIsr (see
     * {@link Partition}); internal topics, which this broker keeps for itself, still lead at once.
     */
    private volatile boolean rolesFromController;
    private Map<TopicPartition, Long> checkpointedHighWatermarks = Map.of();
    private final List<Consumer<TopicMetadata>> deletionListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> changeListeners = new CopyOnWriteArrayList<>();

    /**
     * @param maxPartitions {@code max.broker.partitions}: creating topics or partitions beyond this
     *                      many on the broker is refused with POLICY_VIOLATION
     */
    public PartitionManager(StorageEngines engines, TopicRegistry topics, TopicDefaults defaults, Time time,
                            int maxPartitions) {
        this.engines = engines;
        this.maxPartitions = maxPartitions;
        this.topics = topics;
        this.defaults = defaults;
        this.producerStateDir = engines.logDir().resolve(".producer-state");
        this.time = time;
        this.brokerCount = 1;
        this.highWatermarks = new HighWatermarkCheckpoint(engines.logDir());
    }

    /**
     * In a cluster, before {@link #startup}: the partitions opened from now on lead nothing until the
     * controller's LeaderAndIsr gives them a role (a single node leads its partitions at once).
     */
    public void rolesFromController() {
        this.rolesFromController = true;
    }

    /** Opens every partition of every known topic (recovering logs as needed). */
    public void startup() {
        checkpointedHighWatermarks = highWatermarks.read();
        recordLegacyEngines();
        logEnginesOtherThanTheDefault();
        // every engine opens its logs at once: in parallel, with per-directory state written once
        Map<String, Map<TopicPartition, LogConfig>> byEngine = new java.util.TreeMap<>();
        for (TopicMetadata topic : topics.all()) {
            for (int p = 0; p < topic.partitions(); p++) {
                byEngine.computeIfAbsent(engineOf(topic), e -> new java.util.LinkedHashMap<>())
                        .put(new TopicPartition(topic.name(), p), defaults.logConfig(TopicConfigDef.applicable(topic.configs())));
            }
        }
        Map<TopicPartition, LogStorage> logs = new java.util.HashMap<>();
        byEngine.forEach((engine, configs) -> logs.putAll(engines.engine(engine).openAll(configs)));
        for (TopicMetadata topic : topics.all()) {
            for (int p = 0; p < topic.partitions(); p++) {
                open(topic, p, logs.get(new TopicPartition(topic.name(), p)));
            }
        }
        for (LogStorageEngine engine : engines.opened()) {
            for (TopicPartition orphan : engine.partitions()) {
                Optional<TopicMetadata> topic = topics.get(orphan.topic());
                boolean owned = topic.isPresent() && orphan.partition() < topic.get().partitions()
                        && engines.engine(engineOf(topic.get())) == engine;
                if (!owned) {
                    LOG.log(System.Logger.Level.WARNING, "deleting " + orphan + " from " + engine.directory()
                            + ": no topic in the catalogue owns it (left over from an interrupted delete)");
                    engine.delete(orphan);
                }
            }
        }
        engines.resumeMoves();
    }

    /**
     * Catalogue entries written before topics recorded their engine get it now: their
     * {@code storage.engine} if set, else the engine that holds the topic's data (the Kafka-layout
     * {@code file} engine first: it was the default of such catalogues), else the broker default.
     * Without this a changed {@code log.storage} would open every old topic empty in the new engine.
     */
    private void recordLegacyEngines() {
        for (TopicMetadata topic : List.copyOf(topics.all())) {
            if (topic.storageEngine() == null) {
                String engine = topic.configs().containsKey("storage.engine") ? topic.configs().get("storage.engine")
                        : engineHolding(topic).orElse(engines.defaultName());
                topics.put(topic.withStorageEngine(engine));
            }
        }
    }

    /** The engine that has partitions of {@code topic} stored, looking only where engines keep data already. */
    private Optional<String> engineHolding(TopicMetadata topic) {
        List<String> candidates = new ArrayList<>(List.of(StorageEngines.KAFKA_LAYOUT_ENGINE));
        for (String name : StorageEngines.installedNames()) {
            if (!candidates.contains(name) && Files.isDirectory(engines.directoryOf(name))) {
                candidates.add(name);
            }
        }
        for (String name : candidates) {
            Collection<TopicPartition> stored = engines.engine(name).partitions();
            if (stored.stream().anyMatch(tp -> tp.topic().equals(topic.name()))) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    /** Says which topics stay on an engine other than {@code log.storage} (e.g. after it was changed). */
    private void logEnginesOtherThanTheDefault() {
        Map<String, List<String>> byEngine = new java.util.TreeMap<>();
        for (TopicMetadata topic : topics.all()) {
            if (!engineOf(topic).equals(engines.defaultName())) {
                byEngine.computeIfAbsent(engineOf(topic), e -> new ArrayList<>()).add(topic.name());
            }
        }
        byEngine.forEach((engine, names) -> {
            java.util.Collections.sort(names);
            LOG.log(System.Logger.Level.INFO, names.size() + " topic(s) stay on the '" + engine
                    + "' log storage they were created on (log.storage=" + engines.defaultName()
                    + " applies to new topics only): " + String.join(", ", names));
        });
    }

    /**
     * A storage call of {@code failed} threw {@link dev.sluice.api.storage.StorageException}: takes
     * its storage (the engine's directory under the log directory) offline, as Kafka's
     * LogDirFailureChannel does: every partition stored there answers KAFKA_STORAGE_ERROR from now
     * on, and the broker lives on. Logged once per storage engine.
     */
    public void storageFailed(TopicPartition failed, RuntimeException cause) {
        Optional<TopicMetadata> topic = topics.get(failed.topic());
        if (topic.isEmpty()) {
            return; // deleted meanwhile: not a disk failure
        }
        String engine = engineOf(topic.get());
        String key = storageKey(engine, failed);
        if (!offlineEngines.add(key)) {
            return;
        }
        java.nio.file.Path dir = engines.logDirOf(engine, failed);
        offlineLogDirs.add(dir);
        engines.directoryFailed(engine, failed);
        LOG.log(System.Logger.Level.ERROR, "STORAGE FAILURE: the '" + engine + "' storage in " + dir
                + " failed on " + failed + "; its partitions are offline (KAFKA_STORAGE_ERROR) until the broker"
                + " is restarted with the disk repaired", cause);
        java.util.Set<String> affected = new java.util.TreeSet<>();
        for (Partition partition : partitions.values()) {
            topics.get(partition.topicPartition().topic())
                    .filter(t -> storageKey(engineOf(t), partition.topicPartition()).equals(key))
                    .ifPresent(t -> {
                        partition.markOffline();
                        affected.add(t.name());
                    });
        }
        affected.forEach(this::topicChanged);
    }

    /** One engine's storage in one log directory: what fails and goes offline together. */
    private String storageKey(String engine, TopicPartition tp) {
        return engine + "@" + engines.logDirOf(engine, tp);
    }

    /** Every log directory ({@code log.dirs}), the broker's own first. */
    public List<java.nio.file.Path> logDirs() {
        return engines.logDirs();
    }

    /** The log directory holding a hosted partition's data. */
    public java.nio.file.Path logDirOf(TopicPartition tp) {
        String engine = topics.get(tp.topic()).map(this::engineOf).orElse(engines.defaultName());
        return engines.logDirOf(engine, tp);
    }

    /**
     * AlterReplicaLogDirs: moves this broker's replica of {@code tp} to log directory {@code dir}
     * in the background (the partition keeps serving; see {@code SpreadEngine}).
     */
    public LogDirMoveOutcome moveReplica(TopicPartition tp, java.nio.file.Path dir) {
        Optional<TopicMetadata> topic = topics.get(tp.topic()).filter(t -> tp.partition() >= 0 && tp.partition() < t.partitions());
        if (topic.isEmpty()) {
            return new LogDirMoveOutcome.UnknownPartition();
        }
        Partition partition = partitions.get(tp);
        if (partition != null && partition.role() instanceof PartitionRole.Offline) {
            return new LogDirMoveOutcome.LogDirOffline(tp + " is offline");
        }
        LogDirMoveOutcome outcome = engines.move(engineOf(topic.get()), tp, dir);
        return partition == null && !(outcome instanceof LogDirMoveOutcome.UnknownLogDir)
                && !(outcome instanceof LogDirMoveOutcome.LogDirOffline) ? new LogDirMoveOutcome.NotHosted() : outcome;
    }

    /** The partitions being copied to another log directory now (DescribeLogDirs' future replicas). */
    public List<FutureReplica> futureReplicas() {
        return engines.futureReplicas();
    }

    /** The log directories where some storage failed (their partitions answer KAFKA_STORAGE_ERROR). */
    public java.util.Set<java.nio.file.Path> offlineLogDirs() {
        return java.util.Set.copyOf(offlineLogDirs);
    }

    /** The storage engine a topic lives in, recorded at its creation. */
    public String engineOf(TopicMetadata topic) {
        return topic.storageEngine() != null ? topic.storageEngine()
                : topic.configs().getOrDefault("storage.engine", engines.defaultName());
    }

    /**
     * The topic's overrides as DescribeConfigs shows them: including the storage engine it was
     * created on when that is not the broker's current {@code log.storage}.
     */
    public Map<String, String> describedOverrides(TopicMetadata topic) {
        String engine = engineOf(topic);
        if (engine.equals(engines.defaultName()) || topic.configs().containsKey("storage.engine")) {
            return topic.configs();
        }
        Map<String, String> overrides = new java.util.TreeMap<>(topic.configs());
        overrides.put("storage.engine", engine);
        return overrides;
    }

    /** The broker's log directory (every storage engine keeps its data under it). */
    public java.nio.file.Path logDir() {
        return engines.logDir();
    }

    public TopicDefaults defaults() {
        return defaults;
    }

    public TopicRegistry topics() {
        return topics;
    }

    /**
     * Called when a partition's log end or high watermark moved (the replica manager wakes its
     * delayed operations). Set once, before requests are served.
     */
    public void onPartitionProgress(java.util.function.Consumer<TopicPartition> listener) {
        this.progressListener = listener;
    }

    /** What follower appends are reported to (the replica fetchers read it; the broker's metrics set it). */
    public void replicaEvents(dev.sluice.broker.replica.ReplicaEvents events) {
        this.replicaEvents = events;
    }

    public dev.sluice.broker.replica.ReplicaEvents replicaEvents() {
        return replicaEvents;
    }

    private volatile dev.sluice.broker.replica.ReplicaEvents replicaEvents = dev.sluice.broker.replica.ReplicaEvents.NONE;

    /** Which brokers are alive (the metadata cache), for the partitions' high watermarks; default: all. */
    public void liveBrokers(java.util.function.IntPredicate alive) {
        this.liveBroker = alive;
    }

    private volatile java.util.function.IntPredicate liveBroker = id -> true;

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    /** The partition a request names; empty (not an exception) for a negative index or a missing name. */
    public Optional<Partition> partition(String topic, int index) {
        return topic == null || index < 0 ? Optional.empty() : partition(new TopicPartition(topic, index));
    }

    public Collection<Partition> all() {
        return partitions.values();
    }

    /**
     * Registers a callback run with a topic's name whenever the topic, its partitions or their
     * roles changed here (created, grown, deleted, taken offline, led or followed anew): the
     * single node's metadata cache is refreshed from it. Runs on the changing thread.
     */
    public void onTopicChanged(Consumer<String> listener) {
        changeListeners.add(listener);
    }

    /** Tells the change listeners that {@code topic} (or one of its partitions' roles) changed. */
    public void topicChanged(String topic) {
        for (Consumer<String> listener : changeListeners) {
            try {
                listener.accept(topic);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "change listener failed for topic " + topic, e);
            }
        }
    }

    /** Validates and creates a topic; {@code partitions}/{@code replicationFactor} of -1 take the defaults. */
    public synchronized TopicMetadata createTopic(String name, int partitionCount, short replicationFactor,
                                                  Map<String, String> configs, boolean validateOnly) {
        String problem = TopicNames.problem(name);
        if (problem != null) {
            throw new TopicException(TopicException.Error.INVALID_TOPIC_EXCEPTION, problem);
        }
        if (topics.get(name).isPresent()) {
            throw new TopicException(TopicException.Error.TOPIC_ALREADY_EXISTS, "topic '" + name + "' already exists");
        }
        int count = partitionCount == -1 ? defaults.numPartitions() : partitionCount;
        if (count <= 0) {
            throw new TopicException(TopicException.Error.INVALID_PARTITIONS, "number of partitions must be at least 1, was " + count);
        }
        short rf = replicationFactor == -1 ? defaults.replicationFactor() : replicationFactor;
        if (rf <= 0 || rf > brokerCount) {
            throw new TopicException(TopicException.Error.INVALID_REPLICATION_FACTOR, "replication factor " + rf
                    + " is invalid: it must be between 1 and the number of brokers (" + brokerCount + ")");
        }
        checkPartitionLimit(count);
        checkNewTopicConfigs(configs, rf);
        TopicMetadata topic = new TopicMetadata(name, UUID.randomUUID(), count, rf, configs, topics.initialLeaderEpoch(),
                configs.getOrDefault("storage.engine", engines.defaultName()));
        if (validateOnly) {
            return topic;
        }
        topics.put(topic);
        try {
            for (int p = 0; p < count; p++) {
                open(topic, p);
            }
        } catch (RuntimeException e) {
            rollBackCreate(topic);
            topicChanged(name);
            LOG.log(System.Logger.Level.ERROR, "cannot create topic " + name, e);
            throw new TopicException(TopicException.Error.STORAGE_ERROR, "cannot create topic '" + name + "': " + e.getMessage());
        }
        topicChanged(name);
        LOG.log(System.Logger.Level.INFO, "created topic " + name + " with " + count + " partitions" + (configs.isEmpty() ? "" : " " + configs));
        return topic;
    }

    /**
     * Checks a new topic's overrides (on one node and, by the handlers, in a cluster): known keys with
     * valid values, {@code min.insync.replicas} within the replication factor, an installed storage engine.
     *
     * @throws TopicException INVALID_CONFIG naming every problem
     */
    public static void checkNewTopicConfigs(Map<String, String> configs, int replicationFactor) {
        String problem = TopicConfigDef.validate(configs);
        if (problem == null) {
            problem = TopicConfigDef.validateFor(configs, replicationFactor);
        }
        if (problem == null && configs.containsKey("storage.engine")) {
            problem = StorageEngines.problem(configs.get("storage.engine"));
        }
        if (problem != null) {
            throw new TopicException(TopicException.Error.INVALID_CONFIG, problem);
        }
    }

    /**
     * Refuses {@code added} new partitions past {@code max.broker.partitions}: every partition costs
     * open files, memory and restart time, and one request must not be able to exhaust them.
     */
    private void checkPartitionLimit(int added) {
        long total = (long) partitions.size() + added;
        if (total > maxPartitions) {
            throw new TopicException(TopicException.Error.POLICY_VIOLATION, "this broker has " + partitions.size()
                    + " partitions; " + added + " more would exceed max.broker.partitions (" + maxPartitions + ")");
        }
    }

    /** Partitions this broker may still create under {@code max.broker.partitions}. */
    public int partitionsLeft() {
        return Math.max(0, maxPartitions - partitions.size());
    }

    /** Undoes a half-created topic: no catalogue entry, no partitions, no data. */
    private void rollBackCreate(TopicMetadata topic) {
        topics.remove(topic.name());
        for (int p = 0; p < topic.partitions(); p++) {
            TopicPartition tp = new TopicPartition(topic.name(), p);
            if (partitions.remove(tp) != null) {
                try {
                    engines.engine(engineOf(topic)).delete(tp);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "cannot remove " + tp + " after a failed create", e);
                }
            }
        }
    }

    /** The topic, created with defaults if auto-creation is on and the name is legal. */
    public Optional<TopicMetadata> getOrAutoCreate(String name) {
        Optional<TopicMetadata> existing = topics.get(name);
        if (existing.isPresent() || !defaults.autoCreate() || TopicNames.problem(name) != null) {
            return existing;
        }
        synchronized (this) {
            existing = topics.get(name);
            if (existing.isPresent()) {
                return existing;
            }
            return Optional.of(createTopic(name, -1, (short) -1, Map.of(), false));
        }
    }

    /**
     * Deletes a topic: catalogue entry, partitions and their data, then tells the deletion
     * listeners (outside this manager's lock: they may append, e.g. offset tombstones).
     */
    public void deleteTopic(String name) {
        TopicMetadata deleted = deleteTopicLocked(name);
        topicChanged(name);
        for (Consumer<TopicMetadata> listener : deletionListeners) {
            try {
                listener.accept(deleted);
            } catch (RuntimeException e) { // the topic is gone either way; the start-up sweep retries
                LOG.log(System.Logger.Level.ERROR, "clean-up after deleting topic " + name + " failed", e);
            }
        }
    }

    /**
     * Registers a callback run after each topic deletion, on the deleting thread (a request
     * handler thread). A crash between the deletion and the callback skips it, so whatever the
     * callback removes must also be cleaned at start-up.
     */
    public void onTopicDeleted(Consumer<TopicMetadata> listener) {
        deletionListeners.add(listener);
    }

    private synchronized TopicMetadata deleteTopicLocked(String name) {
        TopicMetadata topic = topics.get(name).orElseThrow(() ->
                new TopicException(TopicException.Error.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist"));
        // catalogue first: a crash after this leaves orphan partitions that startup() deletes
        topics.remove(name);
        for (int p = 0; p < topic.partitions(); p++) {
            TopicPartition tp = new TopicPartition(name, p);
            partitions.remove(tp);
            engines.engine(engineOf(topic)).delete(tp); // closes the log, then removes its data
            try {
                ProducerStateManager.deleteSnapshots(snapshotDir(tp));
                Files.deleteIfExists(legacySnapshotFile(tp));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete producer snapshot of " + tp, e);
            }
        }
        LOG.log(System.Logger.Level.INFO, "deleted topic " + name);
        return topic;
    }

    /**
     * Opens a replica of a catalogued topic that this broker does not host yet (the controller
     * assigned it here). It starts as leader in the topic's epoch; the caller sets its role next.
     *
     * @throws TopicException UNKNOWN_TOPIC_OR_PARTITION if the catalogue has no such partition,
     *                        POLICY_VIOLATION past {@code max.broker.partitions}, STORAGE_ERROR
     */
    public synchronized Partition openReplica(TopicPartition tp) {
        Partition hosted = partitions.get(tp);
        if (hosted != null) {
            return hosted;
        }
        TopicMetadata topic = topics.get(tp.topic()).filter(t -> tp.partition() >= 0 && tp.partition() < t.partitions())
                .orElseThrow(() -> new TopicException(TopicException.Error.UNKNOWN_TOPIC_OR_PARTITION,
                        "no partition " + tp + " in the topic catalogue"));
        checkPartitionLimit(1);
        try {
            open(topic, tp.partition());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot open replica " + tp, e);
            throw new TopicException(TopicException.Error.STORAGE_ERROR, "cannot open " + tp + ": " + e.getMessage());
        }
        return partitions.get(tp);
    }

    /**
     * Deletes this broker's replica of {@code tp} with its data (StopReplica with delete), leaving
     * the topic in the catalogue: the controller moved the replica away or deletes the topic.
     * Waiters on the partition are woken so they answer now. No-op if it is not hosted and has no data.
     */
    public void deleteReplica(TopicPartition tp) {
        synchronized (this) {
            Partition removed = partitions.remove(tp);
            Optional<TopicMetadata> topic = topics.get(tp.topic());
            LogStorageEngine engine = engines.engine(topic.map(this::engineOf).orElse(engines.defaultName()));
            if (removed != null || engine.partitions().contains(tp)) {
                engine.delete(tp); // closes the log, then removes its data
            }
            try {
                ProducerStateManager.deleteSnapshots(snapshotDir(tp));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete producer snapshots of " + tp, e);
            }
            if (removed != null) {
                LOG.log(System.Logger.Level.INFO, "deleted replica " + tp);
            }
        }
        progressListener.accept(tp);
    }

    /**
     * A topic was deleted in the cluster and re-created under a new id while this broker missed the
     * deletion (down, or its StopReplica lost): this broker's replicas of the old topic are deleted with
     * their data and the catalogue takes the new topic, whose replicas the controller opens next
     * (LeaderAndIsr). No-op if the catalogue already has {@code recreated}'s id.
     */
    public void replaceRecreatedTopic(TopicMetadata recreated) {
        List<TopicPartition> stale = new ArrayList<>();
        synchronized (this) {
            Optional<TopicMetadata> known = topics.get(recreated.name());
            if (known.isPresent() && known.get().id().equals(recreated.id())) {
                return;
            }
            for (TopicPartition tp : partitions.keySet()) {
                if (tp.topic().equals(recreated.name())) {
                    stale.add(tp);
                }
            }
            known.ifPresent(k -> {
                for (int p = 0; p < k.partitions(); p++) {
                    TopicPartition tp = new TopicPartition(k.name(), p);
                    if (!stale.contains(tp)) {
                        stale.add(tp); // data left without an open partition (an offline log)
                    }
                }
            });
        }
        for (TopicPartition tp : stale) { // each under the lock, waking its waiters outside it
            deleteReplica(tp);
        }
        synchronized (this) {
            if (topics.get(recreated.name()).map(t -> t.id().equals(recreated.id())).orElse(false)) {
                return; // replaced meanwhile by another caller
            }
            topics.put(recreated);
        }
        LOG.log(System.Logger.Level.WARNING, "topic " + recreated.name() + " was re-created in the cluster with id "
                + recreated.id() + ": deleted " + stale.size() + " stale local replicas of the old topic");
        topicChanged(recreated.name());
    }

    /** Grows a topic to {@code newTotal} partitions. */
    public synchronized void createPartitions(String name, int newTotal, boolean validateOnly) {
        TopicMetadata topic = topics.get(name).orElseThrow(() ->
                new TopicException(TopicException.Error.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist"));
        if (newTotal <= topic.partitions()) {
            throw new TopicException(TopicException.Error.INVALID_PARTITIONS, "topic '" + name + "' has "
                    + topic.partitions() + " partitions; the new count " + newTotal + " must be larger");
        }
        checkPartitionLimit(newTotal - topic.partitions());
        if (validateOnly) {
            return;
        }
        TopicMetadata grown = topic.withPartitions(newTotal);
        topics.put(grown);
        for (int p = topic.partitions(); p < newTotal; p++) {
            open(grown, p);
        }
        topicChanged(name);
    }

    /**
     * Replaces a topic's overrides: checked, written to the catalogue (in a cluster: the cluster
     * metadata store, from which every broker hosting the topic applies them), applied here.
     */
    public void alterConfigs(String name, Map<String, String> overrides, boolean validateOnly) {
        TopicMetadata topic = topics.get(name).orElseThrow(() ->
                new TopicException(TopicException.Error.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist"));
        String problem = TopicConfigDef.validate(overrides);
        if (problem == null) {
            problem = TopicConfigDef.validateFor(overrides, topic.replicationFactor());
        }
        if (problem == null && !engineOf(topic).equals(overrides.getOrDefault("storage.engine", engineOf(topic)))) {
            problem = "storage.engine cannot change after a topic is created (it is " + engineOf(topic) + ")";
        }
        if (problem != null) {
            throw new TopicException(TopicException.Error.INVALID_CONFIG, problem);
        }
        if (validateOnly) {
            return;
        }
        topics.writeConfigs(name, overrides); // not under this manager's lock: in a cluster it is a store write
        applyConfigs(name);
    }

    /**
     * Applies the catalogue's overrides of {@code name} over the current topic defaults to its open
     * partitions (after an AlterConfigs here, or a change another broker made in the cluster store).
     */
    public synchronized void applyConfigs(String name) {
        Optional<TopicMetadata> topic = topics.get(name);
        if (topic.isEmpty()) {
            return;
        }
        Map<String, String> overrides = TopicConfigDef.applicable(topic.get().configs());
        for (int p = 0; p < topic.get().partitions(); p++) {
            Partition partition = partitions.get(new TopicPartition(name, p));
            if (partition != null) {
                partition.log().updateConfig(defaults.logConfig(overrides));
                partition.settings(defaults.partitionSettings(overrides));
            }
        }
    }

    /**
     * New topic defaults (dynamic broker configs changed): applied at once to every open partition,
     * under its topic's overrides.
     */
    public synchronized void updateDefaults(TopicDefaults newDefaults) {
        this.defaults = newDefaults;
        java.util.Set<String> hosted = new java.util.TreeSet<>();
        partitions.keySet().forEach(tp -> hosted.add(tp.topic()));
        hosted.forEach(this::applyConfigs);
    }

    /**
     * Applies retention to every online partition; returns segments deleted. A storage failure
     * takes the storage offline, as on the request paths.
     */
    public int enforceRetention() {
        int deleted = 0;
        for (Partition partition : partitions.values()) {
            if (partition.role() instanceof PartitionRole.Offline) {
                continue; // nothing more is written to a failed disk
            }
            try {
                deleted += partition.enforceRetention();
            } catch (dev.sluice.api.storage.StorageException e) {
                if (partitions.get(partition.topicPartition()) == partition) {
                    storageFailed(partition.topicPartition(), e);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "retention failed for " + partition.topicPartition(), e);
            }
        }
        return deleted;
    }

    private void open(TopicMetadata topic, int p) {
        TopicPartition tp = new TopicPartition(topic.name(), p);
        open(topic, p, engines.engine(engineOf(topic)).open(tp, defaults.logConfig(TopicConfigDef.applicable(topic.configs()))));
    }

    private void open(TopicMetadata topic, int p, LogStorage log) {
        TopicPartition tp = new TopicPartition(topic.name(), p);
        try {
            Files.deleteIfExists(legacySnapshotFile(tp));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete the old producer snapshot of " + tp, e);
        }
        Partition partition = new Partition(log, defaults.partitionSettings(TopicConfigDef.applicable(topic.configs())), topic.leaderEpoch(), checkpointedHighWatermarks.getOrDefault(tp, -1L),
                snapshotDir(tp), time, !rolesFromController);
        partition.onProgress(() -> progressListener.accept(tp));
        partition.liveBrokers(id -> liveBroker.test(id));
        partitions.put(tp, partition);
        // after the put: a failure reported meanwhile either sees this partition or is seen here
        if (offlineEngines.contains(storageKey(engineOf(topic), tp))) {
            partition.markOffline();
            LOG.log(System.Logger.Level.WARNING, tp + " is offline: its '" + engineOf(topic) + "' storage failed earlier");
        }
    }

    /** Writes every partition's high watermark to {@code replication-offset-checkpoint}. */
    public void checkpointHighWatermarks() {
        Map<TopicPartition, Long> offsets = new java.util.TreeMap<>();
        for (Partition partition : partitions.values()) {
            offsets.put(partition.topicPartition(), partition.highWatermark());
        }
        highWatermarks.write(offsets);
    }

    /** A partition's producer-state snapshots: {@code .producer-state/<topic>-<partition>/<offset>.snapshot}. */
    private Path snapshotDir(TopicPartition tp) {
        return producerStateDir.resolve(tp.dirName());
    }

    /** The single snapshot file of earlier versions (no CRC): replaced by a rebuild from the log. */
    private Path legacySnapshotFile(TopicPartition tp) {
        return producerStateDir.resolve(tp.dirName() + ".snapshot");
    }

    @Override
    public void close() {
        engines.stopMoves(); // before the logs close under the mover
        try {
            checkpointHighWatermarks();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot checkpoint high watermarks on shutdown", e);
        }
        List<Partition> open = new ArrayList<>(partitions.values());
        partitions.clear();
        for (Partition partition : open) {
            try {
                partition.close();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "error closing " + partition.topicPartition(), e);
            }
        }
        engines.close();
    }
}
