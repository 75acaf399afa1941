package dev.sluice.tools.admin;

import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.BrokerNode;
import dev.sluice.client.admin.LogDirDescription;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.OutputFormat;
import dev.sluice.tools.cli.Table;
import dev.sluice.tools.cli.UsageException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code sluice log-dirs --describe}: kafka-log-dirs.sh — every broker's log directories with the
 * size of each partition stored there, and the error of a failed directory; {@code --format json}
 * prints kafka-log-dirs.sh's JSON document.
 */
public final class LogDirsCommand extends ClientCommand {

    @Override
    public String name() {
        return "log-dirs";
    }

    @Override
    public String summary() {
        return "describe the brokers' log directories and partition sizes (kafka-log-dirs.sh)";
    }

    @Override
    protected String usage() {
        return "usage: sluice log-dirs --describe [--broker-list 1,2,...] [--topic-list T1,T2,...] [--format json]";
    }

    @Override
    public String help() {
        return usage() + """


                Lists each broker's log directories (log.dirs) and the bytes every partition takes there,
                like kafka-log-dirs.sh. A directory whose disk failed shows its error (KAFKA_STORAGE_ERROR):
                its partitions are offline until the broker restarts with the disk repaired.

                Options:
                  --describe              (required) describe the log directories
                  --broker-list B,...     only these brokers (default: all)
                  --topic-list T,...      only partitions of these topics (default: all)
                  --format json           (-o json) kafka-log-dirs.sh's JSON document
                  --bootstrap-server H:P  broker to connect to (default localhost:9092)
                  --command-config FILE   admin client properties (Kafka names)

                Example:
                  sluice log-dirs --describe --topic-list orders""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--describe").value("--broker-list", "--topic-list").format();
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        if (!args.has("--describe")) {
            throw new UsageException("--describe is required (the only action)");
        }
        OutputFormat format = OutputFormat.of(args);
        Set<Integer> brokers = args.has("--broker-list") ? brokerIds(args.value("--broker-list")) : null;
        Set<String> topics = args.has("--topic-list") ? new TreeSet<>(List.of(args.value("--topic-list").split(","))) : null;
        settings.requireReachable();
        Map<Integer, List<LogDirDescription>> byBroker = new LinkedHashMap<>();
        try (SluiceAdmin admin = settings.admin()) {
            List<BrokerNode> live = admin.describeCluster().join().brokers();
            if (brokers != null) {
                Set<Integer> unknown = new TreeSet<>(brokers);
                live.forEach(b -> unknown.remove(b.id()));
                if (!unknown.isEmpty()) {
                    throw new CommandFailure("no live broker with id " + unknown + "; the brokers are "
                            + live.stream().map(BrokerNode::id).toList() + " (sluice topics --describe shows them too)");
                }
            }
            for (BrokerNode broker : live) {
                if (brokers == null || brokers.contains(broker.id())) {
                    byBroker.put(broker.id(), admin.describeLogDirs(broker).join());
                }
            }
        }
        if (format == OutputFormat.JSON) {
            io.out().println(JsonWriter.write(kafkaJson(byBroker, topics), JsonWriter.Others.AS_STRING));
            return 0;
        }
        Table table = new Table("BROKER", "LOG-DIR", "ERROR", "TOPIC", "PARTITION", "SIZE");
        byBroker.forEach((id, dirs) -> {
            for (LogDirDescription dir : dirs) {
                String error = dir.error() == null ? "-" : dir.error();
                int before = table.size();
                dir.sizes().forEach((tp, size) -> {
                    if (topics == null || topics.contains(tp.topic())) {
                        table.add(id, dir.path(), error, tp.topic(), tp.partition(), size);
                    }
                });
                if (table.size() == before) {
                    table.add(id, dir.path(), error, "-", "-", "-");
                }
            }
        });
        table.print(io.out());
        return 0;
    }

    /** kafka-log-dirs.sh's output: {@code {"brokers":[{"broker":0,"logDirs":[{"partitions":[...],"error":null,"logDir":"..."}]}],"version":1}}. */
    private static Map<String, Object> kafkaJson(Map<Integer, List<LogDirDescription>> byBroker, Set<String> topics) {
        List<Object> brokers = new ArrayList<>();
        byBroker.forEach((id, dirs) -> {
            List<Object> logDirs = new ArrayList<>();
            for (LogDirDescription dir : dirs) {
                List<Object> partitions = new ArrayList<>();
                dir.sizes().forEach((TopicPartition tp, Long size) -> {
                    if (topics == null || topics.contains(tp.topic())) {
                        Map<String, Object> p = new LinkedHashMap<>();
                        p.put("partition", tp.toString());
                        p.put("size", size);
                        p.put("offsetLag", 0);
                        p.put("isFuture", false);
                        partitions.add(p);
                    }
                });
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("partitions", partitions);
                d.put("error", dir.error());
                d.put("logDir", dir.path());
                logDirs.add(d);
            }
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("broker", id);
            b.put("logDirs", logDirs);
            brokers.add(b);
        });
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("brokers", brokers);
        root.put("version", 1);
        return root;
    }

    private static Set<Integer> brokerIds(String list) throws UsageException {
        Set<Integer> ids = new TreeSet<>();
        for (String id : list.split(",")) {
            try {
                ids.add(Integer.parseInt(id.strip()));
            } catch (NumberFormatException e) {
                throw new UsageException("--broker-list takes broker ids separated by commas (1,2,3), not '" + list + "'");
            }
        }
        return ids;
    }
}
