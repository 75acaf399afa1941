package dev.sluice.tools.connect;

import dev.sluice.connect.api.ConfigException;
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
 * {@code sluice connect standalone worker.properties [connector.properties ...]}: Sluice's Connect
 * worker in the foreground until SIGTERM / Ctrl-C (Kafka's connect-standalone.sh, same files).
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

                Runs Sluice's Connect worker in the foreground until SIGTERM or Ctrl-C, with Kafka
                Connect's settings: the worker file has bootstrap.servers, key.converter,
                value.converter, offset.storage.file.filename, offset.flush.interval.ms and listeners
                (the REST interface, http://:8083 by default); each connector file has name,
                connector.class, tasks.max and the connector's own settings. Connectors can also be
                managed over REST with Kafka Connect's paths (GET/POST /connectors, ...).

                Shipped plugins: FileStreamSource (file, topic), FileStreamSink (file, topics);
                converters StringConverter, ByteArrayConverter, JsonConverter (schemas.enable);
                transforms InsertField$Key/$Value, ReplaceField$Key/$Value, RegexRouter. More
                plugins: modules on the module path (SLUICE_PLUGINS).

                Distributed mode (sluice connect distributed) is not available yet.

                Example: sluice connect standalone config/connect-standalone.properties file-source.properties""";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            out.println(help());
            return args.length == 0 ? 2 : 0;
        }
        if (!args[0].equals("standalone")) {
            err.println("sluice connect: " + (args[0].equals("distributed")
                    ? "distributed mode is not available yet; use 'sluice connect standalone'"
                    : "unknown mode '" + args[0] + "'; use 'sluice connect standalone worker.properties ...'"));
            return 2;
        }
        if (args.length < 2) {
            err.println("sluice connect standalone: the worker's properties file is required");
            return 2;
        }
        StandaloneWorker worker;
        try {
            Map<String, String> workerSettings = load(Path.of(args[1]));
            List<Map<String, String>> connectors = new ArrayList<>();
            for (int i = 2; i < args.length; i++) {
                connectors.add(load(Path.of(args[i])));
            }
            worker = StandaloneWorker.start(workerSettings, connectors);
        } catch (ConfigException e) {
            err.println("sluice connect: invalid configuration:\n" + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("sluice connect: " + e.getMessage());
            return 1;
        }
        out.println("Connect worker started; REST interface on port " + worker.restPort());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "connect-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.close();
        }
        return 0;
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
