package dev.sluice.tools.connect;

import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.distributed.DistributedWorker;
import dev.sluice.connect.standalone.StandaloneWorker;
import dev.sluice.tools.Command;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sluice connect standalone worker.properties [connector.properties ...]} and
 * {@code sluice connect distributed worker.properties}: Sluice's Connect worker in the foreground until
 * SIGTERM / Ctrl-C (Kafka's connect-standalone.sh and connect-distributed.sh, same files).
 */
public final class ConnectCommand implements Command {

    @Override
    public String name() {
        return "connect";
    }

    @Override
    public String summary() {
        return "run a Connect worker: connectors copying between topics and files or other systems";
    }

    @Override
    public String help() {
        return """
                usage: sluice connect standalone worker.properties [connector.properties ...]
                       sluice connect distributed worker.properties

                Runs Sluice's Connect worker in the foreground until SIGTERM or Ctrl-C, with Kafka
                Connect's settings: the worker file has bootstrap.servers, key.converter,
                value.converter, offset.storage.file.filename, offset.flush.interval.ms and listeners
                (the REST interface, http://:8083 by default); each connector file has name,
                connector.class, tasks.max and the connector's own settings. Connectors can also be
                managed over REST with Kafka Connect's paths (GET/POST /connectors, ...).

                Shipped plugins: FileStreamSource (file, topic), FileStreamSink (file, topics),
                JdbcSourceConnector and JdbcSinkConnector (SQLite and PostgreSQL drivers included);
                converters StringConverter, ByteArrayConverter, JsonConverter (schemas.enable);
                transforms InsertField$Key/$Value, ReplaceField$Key/$Value, RegexRouter. More
                plugins: modules on the module path (SLUICE_PLUGINS).

                Distributed mode: workers with the same group.id form a cluster; connectors are
                created over REST on any worker; configurations, source offsets and statuses live in
                the compacted topics config.storage.topic, offset.storage.topic (its partitions are
                the slots tasks are spread over) and status.storage.topic (created when missing, with
                *.replication.factor); session.timeout.ms decides how soon a dead worker's tasks move.

                Example: sluice connect standalone config/connect-standalone.properties file-source.properties""";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(help());
            return args.length == 0 ? 2 : 0;
        }
        boolean distributed = args[0].equals("distributed");
        if (!distributed && !args[0].equals("standalone")) {
            err.println("sluice connect: unknown mode '" + args[0] + "'; use standalone or distributed");
            return 2;
        }
        if (args.length < 2) {
            err.println("sluice connect " + args[0] + ": the worker's properties file is required");
            return 2;
        }
        if (distributed && args.length > 2) {
            err.println("sluice connect distributed: connectors are created over REST, not from files");
            return 2;
        }
        AutoCloseable worker;
        int port;
        try {
            Map<String, String> workerSettings = load(Path.of(args[1]));
            if (distributed) {
                DistributedWorker w = DistributedWorker.start(workerSettings);
                port = w.restPort();
                worker = w;
            } else {
                List<Map<String, String>> connectors = new ArrayList<>();
                for (int i = 2; i < args.length; i++) {
                    connectors.add(load(Path.of(args[i])));
                }
                StandaloneWorker w = StandaloneWorker.start(workerSettings, connectors);
                port = w.restPort();
                worker = w;
            }
        } catch (ConfigException e) {
            err.println("sluice connect: invalid configuration:\n" + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("sluice connect: " + e.getMessage());
            return 1;
        }
        out.println("Connect worker started (" + args[0] + "); REST interface on port " + port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            closeQuietly(worker, err);
            stopped.countDown();
        }, "connect-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(worker, err);
        }
        return 0;
    }

    private static void closeQuietly(AutoCloseable worker, PrintStream err) {
        try {
            worker.close();
        } catch (Exception e) {
            err.println("sluice connect: stopping failed: " + e.getMessage());
        }
    }

    private static Map<String, String> load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return out;
    }
}
