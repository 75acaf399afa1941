package dev.sluice.connect.distributed;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerRebalanceListener;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.connect.api.ConnectorContext;
import dev.sluice.connect.runtime.AlreadyExistsException;
import dev.sluice.connect.runtime.ConnectorConfig;
import dev.sluice.connect.runtime.ConnectorTaskId;
import dev.sluice.connect.runtime.Herder;
import dev.sluice.connect.runtime.NotFoundException;
import dev.sluice.connect.runtime.Plugins;
import dev.sluice.connect.runtime.State;
import dev.sluice.connect.runtime.Status;
import dev.sluice.connect.runtime.Worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A worker of a Connect cluster. Configurations, target states and restart requests are written to
 * the config topic by whichever worker takes the REST call; every worker reads them back. The herder
 * thread ({@code connect-herder}) keeps this worker in the cluster's group (see {@link Slots}) and
 * reconciles: it runs exactly the connectors and tasks whose slots it owns, with the latest
 * configuration, target state and restart request; a connector's owner writes its task configurations
 * to the config topic. A rebalance (eager: everything revoked first) stops what moves before anyone
 * starts it elsewhere; a dead worker's slots move after the group's session timeout. Thread-safety:
 * REST threads only write to topics and read snapshots; the worker is driven by the herder thread only.
 */
public final class DistributedHerder implements Herder {
    private static final System.Logger LOG = System.getLogger(DistributedHerder.class.getName());
    private static final long READ_TIMEOUT_MS = 30_000;

    private final Worker worker;
    private final InternalTopics topics;
    private final ClusterConfig clusterConfig = new ClusterConfig();
    private final StatusStore statuses;
    private final TopicLog configLog;
    private final Set<String> reconfigureRequested = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Set<Integer> ownedView = Set.of();
    // herder thread only
    private final Set<Integer> ownedSlots = new HashSet<>();
    private final Map<String, Running> runningConnectors = new HashMap<>();
    private final Map<ConnectorTaskId, Running> runningTasks = new HashMap<>();

    /** What a connector or task was started with, to notice a change. */
    private record Running(Map<String, String> config, Map<String, String> taskConfig, String restartNonce) {
    }

