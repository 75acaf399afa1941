package dev.sluice.connect.standalone;

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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A single worker running every connector itself, configurations in memory (given on the command
 * line or over REST), source offsets in the worker's offset file. Thread-safe: every operation runs
 * under this object's lock (REST threads, the main thread, connectors asking for reconfiguration);
 * task statuses arrive from task threads into a concurrent map.
 */
public final class StandaloneHerder implements Herder {
    private static final System.Logger LOG = System.getLogger(StandaloneHerder.class.getName());

    private final Worker worker;
    private final Map<String, Running> connectors = new LinkedHashMap<>();
    private final Map<ConnectorTaskId, Status> taskStatus = new ConcurrentHashMap<>();

    /** One connector as this herder holds it. */
    private static final class Running {
        ConnectorConfig config;
        boolean sink;
        boolean paused;
        Status status;
        List<Map<String, String>> taskConfigs = List.of();
    }

    public StandaloneHerder(Worker worker) {
        this.worker = worker;
    }

    @Override
    public String workerId() {
        return worker.workerId();
    }

    @Override
    public Plugins plugins() {
        return worker.plugins();
    }

    @Override
    public synchronized List<String> connectors() {
        return new ArrayList<>(new TreeMap<>(connectors).keySet());
    }

    private Running get(String name) {
        Running r = connectors.get(name);
        if (r == null) {
            throw new NotFoundException("Connector " + name + " not found");
        }
        return r;
    }

    @Override
    public synchronized ConnectorInfo connectorInfo(String name) {
        Running r = get(name);
        return info(name, r);
    }

    private static ConnectorInfo info(String name, Running r) {
        List<ConnectorTaskId> ids = new ArrayList<>();
        for (int i = 0; i < r.taskConfigs.size(); i++) {
            ids.add(new ConnectorTaskId(name, i));
        }
        return new ConnectorInfo(name, r.config.raw(), ids, r.sink ? "sink" : "source");
    }

    @Override
    public synchronized Created putConnectorConfig(String name, Map<String, String> config, boolean allowReplace) {
        Map<String, String> withName = ConnectorConfig.withName(name, config);
        ConnectorConfig cc = ConnectorConfig.validate(withName, worker.plugins());
        Running existing = connectors.get(name);
        if (existing != null && !allowReplace) {
            throw new AlreadyExistsException("Connector " + name + " already exists");
        }
        boolean paused = existing != null && existing.paused;
        if (existing != null) {
            stop(name, existing);
        }
        Running r = new Running();
        r.config = cc;
        r.sink = worker.isSink(cc);
        r.paused = paused;
        connectors.put(name, r);
        start(name, r);
        return new Created(info(name, r), existing == null);
    }

