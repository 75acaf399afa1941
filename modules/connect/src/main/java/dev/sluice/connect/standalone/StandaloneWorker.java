package dev.sluice.connect.standalone;

import dev.sluice.api.Time;
import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.rest.RestServer;
import dev.sluice.connect.runtime.FileOffsetStore;
import dev.sluice.connect.runtime.Herder;
import dev.sluice.connect.runtime.Plugins;
import dev.sluice.connect.runtime.Worker;
import dev.sluice.connect.runtime.WorkerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code sluice connect standalone worker.properties connector.properties...} put together: the
 * worker, its offset file, the herder with the given connectors, and the REST interface on the
 * first of {@code listeners}. Closing stops the REST interface, then every task (committing its
 * offsets), then the connectors. Created and closed by one thread.
 */
public final class StandaloneWorker implements AutoCloseable {
    private final StandaloneHerder herder;
    private final RestServer rest;

    private StandaloneWorker(StandaloneHerder herder, RestServer rest) {
        this.herder = herder;
        this.rest = rest;
    }

    public static StandaloneWorker start(Map<String, String> workerSettings, List<Map<String, String>> connectors) {
        WorkerConfig config = WorkerConfig.standalone(workerSettings);
        String offsetFile = config.values().getString("offset.storage.file.filename");
        String listener = config.values().getList("listeners").get(0);
        StandaloneHerder herder = null;
        RestServer rest = null;
        try {
            rest = RestServer.start(null, listener);
            String host = config.values().getString("rest.advertised.host.name");
            String workerId = (host == null ? "127.0.0.1" : host) + ":" + rest.port();
            herder = new StandaloneHerder(new Worker(config, new Plugins(), new FileOffsetStore(Path.of(offsetFile)),
                    workerId, Time.SYSTEM));
            rest.serve(herder);
            for (Map<String, String> c : connectors) {
                String name = c.get("name");
                if (name == null || name.isBlank()) {
                    throw new ConfigException("name: every connector configuration needs a name");
                }
                herder.putConnectorConfig(name, c, false);
            }
            return new StandaloneWorker(herder, rest);
        } catch (IOException e) {
            closeQuietly(rest, herder);
            throw new UncheckedIOException("cannot start the REST interface on " + listener + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(rest, herder);
            throw e;
        }
    }

    private static void closeQuietly(RestServer rest, StandaloneHerder herder) {
        if (rest != null) {
            rest.close();
        }
        if (herder != null) {
            herder.close();
        }
    }

    public Herder herder() {
        return herder;
    }

    public int restPort() {
        return rest.port();
    }

    @Override
    public void close() {
        closeQuietly(rest, herder);
    }
}
