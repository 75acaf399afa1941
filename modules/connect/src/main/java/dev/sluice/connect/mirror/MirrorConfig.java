package dev.sluice.connect.mirror;

import dev.sluice.connect.api.ConfigException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A {@code mirror.properties} file read with MirrorMaker 2's names: {@code clusters = a, b}, each
 * cluster's client settings as {@code a.bootstrap.servers} (and {@code a.security.protocol},
 * {@code a.sasl.*}, {@code a.ssl.*}; {@code a.producer.*}, {@code a.consumer.*}, {@code a.admin.*} for
 * one kind of client), the flows {@code a->b.enabled = true}, and each flow's settings as
 * {@code a->b.<name>} falling back to the top-level {@code <name>} and then to MirrorMaker 2's default.
 * Every problem is reported at once ({@link ConfigException}). Immutable.
 *
 * @param clusters every cluster named in {@code clusters}, by alias
 * @param flows    the enabled flows, in the order of {@code clusters}
 */
public record MirrorConfig(Map<String, Cluster> clusters, List<Flow> flows) {
    static final String DEFAULT_POLICY = "org.apache.kafka.connect.mirror.DefaultReplicationPolicy";
    static final String IDENTITY_POLICY = "org.apache.kafka.connect.mirror.IdentityReplicationPolicy";
    /** Keys of {@code a.<key>} given to every client of cluster {@code a} (connection and security). */
    private static final List<String> CLIENT_KEYS = List.of("bootstrap.servers", "security.protocol", "sasl.", "ssl.",
            "client.dns.lookup", "request.timeout.ms", "retry.backoff.ms", "reconnect.backoff.", "socket.",
            "metadata.max.age.ms", "connections.max.idle.ms");

    public MirrorConfig {
        clusters = Map.copyOf(clusters);
        flows = List.copyOf(flows);
    }

    /**
     * One cluster's client settings.
     *
     * @param common   for every client ({@code a.bootstrap.servers}, ...)
     * @param producer {@code a.producer.*}, over {@code common}
     * @param consumer {@code a.consumer.*}
     * @param admin    {@code a.admin.*}
     */
    public record Cluster(String alias, Map<String, String> common, Map<String, String> producer,
                          Map<String, String> consumer, Map<String, String> admin) {
        public Cluster {
            common = Map.copyOf(common);
            producer = Map.copyOf(producer);
            consumer = Map.copyOf(consumer);
            admin = Map.copyOf(admin);
        }

        public Properties producerProperties() {
            return merged(producer);
        }

        public Properties consumerProperties() {
            return merged(consumer);
        }

        public Properties adminProperties() {
            return merged(admin);
        }

        private Properties merged(Map<String, String> own) {
            Properties p = new Properties();
            p.putAll(common);
            p.putAll(own);
            return p;
        }
    }

    /**
     * One enabled flow {@code source->target} and its settings (MirrorMaker 2's names).
     *
     * @param topics               {@code topics}: regexes of the source topics copied (default all)
     * @param topicsExclude        {@code topics.exclude}: regexes of topics never copied (default internal ones)
     * @param groups               {@code groups}: consumer groups whose offsets are checkpointed
     * @param groupsExclude        {@code groups.exclude}
     * @param policy               {@code replication.policy.class} and {@code replication.policy.separator}
     * @param configExclude        {@code config.properties.exclude}: topic settings not copied
     * @param syncTopicConfigs     {@code sync.topic.configs.enabled}: keep remote topics' settings equal to the
     *                             source's at each topic refresh (else set at creation only)
     * @param replicationFactor    {@code replication.factor} of the remote topics (-1: the target's default)
     * @param internalReplication  replication factor of the flow's internal topics
     *                             ({@code offset.storage.replication.factor}, -1: the cluster's default)
     * @param refreshTopics        {@code refresh.topics.interval.seconds}: how often new topics are looked for
     * @param offsetFlush          {@code offset.flush.interval.ms}: how often copied positions are committed
     * @param offsetLagMax         {@code offset.lag.max}: an offset sync at least every this many records
     * @param emitCheckpoints      {@code emit.checkpoints.enabled}
     * @param checkpointInterval   {@code emit.checkpoints.interval.seconds}
     * @param syncGroupOffsets     {@code sync.group.offsets.enabled}: also commit translated offsets on the target
     * @param progressInterval     {@code progress.interval.seconds} (Sluice's): how often lag is shown
     */
    public record Flow(String source, String target, Pattern topics, Pattern topicsExclude, Pattern groups,
                       Pattern groupsExclude, ReplicationPolicy policy, Pattern configExclude, boolean syncTopicConfigs,
                       short replicationFactor,
                       short internalReplication, Duration refreshTopics, Duration offsetFlush, long offsetLagMax,
                       boolean emitCheckpoints, Duration checkpointInterval, boolean syncGroupOffsets,
                       Duration progressInterval) {

        public String name() {
            return source + "->" + target;
        }

        /** True if the flow copies {@code topic}: included, not excluded, and not on its way back to the target. */
        public boolean copies(String topic) {
            return topics.matcher(topic).matches() && !topicsExclude.matcher(topic).matches()
                    && !policy.isCycle(topic, target);
        }

        public boolean checkpoints(String group) {
            return groups.matcher(group).matches() && !groupsExclude.matcher(group).matches();
        }

        /** MirrorMaker 2's {@code mm2-offsets.<source>.internal}: the copied positions, on the target. */
        public String offsetsTopic() {
            return "mm2-offsets." + source + ".internal";
        }

        /** MirrorMaker 2's {@code mm2-offset-syncs.<target>.internal}: upstream → downstream offsets, on the source. */
        public String offsetSyncsTopic() {
            return "mm2-offset-syncs." + target + ".internal";
        }

        /** MirrorMaker 2's {@code <source>.checkpoints.internal}: translated group offsets, on the target. */
        public String checkpointsTopic() {
            return source + ".checkpoints.internal";
        }
    }

