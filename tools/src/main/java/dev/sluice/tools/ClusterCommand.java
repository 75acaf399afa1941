package dev.sluice.tools;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.ConfigException;
import dev.sluice.coordination.zookeeper.server.ZooKeeperServerRunner;
import dev.sluice.tools.cli.FailureText;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code sluice cluster}: a ZooKeeper server and N brokers joined through it, all in this process on
 * loopback, in the foreground until SIGTERM / Ctrl-C: one command to try a cluster. Each broker is a
 * full broker with its own id, port and data directory; they share only the JVM.
 */
final class ClusterCommand implements Command {
    /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final Logger ZOOKEEPER = Logger.getLogger("org.apache.zookeeper");
    private static final String HOST = "127.0.0.1";

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public String summary() {
        return "run ZooKeeper and a cluster of brokers on loopback for development (3 brokers on 9092-9094)";
    }

    @Override
    public String help() {
        return """
                usage: sluice cluster [--brokers N] [--base-port PORT] [--zookeeper-port PORT] [--data-dir DIR]
                                      [KEY=VALUE ...]

                Runs a ZooKeeper server and N brokers (ids 1..N, joined with zookeeper.connect) on
                127.0.0.1 in this process, in the foreground until SIGTERM or Ctrl-C, which stops the
                brokers cleanly and then ZooKeeper. KEY=VALUE settings go to every broker.

                Options (defaults in brackets):
                  --brokers N            number of brokers [3]
                  --base-port PORT       broker i listens on PORT+i-1; 0 picks free ports [9092]
                  --zookeeper-port PORT  ZooKeeper's client port; 0 picks a free one [2181]
                  --data-dir DIR         broker i's data in DIR/i, ZooKeeper's in DIR/zookeeper [./data/cluster]

                Example: sluice cluster, then sluice topics --bootstrap-server localhost:9092 --create
                --topic t --partitions 6""";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        int brokers = 3;
        int basePort = 9092;
        int zookeeperPort = 2181;
        Path dataDir = Path.of("data", "cluster");
        Map<String, String> extra = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (!option.startsWith("--") && option.contains("=")) {
                    extra.put(option.substring(0, option.indexOf('=')), option.substring(option.indexOf('=') + 1));
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--brokers" -> brokers = Integer.parseInt(value);
                    case "--base-port" -> basePort = Integer.parseInt(value);
                    case "--zookeeper-port" -> zookeeperPort = Integer.parseInt(value);
                    case "--data-dir" -> dataDir = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (brokers < 1 || brokers > 99 || basePort < 0 || basePort + brokers > 65536 || zookeeperPort < 0
                    || zookeeperPort > 65535) {
                throw new IllegalArgumentException("--brokers must be 1-99 and the ports within 0-65535");
            }
        } catch (IllegalArgumentException e) {
            String message = e instanceof NumberFormatException ? "not a number: " + e.getMessage() : e.getMessage();
            err.println("sluice cluster: " + message + " (see 'sluice cluster --help')");
            return 2;
        }
        if (System.getProperty("java.util.logging.config.file") == null) {
            ZOOKEEPER.setLevel(Level.WARNING); // one INFO line per session and connection otherwise
        }
        ZooKeeperServerRunner zookeeper;
        try {
            zookeeper = ZooKeeperServerRunner.start(new InetSocketAddress(HOST, zookeeperPort),
                    dataDir.resolve("zookeeper"), ZooKeeperServerRunner.DEFAULT_TICK_MS);
        } catch (RuntimeException e) {
            err.println("sluice cluster: cannot start ZooKeeper: " + FailureText.of(e));
            return 1;
        }
        String connect = HOST + ":" + zookeeper.port();
        List<Broker> started = new ArrayList<>();
        try {
            for (int id = 1; id <= brokers; id++) {
                Map<String, String> settings = new HashMap<>(extra);
                settings.put("broker.id", Integer.toString(id));
                settings.put("listeners", "PLAINTEXT://" + HOST + ":" + (basePort == 0 ? 0 : basePort + id - 1));
                settings.put("log.dirs", dataDir.resolve(Integer.toString(id)).toString());
                settings.put("zookeeper.connect", connect);
                // Kafka's default 3 would leave a 1- or 2-broker cluster without a group coordinator
                settings.putIfAbsent("offsets.topic.replication.factor", Integer.toString(Math.min(3, brokers)));
                started.add(Broker.start(BrokerConfig.of(settings)));
            }
        } catch (ConfigException e) {
            err.println("sluice cluster: invalid broker settings:");
            e.problems().forEach(p -> err.println("  - " + p));
            stopAll(started, zookeeper);
            return 2;
        } catch (Exception e) {
            err.println("sluice cluster: cannot start broker " + (started.size() + 1) + ": " + FailureText.of(e));
            stopAll(started, zookeeper);
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // printed, not logged: the JDK resets java.util.logging in its own shutdown hook
            err.println("sluice cluster: shutting down cleanly...");
            stopAll(started, zookeeper);
            err.println("sluice cluster: stopped");
            stopped.countDown();
        }, "sluice-cluster-shutdown"));
        List<String> bootstrap = started.stream().map(Broker::bootstrapServers).toList();
        out.println("Sluice cluster is running: bootstrap.servers=" + String.join(",", bootstrap)
                + ", zookeeper.connect=" + connect + ", data in " + dataDir.toAbsolutePath().normalize()
                + ". Stop with Ctrl-C or SIGTERM.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Brokers in reverse order of start (the controller moves at most once per stop), then ZooKeeper. */
    private static void stopAll(List<Broker> brokers, ZooKeeperServerRunner zookeeper) {
        for (int i = brokers.size() - 1; i >= 0; i--) {
            try {
                brokers.get(i).close();
            } catch (RuntimeException e) {
                System.err.println("sluice cluster: stopping broker " + (i + 1) + " failed: " + FailureText.of(e));
            }
        }
        zookeeper.close();
    }
}
