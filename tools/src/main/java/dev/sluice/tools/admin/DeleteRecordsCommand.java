package dev.sluice.tools.admin;

import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.TopicCheck;
import dev.sluice.tools.cli.UsageException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sluice delete-records}: kafka-delete-records.sh — deletes the records before an offset of
 * partitions, from Kafka's offset JSON file or for one partition given on the command line, and
 * prints each partition's new low watermark.
 */
public final class DeleteRecordsCommand extends ClientCommand {

    @Override
    public String name() {
        return "delete-records";
    }

    @Override
    public String summary() {
        return "delete the records before an offset of partitions (kafka-delete-records.sh)";
    }

    @Override
    protected String usage() {
        return "usage: sluice delete-records --offset-json-file FILE\n"
                + "       sluice delete-records --topic T --partition P --offset N";
    }

    @Override
    public String help() {
        return usage() + """


                Deletes every record before the given offset (-1: up to the high watermark) of each
                partition, like kafka-delete-records.sh, and prints the partitions' new low watermarks.

                Options:
                  --offset-json-file FILE  Kafka's format:
                                           {"partitions": [{"topic": "orders", "partition": 0, "offset": 100}], "version": 1}
                  --topic T --partition P --offset N
                                           one partition, without a file
                  --bootstrap-server H:P   broker to connect to (default localhost:9092)
                  --command-config FILE    admin client properties (Kafka names)

                Examples:
                  sluice delete-records --topic orders --partition 0 --offset 100
                  sluice delete-records --offset-json-file delete.json""";
    }

    @Override
    protected Options options() {
        return new Options().value("--offset-json-file", "--topic", "--partition", "--offset");
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        Map<TopicPartition, Long> offsets;
        String file = args.value("--offset-json-file");
        if (file != null) {
            if (args.has("--topic") || args.has("--partition") || args.has("--offset")) {
                throw new UsageException("give either --offset-json-file or --topic/--partition/--offset, not both");
            }
            offsets = readFile(Path.of(file));
        } else {
            String topic = args.required("--topic");
            int partition = args.intValue("--partition", -1);
            if (partition < 0 || !args.has("--offset")) {
                throw new UsageException("--topic needs --partition P and --offset N (or use --offset-json-file)");
            }
            offsets = Map.of(new TopicPartition(topic, partition), args.longValue("--offset", -1));
        }
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            for (String topic : offsets.keySet().stream().map(TopicPartition::topic).distinct().toList()) {
                TopicCheck.require(admin, topic);
            }
            io.out().println("Executing records delete operation");
            Map<TopicPartition, Long> lowWatermarks;
            try {
                lowWatermarks = admin.deleteRecords(offsets).join();
            } catch (RuntimeException e) {
                if ("OFFSET_OUT_OF_RANGE".equals(errorName(e))) {
                    throw new CommandFailure(explain(e, settings) + " (the offset must be at most the partition's latest offset: "
                            + "sluice get-offsets --topic T shows it)");
                }
                throw e;
            }
            io.out().println("Records delete operation completed:");
            lowWatermarks.forEach((tp, low) -> io.out().println("partition: " + tp + "\tlow_watermark: " + low));
        }
        return 0;
    }

    /** Kafka's offset JSON file: {@code {"partitions":[{"topic":T,"partition":P,"offset":N}],"version":1}}. */
    static Map<TopicPartition, Long> readFile(Path file) throws UsageException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new UsageException("--offset-json-file " + file + " does not exist");
        } catch (IOException e) {
            throw new UsageException("cannot read --offset-json-file " + file + ": " + e.getMessage());
        }
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        try {
            Object parsed = JsonReader.parse(text);
            if (!(parsed instanceof Map<?, ?> root) || !(root.get("partitions") instanceof List<?> partitions)) {
                throw new IllegalArgumentException("expected {\"partitions\": [...], \"version\": 1}");
            }
            for (Object entry : partitions) {
                if (!(entry instanceof Map<?, ?> p) || !(p.get("topic") instanceof String topic)
                        || !(p.get("partition") instanceof Number partition) || !(p.get("offset") instanceof Number offset)) {
                    throw new IllegalArgumentException("each partition needs \"topic\", \"partition\" and \"offset\": " + entry);
                }
                if (offsets.put(new TopicPartition(topic, partition.intValue()), offset.longValue()) != null) {
                    throw new IllegalArgumentException("partition " + topic + "-" + partition + " appears twice");
                }
            }
        } catch (RuntimeException e) {
            throw new UsageException("--offset-json-file " + file + " is not Kafka's offset JSON: " + e.getMessage());
        }
        if (offsets.isEmpty()) {
            throw new UsageException("--offset-json-file " + file + " names no partition");
        }
        return offsets;
    }
}
