package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigNames;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.broker.network.Endpoint;
import dev.sluice.broker.network.ListenerSecurity;
import dev.sluice.broker.network.SslPrincipalMapper;
import dev.sluice.protocol.tls.TlsSettings;
import dev.sluice.broker.network.SocketServerConfig;
import dev.sluice.broker.security.sasl.SaslSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The broker's settings, typed: parsed from raw text against the definitions in
 * {@link BrokerConfigDef} (Kafka's names and defaults where the meaning is Kafka's) and the
 * settings installed plugins declare ({@link PluginSettings}), from a properties file plus
 * command-line overrides ({@link ConfigSources}) and the dynamic overrides in effect
 * ({@link DynamicBrokerConfig}). Every problem (unknown key, with the closest known names; bad value)
 * is reported at once in a {@link ConfigException}. How DescribeConfigs reports the settings is
 * {@link BrokerConfigDescription}'s. Immutable; any thread.
 *
 * <p>Choices of our own: a listener bound to a wildcard host (empty, {@code 0.0.0.0}, {@code ::})
 * is advertised as {@code localhost} unless {@code advertised.listeners} says otherwise; an
 * advertised port 0 means "the port the listener bound" ({@link #advertisedListeners(List)}).
 * A plugin's settings are accepted only if an installed plugin declares them. Well-known Kafka keys that mean nothing here
 * ({@link KafkaBrokerKeys}) are accepted and listed in {@link #ignoredKeys()} so the broker can
 * warn; security settings are refused.
 */
public final class BrokerConfig {

    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);
    private static final long MINUTE_MS = TimeUnit.MINUTES.toMillis(1);

    private final Map<String, String> originals;
    /** Dynamic overrides (AlterConfigs on the BROKER resource), kept in the cluster metadata store. */
    private final Map<String, String> dynamicDefault;
    private final Map<String, String> dynamicBroker;
    private final ConfigValues values;
    private final ConfigValues pluginValues;
    private final Set<String> ignoredKeys;
    private final List<Endpoint> listeners;
    private final List<Endpoint> advertisedListeners;
    private final String interBrokerListener;
    private final List<Path> logDirs;
    private final long logRetentionMs;
    private final long logRollMs;
    private final SocketServerConfig socketServer;
    private final SaslSettings sasl;

    private BrokerConfig(Map<String, String> raw) {
        this(raw, Map.of(), Map.of());
    }

    /**
     * @param raw            the static settings (properties file and command line)
     * @param dynamicDefault the cluster-wide dynamic overrides ({@code /config/brokers/<default>})
     * @param dynamicBroker  this broker's dynamic overrides ({@code /config/brokers/<id>}); Kafka's
     *                       precedence: per broker over cluster default over static
     */
    private BrokerConfig(Map<String, String> staticRaw, Map<String, String> dynamicDefault, Map<String, String> dynamicBroker) {
        List<String> list = new ArrayList<>();
        Problems problems = new Problems(list);
        originals = Map.copyOf(staticRaw);
        this.dynamicDefault = Map.copyOf(dynamicDefault);
        this.dynamicBroker = Map.copyOf(dynamicBroker);
        Map<String, String> raw = new LinkedHashMap<>(staticRaw);
        raw.putAll(dynamicDefault);
        raw.putAll(dynamicBroker);
        values = BrokerConfigDef.DEF.parse(raw, list);
        ConfigDef plugins = PluginSettings.installed(list);
        pluginValues = plugins.parse(raw, list);

        List<String> mapItems = values.getList("listener.security.protocol.map");
        Map<String, SecurityProtocol> protocols = Listeners.protocolMap(problems, mapItems == null ? List.of() : mapItems);
        List<String> listenerItems = values.getList("listeners");
        listeners = Listeners.parse(problems, "listeners", listenerItems == null ? List.of() : listenerItems, protocols);
        List<Endpoint> advertised = values.isSet("advertised.listeners")
                ? Listeners.parse(problems, "advertised.listeners", values.getList("advertised.listeners"), protocols)
                : Listeners.defaultAdvertised(listeners);
        Listeners.checkAdvertised(problems, advertised, listeners);
        advertisedListeners = advertised;
        interBrokerListener = Listeners.interBroker(problems, values.getString("inter.broker.listener.name"),
                values.getString("security.inter.broker.protocol"), values.isSet("security.inter.broker.protocol"), advertised);

        // Kafka: log.dirs wins over log.dir
        List<String> dirs = values.isSet("log.dirs") ? values.getList("log.dirs") : List.of(values.getString("log.dir"));
        if (dirs.isEmpty()) {
            problems.problem("log.dirs", "", "at least one directory");
        }
        logDirs = dirs.stream().map(Path::of).toList();
        logRetentionMs = retentionMs(values);
        logRollMs = rollMs(values);
        if (groupMaxSessionTimeoutMs() < groupMinSessionTimeoutMs()) {
            problems.problem("group.max.session.timeout.ms", Integer.toString(groupMaxSessionTimeoutMs()),
                    "at least group.min.session.timeout.ms (" + groupMinSessionTimeoutMs() + ")");
        }
        if (values.getInt("replica.socket.timeout.ms") < values.getInt("replica.fetch.wait.max.ms")) {
            // as Kafka: a follower's fetch parked at the leader for up to the wait must not time out first
            problems.problem("replica.socket.timeout.ms", Integer.toString(values.getInt("replica.socket.timeout.ms")),
                    "at least replica.fetch.wait.max.ms (" + values.getInt("replica.fetch.wait.max.ms") + ")");
        }
        if (zookeeperConnect().isPresent() && !"log".equals(offsetsStore())) {
            // a group's coordinator moves with the leadership of its partition of __consumer_offsets
            problems.problem("offsets.store=" + offsetsStore() + " keeps committed offsets on this broker only, but in a "
                    + "cluster (zookeeper.connect is set) a group's coordinator moves between brokers with the leadership "
                    + "of its __consumer_offsets partition, so another broker would not see the group's offsets: "
                    + "set offsets.store=log (the default) or remove zookeeper.connect");
        }
        SslPrincipalMapper principalMapper = SslPrincipalMapper.DEFAULT;
        try {
            principalMapper = SslPrincipalMapper.parse(values.getString("ssl.principal.mapping.rules"));
        } catch (IllegalArgumentException e) {
            problems.problem("ssl.principal.mapping.rules", values.getString("ssl.principal.mapping.rules"), e.getMessage());
        }
        boolean tls = listeners.stream().anyMatch(l -> l.securityProtocol().usesTls());
        if (tls && values.getString("ssl.keystore.location") == null) {
            problems.problem("ssl.keystore.location is required with a TLS listener (SSL, SASL_SSL): the broker's key and "
                    + "certificate");
        }
        ListenerSecurity listenerSecurity = new ListenerSecurity(tls ? TlsSettings.from(values) : null, principalMapper);
        socketServer = listeners.isEmpty() ? null : socketServerConfig(values, listeners, listenerSecurity); // empty: already reported
        sasl = SaslSettings.parse(raw, listeners.stream().filter(e -> e.securityProtocol().usesSasl())
                .map(Endpoint::listenerName).collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)),
                zookeeperConnect().isPresent() ? interBrokerListener : null, list); // a single node never logs in to itself

        // a defined setting wins over the list of Kafka keys without effect (e.g. once one is implemented)
        ignoredKeys = Set.copyOf(raw.keySet().stream()
                .filter(k -> KafkaBrokerKeys.NOT_APPLICABLE.contains(k) && !BrokerConfigDef.DEF.contains(k)).toList());
        Set<String> known = new TreeSet<>(KafkaBrokerKeys.NOT_APPLICABLE);
        BrokerConfigDef.DEF.keys().forEach(k -> known.add(k.name()));
        plugins.keys().forEach(k -> known.add(k.name()));
        for (String key : new TreeSet<>(raw.keySet())) {
            if (known.contains(key) || SaslSettings.isListenerKey(key)) {
                continue;
            }
            String security = KafkaBrokerKeys.securityProblem(key);
            list.add(security != null ? security : ConfigNames.unknownKey(key, known));
        }
        if (!list.isEmpty()) {
            throw new ConfigException(list);
        }
    }

    /** Kafka's precedence: {@code log.retention.ms}, else {@code .minutes}, else {@code .hours}; negative = forever. */
    private static long retentionMs(ConfigValues v) {
        long result = v.isSet("log.retention.ms") ? v.getLong("log.retention.ms")
                : v.isSet("log.retention.minutes") ? v.getInt("log.retention.minutes") * MINUTE_MS
                : v.getInt("log.retention.hours") * HOUR_MS;
        return result < 0 ? -1 : result;
    }

    /** {@code log.roll.ms}, else {@code log.roll.hours} (168). */
    private static long rollMs(ConfigValues v) {
        return v.isSet("log.roll.ms") ? v.getLong("log.roll.ms") : v.getInt("log.roll.hours") * HOUR_MS;
    }

    private static SocketServerConfig socketServerConfig(ConfigValues v, List<Endpoint> listeners, ListenerSecurity security) {
        return new SocketServerConfig(listeners, v.getInt("num.network.threads"), v.getInt("num.io.threads"),
                v.getInt("queued.max.requests"), v.getLong("queued.max.request.bytes"),
                v.getInt("max.inflight.requests.per.connection"), v.getInt("socket.request.max.bytes"),
                v.getLong("connections.max.idle.ms"), v.getInt("max.connections"), v.getInt("socket.send.buffer.bytes"),
                v.getInt("socket.receive.buffer.bytes"), v.getLong("network.shutdown.timeout.ms"),
                v.getLong("socket.request.receive.timeout.ms"), security);
    }

    // ---- construction ----

    /** From raw settings (Kafka names). */
    public static BrokerConfig of(Map<String, String> settings) {
        return new BrokerConfig(settings);
    }

    /** From a properties file alone. */
    public static BrokerConfig load(Path propertiesFile) {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = ConfigSources.load(propertiesFile, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new BrokerConfig(values);
    }

    /**
     * From the command line: {@code [server.properties] [--override key=value | key=value]...};
     * overrides win over the file.
     */
    public static BrokerConfig fromArgs(String... args) {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = ConfigSources.fromArgs(Arrays.asList(args), problems);
        BrokerConfig config = null;
        try {
            config = new BrokerConfig(values);
        } catch (ConfigException e) {
            problems.addAll(e.problems());
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return config;
    }

    /**
     * This configuration with dynamic overrides in place of the current ones (Kafka's merge: the
     * static settings, overridden by the cluster default, overridden by the broker's own). Only
     * dynamic settings belong there; the caller checks that.
     *
     * @throws ConfigException if a value is invalid, alone or with the others
     */
    public BrokerConfig withDynamic(Map<String, String> clusterDefault, Map<String, String> perBroker) {
        return new BrokerConfig(originals, clusterDefault, perBroker);
    }

    /** The cluster-wide dynamic overrides in effect. */
    public Map<String, String> dynamicDefault() {
        return dynamicDefault;
    }

    /** This broker's own dynamic overrides in effect. */
    public Map<String, String> dynamicBroker() {
        return dynamicBroker;
    }

    // ---- derived configurations ----

    /** The log settings topics get unless they override them. */
    public LogConfig defaultLogConfig() {
        return new LogConfig(logSegmentBytes(), logRollMs, logRetentionMs, logRetentionBytes(), logFlushIntervalMessages(),
                logFlushIntervalMs(), values.getInt("log.index.interval.bytes"), values.getInt("log.index.size.max.bytes"),
                values.getLong("log.segment.delete.delay.ms"));
    }

    public SocketServerConfig socketServerConfig() {
        return socketServer;
    }

    /**
     * The {@code ssl.*} settings this broker uses as a client of the other brokers (replica fetchers,
     * controller channels, transaction markers) when the inter-broker listener is a TLS one.
     */
    public TlsSettings interBrokerTls() {
        return TlsSettings.from(values);
    }

    /** Advertised listeners with port 0 replaced by the port the same-named listener actually bound. */
    public List<Endpoint> advertisedListeners(List<Endpoint> bound) {
        return advertisedListeners.stream().map(a -> a.port() != 0 ? a : bound.stream()
                .filter(b -> b.listenerName().equals(a.listenerName())).findFirst()
                .map(b -> a.withPort(b.port())).orElse(a)).toList();
    }

    // ---- the typed view ----

    /** Every setting as given, including ones only a plugin understands. */
    public Map<String, String> originals() {
        return originals;
    }

    /** The broker settings, parsed (given or default), for DescribeConfigs. */
    public ConfigValues values() {
        return values;
    }

    /** The installed plugins' declared settings, parsed. */
    public ConfigValues pluginValues() {
        return pluginValues;
    }

    /** Kafka keys that were set but have no effect here. */
    public Set<String> ignoredKeys() {
        return ignoredKeys;
    }

    /** {@code broker.id} if set (Kafka's ZooKeeper-mode name), else {@code node.id}. */
    public int nodeId() {
        Object brokerId = values.get("broker.id");
        return brokerId != null ? (Integer) brokerId : values.getInt("node.id");
    }

    /** {@code zookeeper.session.timeout.ms}. */
    public int zookeeperSessionTimeoutMs() {
        return values.getInt("zookeeper.session.timeout.ms");
    }

    /** {@code zookeeper.connect}: set, this broker is part of a cluster coordinated through ZooKeeper. */
    public java.util.Optional<String> zookeeperConnect() {
        String connect = values.getString("zookeeper.connect");
        return connect == null || connect.isBlank() ? java.util.Optional.empty() : java.util.Optional.of(connect);
    }

    public java.util.Optional<String> brokerRack() {
        return java.util.Optional.ofNullable(values.getString("broker.rack"));
    }

    /** The configured cluster id, or null to generate one (and persist it) on first start. */
    public String clusterId() {
        return values.getString("cluster.id");
    }

    /** The SASL listeners' login rules and the SASL settings. */
    public SaslSettings sasl() {
        return sasl;
    }

    public List<Endpoint> listeners() {
        return listeners;
    }

    public List<Endpoint> advertisedListeners() {
        return advertisedListeners;
    }

    /**
     * The listener other brokers reach this one on ({@code inter.broker.listener.name}, else the one named
     * after {@code security.inter.broker.protocol}, else the first advertised listener).
     */
    public String interBrokerListener() {
        return interBrokerListener;
    }

    /** The advertised endpoint of the inter-broker listener, with port 0 resolved against {@code bound}. */
    public Endpoint interBrokerEndpoint(List<Endpoint> bound) {
        return advertisedListeners(bound).stream().filter(e -> e.listenerName().equals(interBrokerListener))
                .findFirst().orElseThrow();
    }

    public List<Path> logDirs() {
        return logDirs;
    }

    /** Name of the {@link dev.sluice.api.storage.LogStorageProvider} to use. */
    public String logStorage() {
        return values.getString("log.storage");
    }

    public int numPartitions() {
        return values.getInt("num.partitions");
    }

    public short defaultReplicationFactor() {
        return values.getShort("default.replication.factor");
    }

    /** {@code controlled.shutdown.enable}: in a cluster, move leadership away before stopping. */
    public boolean controlledShutdownEnable() {
        return values.getBoolean("controlled.shutdown.enable");
    }

    public int controlledShutdownMaxRetries() {
        return values.getInt("controlled.shutdown.max.retries");
    }

    public long controlledShutdownRetryBackoffMs() {
        return values.getLong("controlled.shutdown.retry.backoff.ms");
    }

    public boolean autoLeaderRebalanceEnable() {
        return values.getBoolean("auto.leader.rebalance.enable");
    }

    public long leaderImbalanceCheckIntervalMs() {
        return java.util.concurrent.TimeUnit.SECONDS.toMillis(values.getLong("leader.imbalance.check.interval.seconds"));
    }

    public int leaderImbalancePerBrokerPercentage() {
        return values.getInt("leader.imbalance.per.broker.percentage");
    }

    /** The broker default of {@code unclean.leader.election.enable} (a topic may override it). */
    public boolean uncleanLeaderElectionEnable() {
        return values.getBoolean("unclean.leader.election.enable");
    }

    /** Effective retention after Kafka's ms / minutes / hours precedence; -1 = forever. */
    public long logRetentionMs() {
        return logRetentionMs;
    }

    public long logRetentionBytes() {
        return values.getLong("log.retention.bytes");
    }

    public int logSegmentBytes() {
        return values.getInt("log.segment.bytes");
    }

    /** Effective roll interval after {@code log.roll.ms} / {@code log.roll.hours} precedence. */
    public long logRollMs() {
        return logRollMs;
    }

    public long logFlushIntervalMessages() {
        return values.getLong("log.flush.interval.messages");
    }

    public long logFlushIntervalMs() {
        return values.getLong("log.flush.interval.ms");
    }

    public long logRetentionCheckIntervalMs() {
        return values.getLong("log.retention.check.interval.ms");
    }

    public TimestampType logMessageTimestampType() {
        return "LogAppendTime".equalsIgnoreCase(values.getString("log.message.timestamp.type"))
                ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
    }

    public int messageMaxBytes() {
        return values.getInt("message.max.bytes");
    }

    public long logMessageTimestampBeforeMaxMs() {
        return values.getLong("log.message.timestamp.before.max.ms");
    }

    public long logMessageTimestampAfterMaxMs() {
        return values.getLong("log.message.timestamp.after.max.ms");
    }

    public boolean autoCreateTopicsEnable() {
        return values.getBoolean("auto.create.topics.enable");
    }

    /** The follower's replica fetcher settings (issue #11). */
    public dev.sluice.broker.replica.ReplicaFetchSettings replicaFetchSettings() {
        return new dev.sluice.broker.replica.ReplicaFetchSettings(values.getInt("num.replica.fetchers"),
                values.getInt("replica.fetch.wait.max.ms"), values.getInt("replica.fetch.min.bytes"),
                values.getInt("replica.fetch.max.bytes"), values.getInt("replica.fetch.response.max.bytes"),
                values.getInt("replica.fetch.backoff.ms"), values.getInt("replica.socket.timeout.ms"));
    }

    /** {@code max.broker.partitions}: creating topics or partitions past it is refused (POLICY_VIOLATION). */
    public int maxBrokerPartitions() {
        return values.getInt("max.broker.partitions");
    }

    public boolean deleteTopicEnable() {
        return values.getBoolean("delete.topic.enable");
    }

    public int groupInitialRebalanceDelayMs() {
        return values.getInt("group.initial.rebalance.delay.ms");
    }

    public int offsetsRetentionMinutes() {
        return values.getInt("offsets.retention.minutes");
    }

    public int offsetsTopicNumPartitions() {
        return values.getInt("offsets.topic.num.partitions");
    }

    /** Replication factor of {@code __consumer_offsets} when a cluster creates it. */
    public short offsetsTopicReplicationFactor() {
        return (short) values.getInt("offsets.topic.replication.factor");
    }

    /** How long a commit waits for the in-sync replicas of its {@code __consumer_offsets} partition. */
    public int offsetsCommitTimeoutMs() {
        return values.getInt("offsets.commit.timeout.ms");
    }

    /** Name of the {@link dev.sluice.api.offset.OffsetStoreProvider} that keeps committed offsets. */
    public String offsetsStore() {
        return values.getString("offsets.store");
    }

    public long offsetsRetentionCheckIntervalMs() {
        return values.getLong("offsets.retention.check.interval.ms");
    }

    /** Segment size of {@code __consumer_offsets}, and the bytes appended to a partition of it that trigger a snapshot. */
    public int offsetsTopicSegmentBytes() {
        return values.getInt("offsets.topic.segment.bytes");
    }

    /** Sluice's own: a partition of {@code __consumer_offsets} written to is snapshotted at least this often. */
    public long offsetsSnapshotIntervalMs() {
        return values.getLong("offsets.snapshot.interval.ms");
    }

    public int offsetMetadataMaxBytes() {
        return values.getInt("offset.metadata.max.bytes");
    }

    public int groupMinSessionTimeoutMs() {
        return values.getInt("group.min.session.timeout.ms");
    }

    public int groupMaxSessionTimeoutMs() {
        return values.getInt("group.max.session.timeout.ms");
    }
}
