package dev.sluice.connect.distributed;

import dev.sluice.api.Time;
import dev.sluice.connect.rest.RestServer;
import dev.sluice.connect.runtime.Herder;
import dev.sluice.connect.runtime.Plugins;
import dev.sluice.connect.runtime.Worker;
import dev.sluice.connect.runtime.WorkerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code sluice connect distributed worker.properties} put together: the internal topics, the offset
 * and status stores over them, the worker, the herder and the REST interface. Closing leaves the
 * cluster (its slots move to the other workers at once) after stopping its tasks with their commits.
 * Created and closed by one thread.
 */
public final class DistributedWorker implements AutoCloseable {
    private final DistributedHerder herder;
    private final RestServer rest;

    private DistributedWorker(DistributedHerder herder, RestServer rest) {
        this.herder = herder;
        this.rest = rest;
    }

    public static DistributedWorker start(Map<String, String> settings) {
        WorkerConfig config = WorkerConfig.distributed(settings);
        InternalTopics topics = InternalTopics.ensure(config);
        String listener = config.values().getList("listeners").get(0);
        RestServer rest = null;
        try {
            rest = RestServer.start(null, listener);
            String host = config.values().getString("rest.advertised.host.name");
            String workerId = (host == null ? "127.0.0.1" : host) + ":" + rest.port();
            TopicOffsetStore offsets = new TopicOffsetStore();
            offsets.attach(new TopicLog(topics.offsets(), topics.offsetPartitions(), config, "connect-offsets-" + workerId,
                    offsets::apply));
            StatusStore statuses = new StatusStore();
            statuses.attach(new TopicLog(topics.status(), topics.statusPartitions(), config, "connect-status-" + workerId,
                    statuses::apply));
            Worker worker = new Worker(config, new Plugins(), offsets, workerId, Time.SYSTEM);
            DistributedHerder herder = new DistributedHerder(worker, topics, statuses);
            rest.serve(herder);
            return new DistributedWorker(herder, rest);
        } catch (IOException e) {
            if (rest != null) {
                rest.close();
            }
            throw new UncheckedIOException("cannot start the REST interface on " + listener + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (rest != null) {
                rest.close();
            }
            throw e;
        }
    }

    public Herder herder() {
        return herder;
    }

    /** Task ids running on this worker now. */
    public java.util.Set<String> runningTasks() {
        return herder.runningHere();
    }

    /** The slots (offsets topic partitions) this worker owns now. */
    public java.util.Set<Integer> ownedSlots() {
        return herder.ownedSlots();
    }

    public int restPort() {
        return rest.port();
    }

    @Override
    public void close() {
        rest.close();
        herder.close();
    }
}
