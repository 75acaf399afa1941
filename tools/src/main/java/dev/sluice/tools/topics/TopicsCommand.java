package dev.sluice.tools.topics;

import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TopicDescription;
import dev.sluice.tools.cli.Args;
import dev.sluice.tools.cli.ClientCommand;
import dev.sluice.tools.cli.ClientSettings;
import dev.sluice.tools.cli.CommandFailure;
import dev.sluice.tools.cli.Io;
import dev.sluice.tools.cli.Options;
import dev.sluice.tools.cli.OutputFormat;
import dev.sluice.tools.cli.TopicCheck;
import dev.sluice.tools.cli.UsageException;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code sluice topics}: create, list, describe, delete and grow topics, printing what kafka-topics.sh prints. */
public final class TopicsCommand extends ClientCommand {

    @Override
    public String name() {
        return "topics";
    }

    @Override
    public String summary() {
        return "create, list, describe, alter (partitions, configs) and delete topics";
    }

    @Override
    protected String usage() {
        return "usage: sluice topics --create --topic T [--partitions N] [--replication-factor 1] [--config k=v]... [--if-not-exists]\n"
                + "       sluice topics --list | --describe [--topic T] [--exclude-internal] [--format json]\n"
                + "       sluice topics --alter --topic T [--partitions N] [--config k=v]... [--delete-config k]... [--if-exists]\n"
                + "       sluice topics --delete --topic T [--if-exists]";
    }

