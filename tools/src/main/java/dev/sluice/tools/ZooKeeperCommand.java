package dev.sluice.tools;

import dev.sluice.coordination.zookeeper.server.ZooKeeperServerRunner;
import dev.sluice.tools.cli.FailureText;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code sluice zookeeper}: a standalone ZooKeeper server for development (ZooKeeper's own server
 * classes, one server, no ensemble) until SIGTERM / Ctrl-C.
 */
final class ZooKeeperCommand implements Command {

    /** Held here: java.util.logging keeps loggers weakly, and a collected one forgets its level. */
    private static final Logger ZOOKEEPER = Logger.getLogger("org.apache.zookeeper");

    @Override
    public String name() {
        return "zookeeper";
    }

    @Override
    public String summary() {
        return "run a standalone ZooKeeper server for development (port 2181, data in ./data/zookeeper)";
    }

    @Override
    public String help() {
        return """
                usage: sluice zookeeper [--port PORT] [--host HOST] [--data-dir DIR] [--tick-ms MS]

                Runs one ZooKeeper server (Apache ZooKeeper's own server classes) in the foreground
                until SIGTERM or Ctrl-C: enough for brokers started with zookeeper.connect on one
                machine. Production clusters use a ZooKeeper ensemble of three or five servers.

                Options (defaults in brackets):
                  --port PORT       client port [2181]
                  --host HOST       address to listen on [0.0.0.0]
                  --data-dir DIR    snapshots and transaction log [./data/zookeeper]
                  --tick-ms MS      ZooKeeper's tick; sessions may last 2 to 20 ticks [2000]

                Example: sluice zookeeper & sluice server zookeeper.connect=localhost:2181""";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        int port = 2181;
        String host = "0.0.0.0";
        Path dataDir = Path.of("data", "zookeeper");
        int tickMs = ZooKeeperServerRunner.DEFAULT_TICK_MS;
        try {
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--host" -> host = value;
                    case "--data-dir" -> dataDir = Path.of(value);
                    case "--tick-ms" -> tickMs = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (port < 0 || port > 65535 || tickMs <= 0) {
                throw new IllegalArgumentException("--port must be 0-65535 and --tick-ms positive");
            }
        } catch (IllegalArgumentException e) {
            String message = e instanceof NumberFormatException ? "not a number: " + e.getMessage() : e.getMessage();
            err.println("sluice zookeeper: " + message + " (see 'sluice zookeeper --help')");
            return 2;
        }
        if (System.getProperty("java.util.logging.config.file") == null) {
            // ZooKeeper's INFO lines are many (one per session and connection): warnings still show
            ZOOKEEPER.setLevel(Level.WARNING);
        }
        ZooKeeperServerRunner server;
        try {
            server = ZooKeeperServerRunner.start(new InetSocketAddress(host, port), dataDir, tickMs);
        } catch (RuntimeException e) {
            err.println("sluice zookeeper: cannot start: " + FailureText.of(e));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("sluice zookeeper: shutting down...");
            server.close();
            err.println("sluice zookeeper: stopped");
            stopped.countDown();
        }, "sluice-zookeeper-shutdown"));
        String shown = host.equals("0.0.0.0") ? "localhost" : host;
        out.println("ZooKeeper is running: zookeeper.connect=" + shown + ":" + server.port() + ", data in "
                + dataDir.toAbsolutePath().normalize() + " (Ctrl-C to stop)");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
