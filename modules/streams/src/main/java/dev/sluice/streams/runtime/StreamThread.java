package dev.sluice.streams.runtime;

import dev.sluice.api.Time;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.consumer.ConsumerRebalanceListener;
import dev.sluice.client.consumer.ConsumerRecords;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.streams.ProcessingGuarantee;
import dev.sluice.streams.StreamsConfig;
import dev.sluice.streams.StreamsException;
import dev.sluice.streams.internals.ProcessingTask;
import dev.sluice.streams.internals.StoreSpec;
import dev.sluice.streams.internals.Subtopology;
import dev.sluice.streams.internals.TaskEnvironment;
import dev.sluice.streams.internals.TopicRef;
import dev.sluice.streams.internals.TopologyModel;
import dev.sluice.streams.processor.TaskId;
import dev.sluice.streams.state.internals.BytesStore;
import dev.sluice.streams.state.internals.StoreFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The processing loop of one instance: polls the input topics as a member of the application's
 * consumer group, runs the records through the tasks of the partitions it holds, and commits every
 * {@code commit.interval.ms}. At-least-once: wait for every output and changelog record to be
 * acknowledged, then commit the input offsets. Exactly-once: everything since the last commit is one
 * transaction of the instance's transactional producer, the input offsets included
 * ({@code sendOffsetsToTransaction} with the group's generation, so a replaced member is fenced).
 *
 * <p>Rebalances are eager (range assignor, so co-partitioned topics' partition p meet in one member):
 * before one, everything is committed and the tasks suspended; after it, suspended tasks assigned again
 * resume as they were, the others close, and new ones restore their stores from the changelogs.
 *
 * <p>All of it runs on its own thread; {@link #localStores} and {@link #activeTaskIds} may be called from others.
 */
public final class StreamThread implements Runnable {
    private static final System.Logger LOG = System.getLogger(StreamThread.class.getName());

    private final TopologyModel model;
    private final StreamsConfig config;
    private final String clientId;
    private final Time time;
    private final Consumer<Throwable> onFailure;
    private final Runnable onRunning;
    private final boolean eos;
    private final StoreFactory stores;
    private final Map<String, Integer> subtopologyOfTopic = new HashMap<>();
    private final Set<String> changelogTopics = new HashSet<>();
    private final Map<TaskId, StreamTask> active = new ConcurrentHashMap<>();
    private final Map<TaskId, StreamTask> suspended = new HashMap<>();
    private final Map<TaskId, Map<TopicPartition, Long>> changelogPositions = new HashMap<>();
    private volatile boolean running = true;
    private volatile Map<String, Integer> partitionCounts = Map.of();
    private SluiceConsumer consumer;
    private SluiceConsumer restoreConsumer;
    private SluiceProducer producer;
    private ProducerCollector collector;
    private ChangelogRestorer restorer;
    private TaskEnvironment env;
    private boolean transactionOpen;
    private SluiceAdmin admin;
    private SluiceConsumer standbyConsumer;
    private StandbyTasks standbys;
    private final Map<Integer, String> taskTopics = new HashMap<>();
    private volatile Set<TaskId> standbyIds = Set.of();
    private long nextStandbyCheck;

    public StreamThread(TopologyModel model, StreamsConfig config, String processId, Time time, Runnable onRunning,
                        Consumer<Throwable> onFailure) {
        this.model = model;
        this.config = config;
        this.clientId = (config.clientOverrides().get("consumer").getOrDefault("client.id", config.applicationId())) + "-" + processId;
        this.time = time;
        this.onRunning = onRunning;
        this.onFailure = onFailure;
        this.eos = config.guarantee() == ProcessingGuarantee.EXACTLY_ONCE;
        this.stores = new StoreFactory(config.stateDir().resolve(config.applicationId()), config.defaultStoreType());
        for (Subtopology s : model.subtopologies()) {
            s.sourceTopics().forEach(t -> subtopologyOfTopic.put(t.resolve(config.applicationId()), s.id()));
        }
        model.stores().values().stream().filter(StoreSpec::logged)
                .forEach(s -> changelogTopics.add(s.changelog().resolve(config.applicationId())));
    }

    /** The stores of this name of the tasks running now (for interactive queries), by task. */
    public Map<TaskId, dev.sluice.streams.state.StateStore> localStores(String storeName) {
        Map<TaskId, dev.sluice.streams.state.StateStore> out = new java.util.TreeMap<>();
        for (StreamTask t : active.values()) {
            dev.sluice.streams.state.StateStore s = t.processing().store(storeName);
            if (s != null) {
                out.put(t.id(), s);
            }
        }
        return out;
    }

    /**
     * The group member's client id: other instances find this instance's {@code application.server}
     * in it (after the last {@code @}) when they look the group up for interactive queries.
     */
    static String consumerClientId(String clientId, String applicationServer) {
        return clientId + "-consumer" + (applicationServer.isEmpty() ? "" : "@" + applicationServer);
    }

    /** The {@code application.server} a member's client id carries, or empty. */
    public static String applicationServerOf(String consumerClientId) {
        int at = consumerClientId.lastIndexOf('@');
        return at < 0 ? "" : consumerClientId.substring(at + 1);
    }

    /** Partition counts of the source topics (resolved names), known once the thread has started; empty before. */
    public Map<String, Integer> partitionCounts() {
        return partitionCounts;
    }

    /** The tasks running now. */
    public Set<TaskId> activeTaskIds() {
        return new TreeSet<>(active.keySet());
    }

    /** Asks the loop to commit and stop. */
    public void shutdown() {
        running = false;
    }

    @Override
    public void run() {
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.from(clientSettings("admin", Map.of())))) {
            this.admin = admin;
            partitionCounts = Map.copyOf(InternalTopics.prepare(admin, model, config.applicationId(), config.replicationFactor()));
            for (Subtopology s : model.subtopologies()) {
                boolean stateful = s.stores().stream().anyMatch(name -> model.store(name).logged());
                String widest = null;
                for (TopicRef t : s.sourceTopics()) {
                    String name = t.resolve(config.applicationId());
                    if (widest == null || partitionCounts.get(name) > partitionCounts.get(widest)) {
                        widest = name;
                    }
                }
                if (stateful) {
                    taskTopics.put(s.id(), widest);
                }
            }
            start();
            loop();
            commitAll();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "stream thread " + clientId + " failed", t);
            onFailure.accept(t);
        } finally {
            closeEverything();
        }
    }

    private Map<String, Object> clientSettings(String client, Map<String, Object> defaults) {
        Map<String, Object> s = new LinkedHashMap<>(defaults);
        s.put("bootstrap.servers", config.bootstrapServers());
        s.putAll(config.clientOverrides().get(client));
        return s;
    }

    private void start() {
        Map<String, Object> producerDefaults = new LinkedHashMap<>();
        producerDefaults.put("client.id", clientId + "-producer");
        producerDefaults.put("linger.ms", 10);
        if (eos) {
            producerDefaults.put("transactional.id", clientId);
            producerDefaults.put("transaction.timeout.ms", 10_000);
        }
        producer = new SluiceProducer(ProducerConfig.from(clientSettings("producer", producerDefaults)));
        if (eos) {
            producer.initTransactions();
        }
        collector = new ProducerCollector(producer, changelogTopics, this::beginTransactionIfNeeded);
        env = new TaskEnvironment(config.applicationId(), config.defaultKeySerde(), config.defaultValueSerde(), collector,
                stores::open);
        Map<String, Object> restoreDefaults = new LinkedHashMap<>();
        restoreDefaults.put("client.id", clientId + "-restore-consumer");
        restoreDefaults.put("isolation.level", eos ? "read_committed" : "read_uncommitted");
        restoreDefaults.put("max.poll.records", 1000);
        restoreConsumer = new SluiceConsumer(ConsumerConfig.from(clientSettings("consumer", restoreDefaults)));
        restorer = new ChangelogRestorer(restoreConsumer);
        if (config.numStandbyReplicas() > 0) {
            Map<String, Object> standbyDefaults = new LinkedHashMap<>(restoreDefaults);
            standbyDefaults.put("client.id", clientId + "-standby-consumer");
            standbyConsumer = new SluiceConsumer(ConsumerConfig.from(clientSettings("consumer", standbyDefaults)));
            standbys = new StandbyTasks(standbyConsumer, id -> {
                stores.wipe(id); // a standby starts from the changelog's beginning
                return new ProcessingTask(id, model, env);
            });
        }
        Map<String, Object> consumerDefaults = new LinkedHashMap<>(restoreDefaults);
        consumerDefaults.put("client.id", consumerClientId(clientId, config.applicationServer()));
        consumerDefaults.put("group.id", config.applicationId());
        consumerDefaults.put("enable.auto.commit", false);
        consumerDefaults.put("auto.offset.reset", "earliest");
        consumerDefaults.put("partition.assignment.strategy", "range");
        consumer = new SluiceConsumer(ConsumerConfig.from(clientSettings("consumer", consumerDefaults)));
        consumer.subscribe(new ArrayList<>(new TreeSet<>(subtopologyOfTopic.keySet())), new Rebalance());
    }

    private void loop() {
        long lastCommit = time.milliseconds();
        while (running) {
            ConsumerRecords polled = consumer.poll(Duration.ofMillis(100));
            for (TopicPartition tp : polled.partitions()) { // looked up per partition, not per record
                StreamTask task = active.get(new TaskId(subtopologyOfTopic.get(tp.topic()), tp.partition()));
                if (task != null) {
                    task.add(tp, polled.records(tp));
                }
            }
            for (StreamTask task : active.values()) {
                while (task.processOne()) {
                    // the whole poll's records, task by task
                }
            }
            collector.throwIfFailed();
            maintainStandbys();
            if (time.milliseconds() - lastCommit >= config.commitIntervalMs()) {
                commitAll();
                lastCommit = time.milliseconds();
            }
        }
    }

    /** Every 2 s: which standbys this member should keep (from DescribeGroups); every loop: apply their changelogs. */
    private void maintainStandbys() {
        if (standbys == null) {
            return;
        }
        long now = time.milliseconds();
        if (now >= nextStandbyCheck) {
            nextStandbyCheck = now + 2_000;
            var group = admin.describeGroups(List.of(config.applicationId())).join().get(config.applicationId());
            String me = consumer.groupMetadata().memberId();
            if (group.state().equals("Stable") && !me.isEmpty()) {
                standbys.keep(StandbyTasks.standbysOf(me, group.members(), taskTopics, config.numStandbyReplicas()),
                        active.keySet());
                standbyIds = standbys.ids();
            }
        }
        standbys.update();
    }

    /** The standby tasks kept now. */
    public Set<TaskId> standbyTaskIds() {
        return standbyIds;
    }

    /** Changelog records applied to standby tasks so far (any thread). */
    public long standbyRecordsApplied() {
        return standbys == null ? 0 : standbys.applied();
    }

    /** Changelog records restored into new active tasks so far. */
    public long restoredRecords() {
        return restorer == null ? 0 : restorer.restoredTotal();
    }

    private void beginTransactionIfNeeded() {
        if (eos && !transactionOpen) {
            producer.beginTransaction();
            transactionOpen = true;
        }
    }

    /** Commits what every active task processed: see the class comment. */
    private void commitAll() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        active.values().forEach(t -> offsets.putAll(t.committable()));
        if (offsets.isEmpty() && !transactionOpen) {
            return;
        }
        active.values().forEach(t -> t.processing().flush());
        if (eos) {
            beginTransactionIfNeeded();
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            }
            producer.commitTransaction();
            transactionOpen = false;
            collector.throwIfFailed();
        } else {
            producer.flush();
            collector.throwIfFailed();
            if (!offsets.isEmpty()) {
                consumer.commitSync(offsets);
            }
        }
        active.values().forEach(StreamTask::committed);
        writeCheckpoints();
    }

    private void writeCheckpoints() {
        Map<TopicPartition, Long> written = collector.changelogEnds();
        for (StreamTask task : active.values()) {
            Map<TopicPartition, Long> positions = changelogPositions.computeIfAbsent(task.id(), id -> new HashMap<>());
            boolean persistent = false;
            for (Map.Entry<String, BytesStore> e : task.processing().changelogs().entrySet()) {
                TopicPartition tp = new TopicPartition(e.getKey(), task.id().partition());
                Long w = written.get(tp);
                if (w != null) {
                    positions.merge(tp, w, Math::max);
                }
                persistent |= e.getValue().persistent();
            }
            if (persistent) {
                Checkpoints.write(stores.taskDir(task.id()), positions);
            }
        }
    }

    /** Opens new tasks' stores (wiping persistent ones without a checkpoint) and restores them all in one pass. */
    private List<StreamTask> createTasks(Collection<TaskId> ids) {
        List<StreamTask> created = new ArrayList<>();
        Map<TopicPartition, BytesStore> targets = new LinkedHashMap<>();
        Map<TopicPartition, Long> from = new HashMap<>();
        for (TaskId id : ids) {
            StandbyTasks.Handover warm = standbys == null ? null : standbys.take(id);
            if (warm != null) { // a standby's stores: only the changelogs' tail is missing
                warm.task().changelogs().forEach((topic, store) -> targets.put(new TopicPartition(topic, id.partition()), store));
                from.putAll(warm.from());
                created.add(new StreamTask(warm.task()));
                continue;
            }
            Map<TopicPartition, Long> checkpoint = Checkpoints.read(stores.taskDir(id));
            if (checkpoint.isEmpty()) {
                stores.wipe(id); // persistent stores without a checkpoint may hold anything: rebuild them
            }
            ProcessingTask processing = new ProcessingTask(id, model, env);
            processing.changelogs().forEach((topic, store) -> {
                TopicPartition tp = new TopicPartition(topic, id.partition());
                targets.put(tp, store);
                if (store.persistent() && checkpoint.containsKey(tp)) {
                    from.put(tp, checkpoint.get(tp));
                }
            });
            created.add(new StreamTask(processing));
        }
        Map<TopicPartition, Long> restored = restorer.restore(targets, from);
        for (StreamTask t : created) {
            Map<TopicPartition, Long> positions = new HashMap<>();
            restored.forEach((tp, o) -> {
                if (tp.partition() == t.id().partition() && t.processing().changelogs().containsKey(tp.topic())) {
                    positions.put(tp, o);
                }
            });
            changelogPositions.put(t.id(), positions);
            if (eos) {
                Checkpoints.delete(stores.taskDir(t.id())); // until the next commit, the stores run ahead of the changelog
            }
        }
        return created;
    }

    private void closeTask(StreamTask task) {
        try {
            task.processing().close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing task " + task.id(), e);
        }
        changelogPositions.remove(task.id());
    }

    private void closeEverything() {
        if (eos && transactionOpen && producer != null) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "abort on close: " + e);
            }
        }
        active.values().forEach(this::closeTask);
        active.clear();
        suspended.values().forEach(this::closeTask);
        suspended.clear();
        if (standbys != null) {
            standbys.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {consumer, restoreConsumer, standbyConsumer, producer}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "closing a client: " + e);
                }
            }
        }
    }

    /** Commits and suspends before a rebalance; resumes, closes or creates tasks after it. Runs inside poll. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (active.isEmpty()) {
                return;
            }
            commitAll();
            for (StreamTask t : active.values()) {
                t.clearQueues();
                suspended.put(t.id(), t);
            }
            active.clear();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Set<TaskId> assigned = new TreeSet<>();
            for (TopicPartition tp : partitions) {
                Integer sub = subtopologyOfTopic.get(tp.topic());
                if (sub != null) {
                    assigned.add(new TaskId(sub, tp.partition()));
                }
            }
            suspended.entrySet().removeIf(e -> {
                if (!assigned.contains(e.getKey())) {
                    closeTask(e.getValue());
                    return true;
                }
                return false;
            });
            List<TaskId> fresh = new ArrayList<>();
            for (TaskId id : assigned) {
                StreamTask t = suspended.remove(id);
                if (t != null) {
                    active.put(id, t);
                } else {
                    fresh.add(id);
                }
            }
            createTasks(fresh).forEach(t -> active.put(t.id(), t));
            nextStandbyCheck = 0; // re-check standbys now that the group moved
            LOG.log(System.Logger.Level.INFO, () -> clientId + " runs tasks " + assigned);
            onRunning.run();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // the group moved on without us: what we did since the last commit is someone else's to redo
            if (eos && transactionOpen) {
                producer.abortTransaction();
                transactionOpen = false;
                collector.clearFailure();
            }
            active.values().forEach(StreamThread.this::closeTask);
            active.clear();
            suspended.values().forEach(StreamThread.this::closeTask);
            suspended.clear();
        }
    }
}
