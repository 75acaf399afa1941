package dev.sluice.tools.admin;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.ListedOffset;
import dev.sluice.client.admin.OffsetSpec;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TopicDescription;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.TopicCheck;
import dev.sluice.tools.cli.UsageException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code sluice get-offsets}: kafka-get-offsets.sh — per partition of a topic the earliest, latest or
 * by-timestamp offset, printed as {@code topic:partition:offset}.
 */
public final class GetOffsetsCommand extends ClientCommand {

    @Override
    public String name() {
        return "get-offsets";
    }

    @Override
    public String summary() {
        return "print the earliest, latest or by-timestamp offset of each partition (kafka-get-offsets.sh)";
    }

    @Override
    protected String usage() {
        return "usage: sluice get-offsets --topic T [--partitions 0,1,...] [--time latest|earliest|-1|-2|<epoch ms>]";
    }

    @Override
    public String help() {
        return usage() + """


                Prints topic:partition:offset for each partition, like kafka-get-offsets.sh.

                Options:
                  --topic T               the topic (required)
                  --partitions P,...      only these partitions (default: all)
                  --time WHEN             latest (-1, the default): the offset the next record gets;
                                          earliest (-2): the first offset still stored;
                                          a timestamp in ms since the epoch: the first record at or after it
                                          (none: no offset is printed for the partition)
                  --bootstrap-server H:P  broker to connect to (default localhost:9092)
                  --command-config FILE   admin client properties (Kafka names)

                Examples:
                  sluice get-offsets --topic orders
                  sluice get-offsets --topic orders --partitions 0 --time earliest""";
    }

    @Override
    protected Options options() {
        return new Options().value("--topic", "--partitions", "--time");
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String topic = args.required("--topic");
        OffsetSpec spec = spec(args.value("--time", "latest"));
        List<Integer> only = partitions(args.value("--partitions"));
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            TopicDescription description = TopicCheck.require(admin, topic);
            int count = description.partitions().size();
            Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
            for (int p : only == null ? range(count) : only) {
                if (p >= count) {
                    throw new CommandFailure("topic '" + topic + "' has " + count + " partition(s) (0-" + (count - 1)
                            + "): there is no partition " + p);
                }
                specs.put(new TopicPartition(topic, p), spec);
            }
            Map<TopicPartition, ListedOffset> offsets = admin.listOffsets(specs).join();
            for (TopicPartition tp : specs.keySet()) {
                ListedOffset offset = offsets.get(tp);
                if (offset != null && offset.offset() >= 0) {
                    io.out().println(tp.topic() + ":" + tp.partition() + ":" + offset.offset());
                }
            }
        }
        return 0;
    }

    static OffsetSpec spec(String time) throws UsageException {
        return switch (time) {
            case "latest", "-1" -> OffsetSpec.latest();
            case "earliest", "-2" -> OffsetSpec.earliest();
            default -> {
                try {
                    long ms = Long.parseLong(time);
                    if (ms < 0) {
                        throw new UsageException("--time takes latest, earliest, -1, -2 or a timestamp in ms, not " + time);
                    }
                    yield OffsetSpec.forTimestamp(ms);
                } catch (NumberFormatException e) {
                    throw new UsageException("--time takes latest, earliest, -1, -2 or a timestamp in ms, not '" + time + "'");
                }
            }
        };
    }

    static List<Integer> partitions(String list) throws UsageException {
        if (list == null) {
            return null;
        }
        TreeSet<Integer> partitions = new TreeSet<>();
        for (String p : list.split(",")) {
            try {
                int value = Integer.parseInt(p.strip());
                if (value < 0) {
                    throw new NumberFormatException();
                }
                partitions.add(value);
            } catch (NumberFormatException e) {
                throw new UsageException("--partitions takes partition numbers separated by commas (0,1,2), not '" + list + "'");
            }
        }
        return new ArrayList<>(partitions);
    }

    private static List<Integer> range(int count) {
        List<Integer> all = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            all.add(p);
        }
        return all;
    }
}
