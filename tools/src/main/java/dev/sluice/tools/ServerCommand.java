package dev.sluice.tools;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.ConfigException;
import dev.sluice.tools.cli.FailureText;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sluice server}: runs a broker until SIGTERM / Ctrl-C, then shuts it down cleanly
 * (stop accepting, finish in-flight requests, flush, mark the log directory clean).
 */
final class ServerCommand implements Command {

    @Override
    public String name() {
        return "server";
    }

    @Override
    public String summary() {
        return "run a broker (default: single node on localhost:9092, data in ./data)";
    }

    @Override
    public String help() {
        return """
                usage: sluice server [server.properties] [--override key=value | key=value]...

                Runs a Sluice broker in the foreground until it gets SIGTERM or Ctrl-C, then shuts
                down cleanly. Settings use Kafka's names; the command line overrides the file.

                Common settings (defaults in brackets):
                  listeners                  PLAINTEXT://localhost:9092
                  advertised.listeners       [listeners; a wildcard host is advertised as localhost]
                  log.dirs                   ./data
                  log.storage                file
                  num.partitions             1
                  auto.create.topics.enable  true
                  log.retention.hours        168
                  log.segment.bytes          1073741824
                  message.max.bytes          1048588

                Example: sluice server listeners=PLAINTEXT://0.0.0.0:9092 log.dirs=/var/lib/sluice""";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        BrokerConfig config;
        try {
            config = BrokerConfig.fromArgs(args);
        } catch (ConfigException e) {
            err.println("sluice server: invalid configuration:");
            e.problems().forEach(p -> err.println("  - " + p));
            err.println("Fix the settings above (see 'sluice server --help').");
            return 2;
        }
        Broker broker;
        try {
            broker = Broker.start(config);
        } catch (IOException | RuntimeException e) {
            err.println("sluice server: cannot start: " + FailureText.of(e));
            if (String.valueOf(e.getMessage()).contains("Address already in use")) {
                err.println("Another process is listening there: stop it, or pick another port, e.g. "
                        + "listeners=PLAINTEXT://localhost:9093");
            }
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // printed, not logged: the JDK resets java.util.logging in its own shutdown hook
            err.println("sluice server: shutting down cleanly...");
            broker.close();
            err.println("sluice server: stopped; data is flushed and marked clean");
            stopped.countDown();
        }, "sluice-shutdown"));
        out.println("Sluice is running: bootstrap.servers=" + broker.bootstrapServers() + ", data in "
                + config.logDirs().get(0).toAbsolutePath().normalize() + ". Stop with Ctrl-C or SIGTERM.");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