    @Override
    public String help() {
        return usage() + """


                Manages topics, like kafka-topics.sh.

                Actions (exactly one):
                  --create                create --topic; prints "Created topic T."
                  --list                  the topic names, one per line (internal ones included,
                                          such as __consumer_offsets, unless --exclude-internal)
                  --describe              partition count, replication factor, configs set on the
                                          topic, and each partition's leader, replicas, ISR, log
                                          start offset, high watermark and size in bytes (every
                                          topic, or only --topic)
                  --alter                 grow --topic to --partitions N (partitions are never
                                          removed), and/or set --config k=v / --delete-config k
                  --delete                delete --topic and its data

                Options:
                  --topic T               the topic
                  --partitions N          partition count (create: the broker's num.partitions)
                  --replication-factor R  replicas per partition (create: the broker's default; one
                                          broker means 1)
                  --config k=v            topic setting, e.g. retention.ms=86400000 (repeatable)
                  --delete-config k       --alter: the setting goes back to the broker's default (repeatable)
                  --if-not-exists         --create succeeds quietly if the topic is already there
                  --if-exists             --alter, --delete, --describe succeed quietly if it is not
                  --exclude-internal      --list, --describe: leave out internal topics
                  --format json           (-o json) --list and --describe as one JSON document
                  --bootstrap-server H:P  broker to connect to (default localhost:9092)
                  --command-config FILE   admin client properties (Kafka names)

                Examples:
                  sluice topics --create --topic orders --partitions 3 --config retention.ms=3600000
                  sluice topics --describe --topic orders""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--create", "--list", "--describe", "--alter", "--delete", "--if-not-exists", "--if-exists",
                        "--exclude-internal")
                .value("--topic", "--partitions", "--replication-factor").list("--config", "--delete-config").format();
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String action = args.oneOf("--create", "--list", "--describe", "--alter", "--delete");
        String topic = args.value("--topic");
        if (topic == null && !action.equals("--list") && !action.equals("--describe")) {
            throw new UsageException(action + " needs --topic");
        }
        if (action.equals("--alter") && !args.has("--partitions") && !args.has("--config") && !args.has("--delete-config")) {
            throw new UsageException("--alter needs --partitions N (the new total), --config k=v or --delete-config k");
        }
        if (args.has("--delete-config") && !action.equals("--alter")) {
            throw new UsageException("--delete-config goes with --alter");
        }
        if (args.has("--if-exists") && !List.of("--alter", "--delete", "--describe").contains(action)) {
            throw new UsageException("--if-exists goes with --alter, --delete or --describe");
        }
        if (args.has("--if-not-exists") && !action.equals("--create")) {
            throw new UsageException("--if-not-exists goes with --create");
        }
        if (args.has("--exclude-internal") && !action.equals("--list") && !action.equals("--describe")) {
            throw new UsageException("--exclude-internal goes with --list or --describe");
        }
        OutputFormat format = OutputFormat.of(args);
        if (format == OutputFormat.JSON && !action.equals("--list") && !action.equals("--describe")) {
            throw new UsageException("--format json goes with --list and --describe");
        }
        Map<String, String> configs = args.keyValues("--config");
        List<String> deleteConfigs = args.values("--delete-config");
        int partitions = args.intValue("--partitions", -1);
        int replicationFactor = args.intValue("--replication-factor", -1);
        boolean ifExists = args.has("--if-exists");
        boolean internal = !args.has("--exclude-internal");
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            if (ifExists && topic != null && !exists(admin, topic)) {
                return 0; // Kafka: the action only runs if the topic exists
            }
            switch (action) {
                case "--create" -> create(admin, new NewTopic(topic, partitions, (short) replicationFactor, configs),
                        args.has("--if-not-exists"), io.out());
                case "--list" -> list(admin, internal, format, io.out());
                case "--describe" -> new TopicDescriber(admin).describe(topic, internal, format, io.out());
                case "--alter" -> {
                    if (partitions >= 0) {
                        alter(admin, topic, partitions, io.out());
                    }
                    if (!configs.isEmpty() || !deleteConfigs.isEmpty()) {
                        alterConfigs(admin, topic, configs, deleteConfigs, io.out());
                    }
                }
                default -> delete(admin, topic, io.out());
            }
        }
        return 0;
    }

    private static boolean exists(SluiceAdmin admin, String topic) {
        return admin.listTopics(true).join().contains(topic);
    }

    private static void list(SluiceAdmin admin, boolean internal, OutputFormat format, PrintStream out) {
        Set<String> names = admin.listTopics(internal).join();
        if (format == OutputFormat.TEXT) {
            names.forEach(out::println);
            return;
        }
        Map<String, TopicDescription> topics = names.isEmpty() ? Map.of() : admin.describeTopics(names).join();
        List<Object> rows = new ArrayList<>();
        for (String name : names) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("topic", name);
            row.put("partitions", topics.get(name).partitions().size());
            row.put("internal", topics.get(name).internal());
            rows.add(row);
        }
        out.println(JsonWriter.write(rows, JsonWriter.Others.AS_STRING));
    }

    private static void alterConfigs(SluiceAdmin admin, String topic, Map<String, String> set, List<String> delete,
                                     PrintStream out) {
        TopicCheck.require(admin, topic);
        admin.incrementalAlterConfigs(ConfigResource.topic(topic), set, delete).join();
        out.println("Updated config for topic " + topic + ".");
    }

    private static void create(SluiceAdmin admin, NewTopic topic, boolean ifNotExists, PrintStream out) {
        try {
            admin.createTopics(List.of(topic)).join();
            out.println("Created topic " + topic.name() + ".");
        } catch (RuntimeException e) {
            String error = errorName(e);
            if ("TOPIC_ALREADY_EXISTS".equals(error)) {
                if (ifNotExists) {
                    return;
                }
                throw new CommandFailure("topic '" + topic.name() + "' already exists (add --if-not-exists to accept that)");
            }
            throw e;
        }
    }

    private static void alter(SluiceAdmin admin, String topic, int partitions, PrintStream out) {
        int current = TopicCheck.require(admin, topic).partitions().size();
        if (partitions <= current) {
            throw new CommandFailure("topic '" + topic + "' has " + current + " partitions; --partitions must be more "
                    + "(partitions can be added, never removed)");
        }
        admin.createPartitions(Map.of(topic, partitions)).join();
        out.println("Topic " + topic + " now has " + partitions + " partitions (was " + current + ").");
    }

    private static void delete(SluiceAdmin admin, String topic, PrintStream out) {
        TopicCheck.require(admin, topic);
        admin.deleteTopics(List.of(topic)).join();
        out.println("Deleted topic " + topic + ".");
    }
}
