package dev.sluice.connect.runtime;

import dev.sluice.api.Time;
import dev.sluice.connect.api.Connector;
import dev.sluice.connect.api.ConnectorContext;
import dev.sluice.connect.api.SinkConnector;
import dev.sluice.connect.api.SinkTask;
import dev.sluice.connect.api.SourceTask;
import dev.sluice.connect.api.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the connectors and tasks a herder gives it: creates each connector instance, asks it for task
 * configurations, starts every task on a thread of its own and stops them. Shared by the standalone
 * and distributed herders. Thread-safe (the maps are concurrent; each connector instance is called
 * by the herder's threads under the herder's lock).
 */
public final class Worker implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Worker.class.getName());

    private final WorkerConfig config;
    private final Plugins plugins;
    private final OffsetStore offsets;
    private final String workerId;
    private final Time time;
    private final Map<String, Connector> connectors = new ConcurrentHashMap<>();
    private final Map<ConnectorTaskId, WorkerTask> tasks = new ConcurrentHashMap<>();

    public Worker(WorkerConfig config, Plugins plugins, OffsetStore offsets, String workerId, Time time) {
        this.config = config;
        this.plugins = plugins;
        this.offsets = offsets;
        this.workerId = workerId;
        this.time = time;
    }

    public String workerId() {
        return workerId;
    }

    public Plugins plugins() {
        return plugins;
    }

    public WorkerConfig config() {
        return config;
    }

    /** Creates and starts connector {@code name}; a failure to start is thrown. */
    public void startConnector(ConnectorConfig cc, ConnectorContext context) {
        Connector connector = plugins.newConnector(cc.connectorClass());
        connector.start(cc.raw(), context);
        Connector old = connectors.put(cc.name(), connector);
        if (old != null) {
            stopQuietly(cc.name(), old);
        }
    }

    public boolean isSink(ConnectorConfig cc) {
        return plugins.newConnector(cc.connectorClass()) instanceof SinkConnector;
    }

    /** The running connector's task configurations (immutable copies). */
    public List<Map<String, String>> taskConfigs(ConnectorConfig cc) {
        Connector connector = connectors.get(cc.name());
        if (connector == null) {
            return List.of();
        }
        return connector.taskConfigs(cc.tasksMax()).stream().map(Map::copyOf).toList();
    }

    public void stopConnector(String name) {
        Connector connector = connectors.remove(name);
        if (connector != null) {
            stopQuietly(name, connector);
        }
    }

    private static void stopQuietly(String name, Connector connector) {
        try {
            connector.stop();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "connector " + name + ": stop failed", e);
        }
    }

    public boolean isRunning(String connector) {
        return connectors.containsKey(connector);
    }

    /** Starts task {@code id} on its own thread. */
    public void startTask(ConnectorTaskId id, ConnectorConfig cc, Map<String, String> taskConfig,
                          TaskStatusListener listener, boolean paused) {
        // Task is sealed: a source or a sink task
        Task plugin = plugins.newConnector(cc.connectorClass()).newTask();
        WorkerTask task = plugin instanceof SourceTask source
                ? new WorkerSourceTask(id, workerId, source, cc, taskConfig, config, plugins, offsets, listener, paused, time)
                : new WorkerSinkTask(id, workerId, (SinkTask) plugin, cc, taskConfig, config, plugins, listener, paused,
                time);
        WorkerTask old = tasks.put(id, task);
        if (old != null) {
            old.stop(gracefulMs());
        }
        task.start();
    }

    public void stopTask(ConnectorTaskId id) {
        WorkerTask task = tasks.remove(id);
        if (task != null) {
            task.stop(gracefulMs());
        }
    }

    /** Stops several tasks at once: each is asked first, then each is waited for. */
    public void stopTasks(Iterable<ConnectorTaskId> ids) {
        List<WorkerTask> stopping = new ArrayList<>();
        for (ConnectorTaskId id : ids) {
            WorkerTask task = tasks.remove(id);
            if (task != null) {
                stopping.add(task);
                task.requestStop();
            }
        }
        for (WorkerTask t : stopping) {
            t.stop(gracefulMs());
        }
    }

    public void pauseTask(ConnectorTaskId id) {
        WorkerTask t = tasks.get(id);
        if (t != null) {
            t.pause();
        }
    }

    public void resumeTask(ConnectorTaskId id) {
        WorkerTask t = tasks.get(id);
        if (t != null) {
            t.resume();
        }
    }

    public Set<ConnectorTaskId> runningTasks() {
        return new TreeSet<>(tasks.keySet());
    }

    private long gracefulMs() {
        return config.values().getLong("task.shutdown.graceful.timeout.ms");
    }

    @Override
    public void close() {
        stopTasks(new ArrayList<>(tasks.keySet()));
        new ArrayList<>(connectors.keySet()).forEach(this::stopConnector);
        offsets.close();
    }
}