    /** Reads the settings; throws listing every problem. */
    public static MirrorConfig parse(Map<String, String> settings) {
        Reader r = new Reader(settings);
        List<String> aliases = list(settings.getOrDefault("clusters", ""));
        if (aliases.isEmpty()) {
            r.problems.add("clusters is required (e.g. clusters = a, b)");
        }
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        for (String alias : aliases) {
            clusters.put(alias, cluster(alias, settings, r));
        }
        List<Flow> flows = new ArrayList<>();
        for (String source : aliases) {
            for (String target : aliases) {
                String prefix = source + "->" + target + ".";
                if (!source.equals(target) && Boolean.parseBoolean(settings.getOrDefault(prefix + "enabled", "false").trim())) {
                    flows.add(flow(source, target, r));
                }
            }
        }
        for (String key : settings.keySet()) {
            int arrow = key.indexOf("->");
            int dot = key.indexOf('.', Math.max(arrow, 0));
            if (arrow > 0 && dot > arrow && (!aliases.contains(key.substring(0, arrow))
                    || !aliases.contains(key.substring(arrow + 2, dot)))) {
                r.problems.add(key + ": a flow between clusters not listed in clusters = " + String.join(", ", aliases));
            }
        }
        if (flows.isEmpty() && !aliases.isEmpty()) {
            r.problems.add("no flow is enabled: set e.g. " + aliases.get(0) + "->"
                    + (aliases.size() > 1 ? aliases.get(1) : "b") + ".enabled = true");
        }
        if (!r.problems.isEmpty()) {
            throw new ConfigException(r.problems);
        }
        return new MirrorConfig(clusters, flows);
    }

    private static Cluster cluster(String alias, Map<String, String> settings, Reader r) {
        Map<String, String> common = new LinkedHashMap<>();
        Map<String, String> producer = new LinkedHashMap<>();
        Map<String, String> consumer = new LinkedHashMap<>();
        Map<String, String> admin = new LinkedHashMap<>();
        String prefix = alias + ".";
        settings.forEach((key, value) -> {
            if (!key.startsWith(prefix)) {
                return;
            }
            String rest = key.substring(prefix.length());
            if (rest.startsWith("producer.")) {
                producer.put(rest.substring("producer.".length()), value.trim());
            } else if (rest.startsWith("consumer.")) {
                consumer.put(rest.substring("consumer.".length()), value.trim());
            } else if (rest.startsWith("admin.")) {
                admin.put(rest.substring("admin.".length()), value.trim());
            } else if (CLIENT_KEYS.stream().anyMatch(k -> k.endsWith(".") ? rest.startsWith(k) : rest.equals(k))) {
                common.put(rest, value.trim());
            }
        });
        if (common.getOrDefault("bootstrap.servers", "").isBlank()) {
            r.problems.add(alias + ".bootstrap.servers is required (cluster " + alias + " is listed in clusters)");
        }
        return new Cluster(alias, common, producer, consumer, admin);
    }

