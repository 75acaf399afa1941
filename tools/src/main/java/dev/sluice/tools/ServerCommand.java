package dev.sluice.tools;

import dev.sluice.broker.Broker;
import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.BrokerConfigDef;
import dev.sluice.broker.config.ConfigException;
import dev.sluice.broker.config.PluginSettings;
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
        StringBuilder sb = new StringBuilder("""
                usage: sluice server [server.properties] [--override key=value | key=value]...

                Runs a Sluice broker in the foreground until it gets SIGTERM or Ctrl-C, then shuts
                down cleanly. Settings use Kafka's names; the command line overrides the file.
                An unknown key is an error (with the closest known names); a few Kafka keys that
                do not apply to Sluice are accepted with a warning.

                Broker settings [default]:
                """);
        appendSettings(sb, BrokerConfigDef.DEF);
        ConfigDef plugins = PluginSettings.installed();
        if (!plugins.keys().isEmpty()) {
            sb.append("\nSettings of installed plugins [default]:\n");
            appendSettings(sb, plugins);
        }
        return sb.append("""

                Example: sluice server listeners=PLAINTEXT://0.0.0.0:9092 log.dirs=/var/lib/sluice""").toString();
    }

    private static void appendSettings(StringBuilder sb, ConfigDef def) {
        for (ConfigKey k : def.keys()) {
            String dflt = k.defaultValue() == null ? "" : " [" + k.defaultString() + "]";
            sb.append("  ").append(k.name()).append(dflt).append('\n')
                    .append("      ").append(k.documentation())
                    .append(k.dynamic() ? " (dynamic: sluice configs --alter changes it at run time)" : "").append('\n');
        }
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
