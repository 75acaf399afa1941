package dev.sluice.tools.mirror;

import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.mirror.Mirror;
import dev.sluice.connect.mirror.MirrorConfig;
import dev.sluice.tools.Command;
import dev.sluice.tools.cli.ClientSettings;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sluice mirror mirror.properties [--clusters b ...]}: copies topics between clusters in the
 * foreground until SIGTERM / Ctrl-C (Kafka's connect-mirror-maker.sh, same file), printing each topic's
 * lag periodically.
 */
public final class MirrorCommand implements Command {

    @Override
    public String name() {
        return "mirror";
    }

    @Override
    public String summary() {
        return "copy topics and consumer-group offsets between clusters (MirrorMaker 2's settings)";
    }

    @Override
    public String help() {
        return """
                usage: sluice mirror mirror.properties [--clusters target ...]

                Copies topics from cluster to cluster in the foreground until SIGTERM or Ctrl-C, with
                Kafka MirrorMaker 2's settings (connect-mirror-maker.sh's file):

                  clusters = a, b
                  a.bootstrap.servers = host1:9092        (also a.security.protocol, a.sasl.*, a.ssl.*,
                  b.bootstrap.servers = host2:9092         a.producer.*, a.consumer.*, a.admin.*)
                  a->b.enabled = true
                  a->b.topics = orders.*, payments        (regexes; default all)

                Each flow setting may be given as a->b.<name> or for all flows as <name>: topics,
                topics.exclude, groups, groups.exclude, replication.policy.separator (.),
                replication.policy.class (DefaultReplicationPolicy: a's topic t is b's a.t, and a topic
                that came from b is not copied back; IdentityReplicationPolicy: same name),
                config.properties.exclude, sync.topic.configs.enabled (true: settings follow at
                each refresh), replication.factor (-1: the target's default),
                offset.storage.replication.factor, refresh.topics.interval.seconds (600),
                offset.flush.interval.ms (10000), offset.lag.max (100), emit.checkpoints.enabled (true),
                emit.checkpoints.interval.seconds (60), sync.group.offsets.enabled (false),
                progress.interval.seconds (10: how often each topic's lag is printed).

                Remote topics get the source's partition count and topic settings; records keep their
                partition, key, value, headers and timestamp. Positions copied are stored on the target
                in mm2-offsets.<source>.internal after the target acknowledged the records (a restart
                resumes there; records sent after the last commit may be copied twice). Consumer-group
                offsets are translated to <source>.checkpoints.internal on the target (and committed for
                the group there with sync.group.offsets.enabled) from mm2-offset-syncs.<target>.internal.

                --clusters b: run only the flows into b (one process per target data centre).""";
    }

    @Override
    public int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(help());
            return 2;
        }
        Set<String> targets = new LinkedHashSet<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].equals("--clusters")) {
                err.println("sluice mirror: unknown option '" + args[i] + "'; see sluice mirror --help");
                return 2;
            }
            for (i++; i < args.length && !args[i].startsWith("--"); i++) {
                targets.addAll(Arrays.stream(args[i].split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList());
            }
            i--;
        }
        Mirror mirror;
        try {
            Properties file = ClientSettings.load(args[0], "mirror.properties");
            Map<String, String> settings = new LinkedHashMap<>();
            file.stringPropertyNames().forEach(k -> settings.put(k, file.getProperty(k)));
            mirror = Mirror.start(MirrorConfig.parse(settings), targets, Clock.systemUTC(), out::println);
        } catch (ConfigException e) {
            err.println("sluice mirror: invalid configuration:\n" + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("sluice mirror: " + e.getMessage());
            return 1;
        }
        out.println("Mirror started: " + String.join(", ", mirror.flows()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mirror.close();
            stopped.countDown();
        }, "mirror-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mirror.close();
        }
        return 0;
    }
}