    private static Flow flow(String source, String target, Reader settings) {
        FlowReader r = new FlowReader(settings, source + "->" + target + ".");
        ReplicationPolicy policy = null;
        String policyClass = r.get("replication.policy.class", DEFAULT_POLICY);
        String separator = r.get("replication.policy.separator", ".");
        if (policyClass.equals(DEFAULT_POLICY) || policyClass.equals("DefaultReplicationPolicy")) {
            if (separator.isEmpty()) {
                r.problem("replication.policy.separator must not be empty");
            } else {
                policy = new ReplicationPolicy.Prefixed(separator);
            }
        } else if (policyClass.equals(IDENTITY_POLICY) || policyClass.equals("IdentityReplicationPolicy")) {
            policy = new ReplicationPolicy.Identity();
        } else {
            r.problem("replication.policy.class " + policyClass + " is not supported (use " + DEFAULT_POLICY
                    + " or " + IDENTITY_POLICY + ")");
        }
        return new Flow(source, target,
                r.patterns("topics", ".*"),
                r.patterns("topics.exclude", r.get("topics.blacklist", ".*[\\-\\.]internal, .*\\.replica, __.*")),
                r.patterns("groups", ".*"),
                r.patterns("groups.exclude", r.get("groups.blacklist", "console-consumer-.*, connect-.*, __.*")),
                policy,
                r.patterns("config.properties.exclude", "follower\\.replication\\.throttled\\.replicas, "
                        + "leader\\.replication\\.throttled\\.replicas, message\\.timestamp\\.difference\\.max\\.ms, "
                        + "message\\.timestamp\\.type, unclean\\.leader\\.election\\.enable, min\\.insync\\.replicas"),
                r.bool("sync.topic.configs.enabled", true),
                (short) r.number("replication.factor", -1, -1, Short.MAX_VALUE),
                (short) r.number("offset.storage.replication.factor", -1, -1, Short.MAX_VALUE),
                Duration.ofSeconds(r.number("refresh.topics.interval.seconds", 600, 1, Integer.MAX_VALUE)),
                Duration.ofMillis(r.number("offset.flush.interval.ms", 10_000, 1, Integer.MAX_VALUE)),
                r.number("offset.lag.max", 100, 1, Long.MAX_VALUE),
                r.bool("emit.checkpoints.enabled", true),
                Duration.ofSeconds(r.number("emit.checkpoints.interval.seconds", 60, 1, Integer.MAX_VALUE)),
                r.bool("sync.group.offsets.enabled", false),
                Duration.ofSeconds(r.number("progress.interval.seconds", 10, 1, Integer.MAX_VALUE)));
    }

    /** Comma-separated items, trimmed, empty ones dropped. */
    static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The settings and the problems found so far. */
    private record Reader(Map<String, String> settings, List<String> problems) {
        Reader(Map<String, String> settings) {
            this(settings, new ArrayList<>());
        }
    }

    /** A flow's settings: {@code a->b.<name>}, else {@code <name>}, else the default. */
    private record FlowReader(Reader reader, String prefix) {
        String get(String name, String fallback) {
            String v = reader.settings.get(prefix + name);
            if (v == null) {
                v = reader.settings.get(name);
            }
            return v == null ? fallback : v.trim();
        }

        String flowName() {
            return prefix.substring(0, prefix.length() - 1);
        }

        void problem(String message) {
            reader.problems.add("flow " + flowName() + ": " + message);
        }

        /** Comma-separated regexes as one pattern matching any of them; none matches nothing. */
        Pattern patterns(String name, String fallback) {
            List<String> items = list(get(name, fallback));
            if (items.isEmpty()) {
                return Pattern.compile("(?!)");
            }
            try {
                return Pattern.compile(String.join("|", items.stream().map(s -> "(?:" + s + ")").toList()));
            } catch (PatternSyntaxException e) {
                problem(name + " is not a regular expression: " + e.getDescription() + " in " + e.getPattern());
                return Pattern.compile("(?!)");
            }
        }

        long number(String name, long fallback, long min, long max) {
            String v = get(name, Long.toString(fallback));
            try {
                long n = Long.parseLong(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(name + " '" + v + "' is not a number between " + min + " and " + max);
            return fallback;
        }

        boolean bool(String name, boolean fallback) {
            String v = get(name, Boolean.toString(fallback));
            if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                problem(name + " '" + v + "' is not true or false");
                return fallback;
            }
            return Boolean.parseBoolean(v);
        }
    }
}
