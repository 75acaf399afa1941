package dev.sluice.tools.topics;

import dev.sluice.client.admin.ConfigEntry;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.PartitionDescription;
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

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.stream.Collectors;

/** {@code sluice topics}: create, list, describe, delete and grow topics, printing what kafka-topics.sh prints. */
public final class TopicsCommand extends ClientCommand {

    @Override
    public String name() {
        return "topics";
    }

    @Override
    public String summary() {
        return "create, list, describe, alter (partitions) and delete topics";
    }

    @Override
    protected String usage() {
        return "usage: sluice topics --create --topic T [--partitions N] [--replication-factor 1] [--config k=v]... [--if-not-exists]\n"
                + "       sluice topics --list | --describe [--topic T] | --delete --topic T | --alter --topic T --partitions N";
    }

    @Override
    public String help() {
        return usage() + """


                Manages topics, like kafka-topics.sh.

                Actions (exactly one):
                  --create                create --topic; prints "Created topic T."
                  --list                  the topic names, one per line
                  --describe              partition count, replication factor, configs set on the
                                          topic, and each partition's leader, replicas and ISR
                                          (every topic, or only --topic)
                  --alter                 grow --topic to --partitions N (partitions are never removed)
                  --delete                delete --topic and its data

                Options:
                  --topic T               the topic
                  --partitions N          partition count (create: the broker's num.partitions)
                  --replication-factor R  replicas per partition (create: the broker's default; one
                                          broker means 1)
                  --config k=v            topic setting, e.g. retention.ms=86400000 (repeatable)
                  --if-not-exists         --create succeeds quietly if the topic is already there
                  --bootstrap-server H:P  broker to connect to (default localhost:9092)
                  --command-config FILE   admin client properties (Kafka names)

                Examples:
                  sluice topics --create --topic orders --partitions 3 --config retention.ms=3600000
                  sluice topics --describe --topic orders""";
    }

    @Override
    protected Options options() {
        return new Options().flag("--create", "--list", "--describe", "--alter", "--delete", "--if-not-exists")
                .value("--topic", "--partitions", "--replication-factor").list("--config");
    }

    @Override
    protected int execute(Args args, ClientSettings settings, Io io) throws Exception {
        String action = args.oneOf("--create", "--list", "--describe", "--alter", "--delete");
        String topic = args.value("--topic");
        if (topic == null && !action.equals("--list") && !action.equals("--describe")) {
            throw new UsageException(action + " needs --topic");
        }
        if (action.equals("--alter") && !args.has("--partitions")) {
            throw new UsageException("--alter needs --partitions N (the new total)");
        }
        Map<String, String> configs = args.keyValues("--config");
        int partitions = args.intValue("--partitions", -1);
        int replicationFactor = args.intValue("--replication-factor", -1);
        settings.requireReachable();
        try (SluiceAdmin admin = settings.admin()) {
            switch (action) {
                case "--create" -> create(admin, new NewTopic(topic, partitions, (short) replicationFactor, configs),
                        args.has("--if-not-exists"), io.out());
                case "--list" -> admin.listTopics().join().forEach(io.out()::println);
                case "--describe" -> describe(admin, topic, io.out());
                case "--alter" -> alter(admin, topic, partitions, io.out());
                default -> delete(admin, topic, io.out());
            }
        }
        return 0;
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

    private static void describe(SluiceAdmin admin, String only, PrintStream out) {
        List<String> names = only != null ? List.of(only) : new ArrayList<>(admin.listTopics().join());
        if (only != null) {
            TopicCheck.require(admin, only);
        }
        if (names.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> topics = admin.describeTopics(names).join();
        Map<ConfigResource, Map<String, ConfigEntry>> configs = admin.describeConfigs(
                names.stream().map(ConfigResource::topic).toList()).join();
        for (String name : names) {
            TopicDescription t = topics.get(name);
            int replication = t.partitions().isEmpty() ? 0 : t.partitions().get(0).replicas().size();
            // like kafka-topics.sh: only settings made on this topic, not the defaults it inherits
            String overrides = configs.getOrDefault(ConfigResource.topic(name), Map.of()).values().stream()
                    .filter(c -> c.source() == 1).map(c -> c.name() + "=" + c.value()).collect(Collectors.joining(","));
            out.println("Topic: " + name + "\tTopicId: " + kafkaUuid(t.topicId()) + "\tPartitionCount: " + t.partitions().size()
                    + "\tReplicationFactor: " + replication + "\tConfigs: " + overrides);
            for (PartitionDescription p : t.partitions()) {
                out.println("\tTopic: " + name + "\tPartition: " + p.partition() + "\tLeader: "
                        + (p.leader() < 0 ? "none" : p.leader()) + "\tReplicas: " + ids(p.replicas()) + "\tIsr: " + ids(p.isr()));
            }
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

    private static String ids(List<Integer> ids) {
        StringJoiner joined = new StringJoiner(",");
        ids.forEach(id -> joined.add(String.valueOf(id)));
        return joined.toString();
    }

    /** Kafka prints topic ids as URL-safe base64 of the 16 bytes, without padding. */
    static String kafkaUuid(UUID id) {
        if (id == null) {
            return "-";
        }
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
