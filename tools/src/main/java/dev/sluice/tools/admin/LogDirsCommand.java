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
 * size of each partition stored there, partitions being moved in (future replicas), and the error
 * of a failed directory; {@code --format json} prints kafka-log-dirs.sh's JSON document.
 * {@code sluice log-dirs --move T:P,... --to DIR}: AlterReplicaLogDirs, what kafka-reassign-partitions.sh
 * does with {@code log_dirs} in its JSON.
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
        return "usage: sluice log-dirs --describe [--broker-list 1,2,...] [--topic-list T1,T2,...] [--format json]\n"
                + "       sluice log-dirs --move TOPIC:PARTITION,... --to DIR [--broker ID] [--wait]";
    }

    @Override
    public String help() {
        return usage() + """


                Lists each broker's log directories (log.dirs) and the bytes every partition takes there,
                like kafka-log-dirs.sh. A directory whose disk failed shows its error (KAFKA_STORAGE_ERROR):
                its partitions are offline until the broker restarts with the disk repaired. A partition
                being moved into a directory shows there as "SIZE (future, N behind)".

                --move copies partitions to another directory of the broker's log.dirs while they keep
                serving, and swaps the copy in once it has caught up (AlterReplicaLogDirs, as
                kafka-reassign-partitions.sh with log_dirs). A crash during the copy leaves the partition
                where it was; the broker starts the move again.

                Options:
                  --describe              describe the log directories
                  --move T:P,...          move these partitions (topic:partition) ...
                  --to DIR                ... to this directory of the broker's log.dirs
                  --broker ID             the broker whose replicas move (default: the only broker)
                  --wait                  wait until the moves are done
                  --broker-list B,...     only these brokers (default: all)
                  --topic-list T,...      only partitions of these topics (default: all)
                  --format json           (-o json) kafka-log-dirs.sh's JSON document
                  --bootstrap-server H:P  broker to connect to (default localhost:9092)
                  --command-config FILE   admin client properties (Kafka names)

                Examples:
                  sluice log-dirs --describe --topic-list orders
                  sluice log-dirs --move orders:0,orders:1 --to /data/disk2 --wait""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--describe", "--wait").value("--broker-list", "--topic-list", "--move", "--to", "--broker").format();
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        if (args.oneOfOrNone("--describe", "--move") == null) {
            throw new UsageException("--describe is required (or --move to move partitions between directories)");
        }
        if (args.has("--move")) {
            return move(args, settings, io);
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
                dir.futures().forEach((tp, future) -> {
                    if (topics == null || topics.contains(tp.topic())) {
                        table.add(id, dir.path(), error, tp.topic(), tp.partition(),
                                future.sizeBytes() + " (future, " + future.offsetLag() + " behind)");
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
                        partitions.add(partitionJson(tp, size, 0, false));
                    }
                });
                dir.futures().forEach((tp, future) -> {
                    if (topics == null || topics.contains(tp.topic())) {
                        partitions.add(partitionJson(tp, future.sizeBytes(), future.offsetLag(), true));
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

    private static Map<String, Object> partitionJson(TopicPartition tp, long size, long offsetLag, boolean future) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("partition", tp.toString());
        p.put("size", size);
        p.put("offsetLag", offsetLag);
        p.put("isFuture", future);
        return p;
    }

    /** AlterReplicaLogDirs to one broker; with {@code --wait} until no moved partition has a future replica left. */
    private static int move(Args args, ClientSettings settings, Io io) throws Exception {
        if (!args.has("--to")) {
            throw new UsageException("--move needs --to DIR: the directory of the broker's log.dirs to move to");
        }
        String to = args.value("--to");
        Map<TopicPartition, String> moves = new LinkedHashMap<>();
        for (String item : args.value("--move").split(",")) {
            int colon = item.lastIndexOf(':');
            try {
                moves.put(new TopicPartition(item.substring(0, colon).strip(), Integer.parseInt(item.substring(colon + 1).strip())), to);
            } catch (RuntimeException e) {
                throw new UsageException("--move takes topic:partition pairs separated by commas (orders:0,orders:1), not '" + item + "'");
            }
        }
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            List<BrokerNode> live = admin.describeCluster().join().brokers();
            BrokerNode broker;
            if (args.has("--broker")) {
                int id = brokerIds(args.value("--broker")).iterator().next();
                broker = live.stream().filter(b -> b.id() == id).findFirst().orElseThrow(() -> new CommandFailure(
                        "no live broker with id " + id + "; the brokers are " + live.stream().map(BrokerNode::id).toList()));
            } else if (live.size() == 1) {
                broker = live.get(0);
            } else {
                throw new UsageException("--broker ID is required: the cluster has brokers " + live.stream().map(BrokerNode::id).toList());
            }
            Map<TopicPartition, String> errors = admin.alterReplicaLogDirs(broker, moves).join();
            int failed = 0;
            for (Map.Entry<TopicPartition, String> result : errors.entrySet()) {
                TopicPartition tp = result.getKey();
                if (result.getValue() == null) {
                    io.out().println("Successfully started moving log directory to " + to + " for replica " + tp + " with broker " + broker.id());
                } else {
                    failed++;
                    io.err().println("Cannot move " + tp + " of broker " + broker.id() + " to " + to + ": " + result.getValue());
                }
            }
            if (failed == 0 && args.has("--wait")) {
                while (moving(admin.describeLogDirs(broker).join(), moves.keySet())) {
                    Thread.sleep(200);
                }
                io.out().println("Moved " + moves.size() + " partition(s) to " + to + ".");
            }
            return failed == 0 ? 0 : 1;
        }
    }

    /** Whether some of {@code partitions} still has a future replica on the broker. */
    private static boolean moving(List<LogDirDescription> dirs, Set<TopicPartition> partitions) {
        return dirs.stream().anyMatch(d -> d.futures().keySet().stream().anyMatch(partitions::contains));
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