    private void start(String name, Running r) {
        try {
            worker.startConnector(r.config, new Context(name));
            r.taskConfigs = worker.taskConfigs(r.config);
            r.status = new Status(r.paused ? State.PAUSED : State.RUNNING, workerId(), null);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "connector " + name + " failed to start", e);
            r.status = Status.failed(workerId(), e);
            r.taskConfigs = List.of();
            return;
        }
        startTasks(name, r);
    }

    private void startTasks(String name, Running r) {
        for (int i = 0; i < r.taskConfigs.size(); i++) {
            ConnectorTaskId id = new ConnectorTaskId(name, i);
            taskStatus.put(id, Status.unassigned(workerId()));
            worker.startTask(id, r.config, r.taskConfigs.get(i), taskStatus::put, r.paused);
        }
    }

    private void stop(String name, Running r) {
        List<ConnectorTaskId> ids = taskIds(name, r);
        worker.stopTasks(ids);
        ids.forEach(taskStatus::remove);
        worker.stopConnector(name);
    }

    private static List<ConnectorTaskId> taskIds(String name, Running r) {
        List<ConnectorTaskId> ids = new ArrayList<>();
        for (int i = 0; i < r.taskConfigs.size(); i++) {
            ids.add(new ConnectorTaskId(name, i));
        }
        return ids;
    }

    @Override
    public synchronized void deleteConnector(String name) {
        Running r = get(name);
        stop(name, r);
        connectors.remove(name);
    }

    @Override
    public synchronized ConnectorStatus status(String name) {
        Running r = get(name);
        Map<Integer, Status> tasks = new TreeMap<>();
        for (ConnectorTaskId id : taskIds(name, r)) {
            tasks.put(id.task(), taskStatus.getOrDefault(id, Status.unassigned(workerId())));
        }
        return new ConnectorStatus(name, r.status, tasks, r.sink ? "sink" : "source");
    }

    @Override
    public synchronized List<Map<String, String>> taskConfigs(String name) {
        return get(name).taskConfigs;
    }

    @Override
    public synchronized void pause(String name) {
        Running r = get(name);
        r.paused = true;
        if (r.status.state() == State.RUNNING) {
            r.status = new Status(State.PAUSED, workerId(), null);
        }
        taskIds(name, r).forEach(worker::pauseTask);
    }

    @Override
    public synchronized void resume(String name) {
        Running r = get(name);
        r.paused = false;
        if (r.status.state() == State.PAUSED) {
            r.status = new Status(State.RUNNING, workerId(), null);
        }
        taskIds(name, r).forEach(worker::resumeTask);
    }

    @Override
    public synchronized void restartConnector(String name, boolean includeTasks, boolean onlyFailed) {
        Running r = get(name);
        boolean connectorFailed = r.status.state() == State.FAILED;
        if (includeTasks) {
            List<ConnectorTaskId> restart = taskIds(name, r).stream()
                    .filter(id -> !onlyFailed || taskStatus.getOrDefault(id, Status.unassigned(null)).state() == State.FAILED)
                    .toList();
            if (!onlyFailed || connectorFailed) {
                restartConnectorOnly(name, r);
            }
            restart.forEach(this::restartTaskLocked);
        } else if (!onlyFailed || connectorFailed) {
            restartConnectorOnly(name, r);
        }
    }

    /** The connector instance again; its tasks keep running unless their configurations changed. */
    private void restartConnectorOnly(String name, Running r) {
        worker.stopConnector(name);
        List<Map<String, String>> before = r.taskConfigs;
        try {
            worker.startConnector(r.config, new Context(name));
            r.status = new Status(r.paused ? State.PAUSED : State.RUNNING, workerId(), null);
            List<Map<String, String>> now = worker.taskConfigs(r.config);
            if (!now.equals(before)) {
                worker.stopTasks(taskIds(name, r));
                r.taskConfigs = now;
                startTasks(name, r);
            }
        } catch (RuntimeException e) {
            r.status = Status.failed(workerId(), e);
        }
    }

    @Override
    public synchronized void restartTask(ConnectorTaskId id) {
        Running r = get(id.connector());
        if (id.task() < 0 || id.task() >= r.taskConfigs.size()) {
            throw new NotFoundException("Task " + id + " not found");
        }
        restartTaskLocked(id);
    }

    private void restartTaskLocked(ConnectorTaskId id) {
        Running r = connectors.get(id.connector());
        worker.stopTask(id);
        taskStatus.put(id, Status.unassigned(workerId()));
        worker.startTask(id, r.config, r.taskConfigs.get(id.task()), taskStatus::put, r.paused);
    }

    private synchronized void reconfigure(String name) {
        Running r = connectors.get(name);
        if (r != null && worker.isRunning(name)) {
            List<Map<String, String>> now = worker.taskConfigs(r.config);
            if (!now.equals(r.taskConfigs)) {
                worker.stopTasks(taskIds(name, r));
                taskIds(name, r).forEach(taskStatus::remove);
                r.taskConfigs = now;
                startTasks(name, r);
            }
        }
    }

    @Override
    public synchronized void close() {
        for (Map.Entry<String, Running> e : connectors.entrySet()) {
            stop(e.getKey(), e.getValue());
        }
        connectors.clear();
        worker.close();
    }

    /** A connector's way back to this herder; any thread. */
    private final class Context implements ConnectorContext {
        private final String name;

        Context(String name) {
            this.name = name;
        }

        @Override
        public void requestTaskReconfiguration() {
            Thread t = new Thread(() -> reconfigure(name), "connect-reconfigure-" + name);
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void raiseError(Exception e) {
            synchronized (StandaloneHerder.this) {
                Running r = connectors.get(name);
                if (r != null) {
                    r.status = Status.failed(workerId(), e);
                }
            }
        }
    }
}