    DistributedHerder(Worker worker, InternalTopics topics, StatusStore statuses) {
        this.worker = worker;
        this.topics = topics;
        this.statuses = statuses;
        this.configLog = new TopicLog(topics.config(), 1, worker.config(), "connect-config-" + worker.workerId(),
                clusterConfig::apply);
        configLog.readToEnd(READ_TIMEOUT_MS);
        this.thread = new Thread(this::run, "connect-herder");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public String workerId() {
        return worker.workerId();
    }

    @Override
    public Plugins plugins() {
        return worker.plugins();
    }

    // ---- the herder thread

    private void run() {
        var props = worker.config().clientProperties("consumer.");
        var v = worker.config().values();
        props.put("group.id", v.getString("group.id"));
        props.put("client.id", "connect-worker-" + workerId());
        props.put("enable.auto.commit", "false");
        props.put("partition.assignment.strategy", "roundrobin");
        props.put("session.timeout.ms", Integer.toString(v.getInt("session.timeout.ms")));
        props.put("heartbeat.interval.ms", Integer.toString(v.getInt("heartbeat.interval.ms")));
        try (SluiceConsumer membership = new SluiceConsumer(props)) {
            membership.subscribe(List.of(topics.offsets()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(tp -> ownedSlots.remove(tp.partition()));
                    ownedView = Set.copyOf(ownedSlots);
                    stopUnowned();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    partitions.forEach(tp -> ownedSlots.add(tp.partition()));
                    ownedView = Set.copyOf(ownedSlots);
                    LOG.log(System.Logger.Level.INFO, workerId() + " owns slots " + new java.util.TreeSet<>(ownedSlots));
                }
            });
            while (!stopping) {
                membership.poll(Duration.ofMillis(100));
                // the group is only for membership: nothing of the topic is ever fetched
                membership.pause(membership.assignment());
                try {
                    reconcile();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, workerId() + ": reconciling failed; trying again", e);
                }
            }
            ownedSlots.clear();
            stopUnowned();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, workerId() + ": the herder thread failed", e);
            ownedSlots.clear();
            stopUnowned();
        }
    }

    private void reconcile() {
        ClusterConfig.Snapshot snap = clusterConfig.snapshot();
        int slots = topics.offsetPartitions();
        // connectors
        for (Map.Entry<String, Map<String, String>> e : snap.connectors().entrySet()) {
            String name = e.getKey();
            boolean owned = ownedSlots.contains(Slots.ofConnector(name, slots));
            Running running = runningConnectors.get(name);
            String nonce = snap.restarts().get(ClusterConfig.RESTART_CONNECTOR + name);
            if (!owned) {
                continue;
            }
            if (running == null || !running.config().equals(e.getValue()) || !java.util.Objects.equals(running.restartNonce(), nonce)) {
                startConnector(name, e.getValue(), nonce, snap);
            } else if (reconfigureRequested.remove(name)) {
                publishTaskConfigs(name, e.getValue(), snap);
            }
            Status s = statuses.connector(name);
            State want = snap.isPaused(name) ? State.PAUSED : State.RUNNING;
            if (s != null && s.state() != State.FAILED && s.state() != want && worker.isRunning(name)) {
                statuses.putConnector(name, new Status(want, workerId(), null));
            }
        }
        for (String name : new ArrayList<>(runningConnectors.keySet())) {
            if (!snap.connectors().containsKey(name)) {
                worker.stopConnector(name);
                runningConnectors.remove(name);
            }
        }
        // tasks
        Map<ConnectorTaskId, Running> desired = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> e : snap.connectors().entrySet()) {
            List<Map<String, String>> taskConfigs = snap.tasksOf(e.getKey());
            for (int i = 0; i < taskConfigs.size(); i++) {
                ConnectorTaskId id = new ConnectorTaskId(e.getKey(), i);
                if (ownedSlots.contains(Slots.ofTask(id, slots))) {
                    desired.put(id, new Running(e.getValue(), taskConfigs.get(i),
                            snap.restarts().get(ClusterConfig.RESTART_TASK + id.connector() + "-" + id.task())));
                }
            }
        }
        List<ConnectorTaskId> toStop = new ArrayList<>();
        runningTasks.forEach((id, r) -> {
            if (!r.equals(desired.get(id))) {
                toStop.add(id);
            }
        });
        if (!toStop.isEmpty()) {
            worker.stopTasks(toStop);
            toStop.forEach(runningTasks::remove);
        }
        for (Map.Entry<ConnectorTaskId, Running> e : desired.entrySet()) {
            ConnectorTaskId id = e.getKey();
            boolean paused = snap.isPaused(id.connector());
            if (!runningTasks.containsKey(id)) {
                try {
                    ConnectorConfig cc = ConnectorConfig.validate(e.getValue().config(), worker.plugins());
                    statuses.putTask(id, Status.unassigned(workerId()));
                    worker.startTask(id, cc, e.getValue().taskConfig(), statuses::putTask, paused);
                } catch (RuntimeException ex) {
                    statuses.putTask(id, Status.failed(workerId(), ex));
                }
                runningTasks.put(id, e.getValue());
            } else if (paused) {
                worker.pauseTask(id);
            } else {
                worker.resumeTask(id);
            }
        }
    }

    private void startConnector(String name, Map<String, String> config, String nonce, ClusterConfig.Snapshot snap) {
        worker.stopConnector(name);
        runningConnectors.put(name, new Running(config, Map.of(), nonce));
        try {
            ConnectorConfig cc = ConnectorConfig.validate(config, worker.plugins());
            worker.startConnector(cc, new Context(name));
            statuses.putConnector(name, new Status(snap.isPaused(name) ? State.PAUSED : State.RUNNING, workerId(), null));
            publishTaskConfigs(name, config, snap);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "connector " + name + " failed to start", e);
            statuses.putConnector(name, Status.failed(workerId(), e));
        }
    }

    /** The connector's owner writes its task configurations when they differ from the topic's. */
    private void publishTaskConfigs(String name, Map<String, String> config, ClusterConfig.Snapshot snap) {
        ConnectorConfig cc = ConnectorConfig.validate(config, worker.plugins());
        List<Map<String, String>> now = worker.taskConfigs(cc);
        if (!now.equals(snap.tasksOf(name))) {
            configLog.send(ClusterConfig.TASKS + name, ClusterConfig.tasksValue(now));
        }
    }

    /** Stops every connector and task whose slot this worker no longer owns (herder thread). */
    private void stopUnowned() {
        int slots = topics.offsetPartitions();
        List<ConnectorTaskId> tasks = runningTasks.keySet().stream()
                .filter(id -> !ownedSlots.contains(Slots.ofTask(id, slots))).toList();
        worker.stopTasks(tasks);
        tasks.forEach(runningTasks::remove);
        for (String name : new ArrayList<>(runningConnectors.keySet())) {
            if (!ownedSlots.contains(Slots.ofConnector(name, slots))) {
                worker.stopConnector(name);
                runningConnectors.remove(name);
            }
        }
    }

    // ---- REST threads: write to the config topic, read snapshots

    private ClusterConfig.Snapshot readSnapshot() {
        configLog.readToEnd(READ_TIMEOUT_MS);
        return clusterConfig.snapshot();
    }

    private Map<String, String> configOf(ClusterConfig.Snapshot snap, String name) {
        Map<String, String> config = snap.connectors().get(name);
        if (config == null) {
            throw new NotFoundException("Connector " + name + " not found");
        }
        return config;
    }

    @Override
    public List<String> connectors() {
        return new ArrayList<>(readSnapshot().connectors().keySet());
    }

    @Override
    public ConnectorInfo connectorInfo(String name) {
        ClusterConfig.Snapshot snap = readSnapshot();
        return info(name, configOf(snap, name), snap);
    }

    private ConnectorInfo info(String name, Map<String, String> config, ClusterConfig.Snapshot snap) {
        List<ConnectorTaskId> ids = new ArrayList<>();
        for (int i = 0; i < snap.tasksOf(name).size(); i++) {
            ids.add(new ConnectorTaskId(name, i));
        }
        ConnectorConfig cc = ConnectorConfig.validate(config, worker.plugins());
        return new ConnectorInfo(name, config, ids, worker.isSink(cc) ? "sink" : "source");
    }

    @Override
    public synchronized Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace) {
        Map<String, String> withName = ConnectorConfig.withName(name, config);
        ConnectorConfig.validate(withName, worker.plugins());
        boolean exists = readSnapshot().connectors().containsKey(name);
        if (exists && !allowReplace) {
            throw new AlreadyExistsException("Connector " + name + " already exists");
        }
        configLog.send(ClusterConfig.CONNECTOR + name, ClusterConfig.connectorValue(withName));
        ClusterConfig.Snapshot snap = readSnapshot();
        return new Created(info(name, configOf(snap, name), snap), !exists);
    }

    @Override
    public synchronized void deleteConnector(String name) {
        ClusterConfig.Snapshot snap = readSnapshot();
        configOf(snap, name);
        configLog.send(ClusterConfig.TASKS + name, null);
        configLog.send(ClusterConfig.TARGET + name, null);
        configLog.send(ClusterConfig.CONNECTOR + name, null);
        statuses.removeConnector(name, snap.tasksOf(name).size());
        configLog.readToEnd(READ_TIMEOUT_MS);
    }

    @Override
    public ConnectorStatus status(String name) {
        ClusterConfig.Snapshot snap = readSnapshot();
        Map<String, String> config = configOf(snap, name);
        Map<Integer, Status> tasks = new TreeMap<>();
        for (int i = 0; i < snap.tasksOf(name).size(); i++) {
            Status s = statuses.task(new ConnectorTaskId(name, i));
            tasks.put(i, s == null ? Status.unassigned(null) : s);
        }
        Status c = statuses.connector(name);
        return new ConnectorStatus(name, c == null ? Status.unassigned(null) : c, tasks,
                info(name, config, snap).type());
    }

    @Override
    public List<Map<String, String>> taskConfigs(String name) {
        ClusterConfig.Snapshot snap = readSnapshot();
        configOf(snap, name);
        return snap.tasksOf(name);
    }

    @Override
    public void pause(String name) {
        configOf(readSnapshot(), name);
        configLog.send(ClusterConfig.TARGET + name, ClusterConfig.targetValue(true));
        configLog.readToEnd(READ_TIMEOUT_MS);
    }

    @Override
    public void resume(String name) {
        configOf(readSnapshot(), name);
        configLog.send(ClusterConfig.TARGET + name, ClusterConfig.targetValue(false));
        configLog.readToEnd(READ_TIMEOUT_MS);
    }

    @Override
    public void restartConnector(String name, boolean includeTasks, boolean onlyFailed) {
        ClusterConfig.Snapshot snap = readSnapshot();
        configOf(snap, name);
        Status c = statuses.connector(name);
        if (!onlyFailed || (c != null && c.state() == State.FAILED)) {
            configLog.send(ClusterConfig.RESTART_CONNECTOR + name, ClusterConfig.nonceValue());
        }
        if (includeTasks) {
            for (int i = 0; i < snap.tasksOf(name).size(); i++) {
                Status t = statuses.task(new ConnectorTaskId(name, i));
                if (!onlyFailed || (t != null && t.state() == State.FAILED)) {
                    configLog.send(ClusterConfig.RESTART_TASK + name + "-" + i, ClusterConfig.nonceValue());
                }
            }
        }
        configLog.readToEnd(READ_TIMEOUT_MS);
    }

    @Override
    public void restartTask(ConnectorTaskId id) {
        ClusterConfig.Snapshot snap = readSnapshot();
        configOf(snap, id.connector());
        if (id.task() < 0 || id.task() >= snap.tasksOf(id.connector()).size()) {
            throw new NotFoundException("Task " + id + " not found");
        }
        configLog.send(ClusterConfig.RESTART_TASK + id.connector() + "-" + id.task(), ClusterConfig.nonceValue());
        configLog.readToEnd(READ_TIMEOUT_MS);
    }

    /** The slots this worker owns now; any thread. */
    public Set<Integer> ownedSlots() {
        return ownedView;
    }

    /** Where this worker runs things now (tests, logs): connector names and task ids. */
    public Set<String> runningHere() {
        Set<String> out = new java.util.TreeSet<>();
        worker.runningTasks().forEach(id -> out.add(id.toString()));
        return out;
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        configLog.close();
        worker.close();
        statuses.close();
    }

    /** A connector's way back to this herder; any thread. */
    private final class Context implements ConnectorContext {
        private final String name;

        Context(String name) {
            this.name = name;
        }

        @Override
        public void requestTaskReconfiguration() {
            reconfigureRequested.add(name);
        }

        @Override
        public void raiseError(Exception e) {
            statuses.putConnector(name, Status.failed(workerId(), e));
        }
    }
}
