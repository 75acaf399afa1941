package dev.sluice.broker.config;

import dev.sluice.api.offset.OffsetStoreProvider;
import dev.sluice.api.record.TimestampType;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorageProviders;
import dev.sluice.broker.network.Endpoint;
import dev.sluice.broker.network.SocketServerConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The broker's settings: Kafka's names and defaults where the meaning is the same. Built from a
 * properties file plus command-line overrides; every problem (unknown key, bad value) is reported
 * at once in a {@link ConfigException}.
 *
 * <p>Choices of our own: a listener bound to a wildcard host (empty, {@code 0.0.0.0}, {@code ::})
 * is advertised as {@code localhost} unless {@code advertised.listeners} says otherwise; an
 * advertised port 0 means "the port the listener bound" ({@link #advertisedListeners(List)}).
 * Keys starting with {@code log.storage.} or with the name of an installed log storage or offset
 * store and a dot ({@code lmdb.map.size}) are passed through to those plugins via
 * {@link #originals()}: a topic may pick a storage engine other than the default. A few Kafka keys that a stock {@code server.properties} carries but that
 * mean nothing here are accepted and listed in {@link #ignoredKeys()} so the broker can warn.
 */
public final class BrokerConfig {

    /** Kafka keys accepted for compatibility with stock configuration files, without effect. */
    static final Set<String> IGNORED_KAFKA_KEYS = Set.of(
            "num.recovery.threads.per.data.dir", "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor", "transaction.state.log.min.isr",
            "process.roles", "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "controller.listener.names", "inter.broker.listener.name", "listener.security.protocol.map",
            "zookeeper.connect", "zookeeper.connection.timeout.ms", "share.coordinator.state.topic.replication.factor",
            "share.coordinator.state.topic.min.isr");

    /** Partitions one broker may hold: Kafka's per-request creation cap, 2.5 times its per-broker advice (4,000). */
    public static final int DEFAULT_MAX_BROKER_PARTITIONS = 10_000;
    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);
    private static final long MINUTE_MS = TimeUnit.MINUTES.toMillis(1);

    private final Map<String, String> originals;
    private final Set<String> ignoredKeys;
    private final int nodeId;
    private final String clusterId;
    private final List<Endpoint> listeners;
    private final List<Endpoint> advertisedListeners;
    private final List<Path> logDirs;
    private final String logStorage;
    private final int numPartitions;
    private final short defaultReplicationFactor;
    private final long logRetentionMs;
    private final long logRetentionBytes;
    private final int logSegmentBytes;
    private final long logRollMs;
    private final long logFlushIntervalMessages;
    private final long logFlushIntervalMs;
    private final long logRetentionCheckIntervalMs;
    private final int logIndexIntervalBytes;
    private final int logIndexSizeMaxBytes;
    private final TimestampType logMessageTimestampType;
    private final int messageMaxBytes;
    private final long logMessageTimestampBeforeMaxMs;
    private final long logMessageTimestampAfterMaxMs;
    private final boolean autoCreateTopicsEnable;
    private final boolean deleteTopicEnable;
    private final int maxBrokerPartitions;
    private final int groupInitialRebalanceDelayMs;
    private final int offsetsRetentionMinutes;
    private final int offsetsTopicNumPartitions;
    private final String offsetsStore;
    private final long offsetsRetentionCheckIntervalMs;
    private final int offsetsTopicSegmentBytes;
    private final long offsetsSnapshotIntervalMs;
    private final int offsetMetadataMaxBytes;
    private final int groupMinSessionTimeoutMs;
    private final int groupMaxSessionTimeoutMs;
    private final SocketServerConfig socketServer;

    private BrokerConfig(Map<String, String> values) {
        List<String> problems = new ArrayList<>();
        ConfigReader r = new ConfigReader(values, problems);
        originals = Map.copyOf(values);

        nodeId = r.intValue("node.id", 0, 0);
        clusterId = r.raw("cluster.id"); // null: generated and persisted on first start
        listeners = Listeners.parse(r, "listeners", r.list("listeners", List.of("PLAINTEXT://localhost:9092")));
        List<Endpoint> advertised = r.isSet("advertised.listeners")
                ? Listeners.parse(r, "advertised.listeners", r.list("advertised.listeners", List.of()))
                : Listeners.defaultAdvertised(listeners);
        Listeners.checkAdvertised(r, advertised, listeners);
        advertisedListeners = advertised;

        String legacyDir = r.string("log.dir", "./data"); // Kafka: log.dirs wins over log.dir
        List<String> dirs = r.isSet("log.dirs") ? r.list("log.dirs", List.of()) : List.of(legacyDir);
        if (dirs.isEmpty()) {
            r.problem("log.dirs", "", "at least one directory");
        }
        logDirs = dirs.stream().map(Path::of).toList();
        logStorage = r.string("log.storage", "file");
        numPartitions = r.intValue("num.partitions", 1, 1);
        defaultReplicationFactor = (short) r.longValue("default.replication.factor", 1, 1, Short.MAX_VALUE);

        logRetentionMs = retentionMs(r);
        logRetentionBytes = r.longOrMinusOne("log.retention.bytes", -1, 0, Long.MAX_VALUE);
        logSegmentBytes = r.intValue("log.segment.bytes", LogConfig.DEFAULT_SEGMENT_BYTES, 1024);
        logRollMs = rollMs(r);
        logFlushIntervalMessages = r.longValue("log.flush.interval.messages", Long.MAX_VALUE, 1);
        logFlushIntervalMs = r.longValue("log.flush.interval.ms", Long.MAX_VALUE, 0);
        logRetentionCheckIntervalMs = r.longValue("log.retention.check.interval.ms", 5 * MINUTE_MS, 1);
        logIndexIntervalBytes = r.intValue("log.index.interval.bytes", LogConfig.DEFAULT_INDEX_INTERVAL_BYTES, 0);
        logIndexSizeMaxBytes = r.intValue("log.index.size.max.bytes", LogConfig.DEFAULT_MAX_INDEX_BYTES, 64);
        logMessageTimestampType = "LogAppendTime".equals(
                r.choice("log.message.timestamp.type", "CreateTime", List.of("CreateTime", "LogAppendTime")))
                ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME;
        messageMaxBytes = r.intValue("message.max.bytes", 1048588, 0);
        // Kafka 4.x defaults: any age, at most one hour ahead (a far-future timestamp would keep a segment from retention)
        logMessageTimestampBeforeMaxMs = r.longValue("log.message.timestamp.before.max.ms", Long.MAX_VALUE, 0);
        logMessageTimestampAfterMaxMs = r.longValue("log.message.timestamp.after.max.ms", 3_600_000L, 0);
        autoCreateTopicsEnable = r.bool("auto.create.topics.enable", true);
        deleteTopicEnable = r.bool("delete.topic.enable", true);
        // KIP-578's name (proposed, not in Kafka 3.x/4.x, which have no such limit)
        maxBrokerPartitions = r.intValue("max.broker.partitions", DEFAULT_MAX_BROKER_PARTITIONS, 1);

        groupInitialRebalanceDelayMs = r.intValue("group.initial.rebalance.delay.ms", 3000, 0);
        offsetsRetentionMinutes = r.intValue("offsets.retention.minutes", 10080, 1);
        offsetsTopicNumPartitions = r.intValue("offsets.topic.num.partitions", 5, 1);
        offsetsStore = r.string("offsets.store", "log");
        offsetsRetentionCheckIntervalMs = r.longValue("offsets.retention.check.interval.ms", 10 * MINUTE_MS, 1);
        // Kafka's default is 100 MiB; smaller segments let snapshots of the live offsets free space sooner
        offsetsTopicSegmentBytes = r.intValue("offsets.topic.segment.bytes", 16 * 1024 * 1024, 1024);
        offsetsSnapshotIntervalMs = r.longValue("offsets.snapshot.interval.ms", HOUR_MS, 1);
        offsetMetadataMaxBytes = r.intValue("offset.metadata.max.bytes", 4096, 0);
        groupMinSessionTimeoutMs = r.intValue("group.min.session.timeout.ms", 6000, 1);
        groupMaxSessionTimeoutMs = r.intValue("group.max.session.timeout.ms", 1800000, 1);
        if (groupMaxSessionTimeoutMs < groupMinSessionTimeoutMs) {
            r.problem("group.max.session.timeout.ms", Integer.toString(groupMaxSessionTimeoutMs),
                    "at least group.min.session.timeout.ms (" + groupMinSessionTimeoutMs + ")");
        }

        socketServer = socketServerConfig(r, listeners);

        IGNORED_KAFKA_KEYS.forEach(r::accept);
        List<String> pluginPrefixes = pluginSettingPrefixes(logStorage);
        values.keySet().stream().filter(k -> pluginPrefixes.stream().anyMatch(k::startsWith)).forEach(r::accept);
        ignoredKeys = Set.copyOf(values.keySet().stream().filter(IGNORED_KAFKA_KEYS::contains).toList());
        for (String unknown : r.unreadKeys()) {
            problems.add(unknown + ": unknown configuration key (value '" + values.get(unknown) + "')");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    /** Kafka's precedence: {@code log.retention.ms}, else {@code .minutes}, else {@code .hours}; negative = forever. */
    private static long retentionMs(ConfigReader r) {
        // all three are read, so a shadowed one is still validated
        Long ms = r.optionalLong("log.retention.ms", -1, Long.MAX_VALUE);
        Long minutes = r.optionalLong("log.retention.minutes", -1, Integer.MAX_VALUE);
        Long hours = r.optionalLong("log.retention.hours", -1, Integer.MAX_VALUE);
        long result = ms != null ? ms
                : minutes != null ? minutes * MINUTE_MS
                : (hours != null ? hours : 168) * HOUR_MS;
        return result < 0 ? -1 : result;
    }

    /** {@code log.roll.ms}, else {@code log.roll.hours} (168). */
    private static long rollMs(ConfigReader r) {
        Long ms = r.optionalLong("log.roll.ms", 1, Long.MAX_VALUE);
        Long hours = r.optionalLong("log.roll.hours", 1, Integer.MAX_VALUE);
        return ms != null ? ms : (hours != null ? hours : 168) * HOUR_MS;
    }

    private static SocketServerConfig socketServerConfig(ConfigReader r, List<Endpoint> listeners) {
        int networkThreads = r.intValue("num.network.threads", SocketServerConfig.DEFAULT_NETWORK_THREADS, 1);
        int ioThreads = r.intValue("num.io.threads", SocketServerConfig.DEFAULT_IO_THREADS, 1);
        int queuedMaxRequests = r.intValue("queued.max.requests", SocketServerConfig.DEFAULT_QUEUED_MAX_REQUESTS, 1);
        long queuedMaxRequestBytes = r.longOrMinusOne("queued.max.request.bytes",
                SocketServerConfig.defaultQueuedMaxRequestBytes(), 1, Long.MAX_VALUE);
        int maxInFlight = r.intValue("max.inflight.requests.per.connection",
                SocketServerConfig.DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION, 1);
        int maxRequestBytes = r.intValue("socket.request.max.bytes", SocketServerConfig.DEFAULT_MAX_REQUEST_BYTES, 1);
        long idleMs = r.longValue("connections.max.idle.ms", SocketServerConfig.DEFAULT_CONNECTIONS_MAX_IDLE_MS, 1);
        int maxConnections = r.intValue("max.connections", Integer.MAX_VALUE, 1);
        int sendBuffer = (int) r.longOrMinusOne("socket.send.buffer.bytes",
                SocketServerConfig.DEFAULT_SOCKET_BUFFER_BYTES, 1, Integer.MAX_VALUE);
        int receiveBuffer = (int) r.longOrMinusOne("socket.receive.buffer.bytes",
                SocketServerConfig.DEFAULT_SOCKET_BUFFER_BYTES, 1, Integer.MAX_VALUE);
        long shutdownMs = r.longValue("network.shutdown.timeout.ms", SocketServerConfig.DEFAULT_SHUTDOWN_TIMEOUT_MS, 0);
        long receiveTimeoutMs = r.longValue("socket.request.receive.timeout.ms",
                SocketServerConfig.DEFAULT_REQUEST_RECEIVE_TIMEOUT_MS, 1);
        if (listeners.isEmpty()) {
            return null; // already reported
        }
        return new SocketServerConfig(listeners, networkThreads, ioThreads, queuedMaxRequests, queuedMaxRequestBytes,
                maxInFlight, maxRequestBytes, idleMs, maxConnections, sendBuffer, receiveBuffer, shutdownMs, receiveTimeoutMs);
    }

    /** {@code log.storage.} and {@code <name>.} of every installed log storage and offset store. */
    private static List<String> pluginSettingPrefixes(String logStorage) {
        Set<String> prefixes = new TreeSet<>(List.of("log.storage.", logStorage + "."));
        LogStorageProviders.installed().forEach(p -> prefixes.add(p.name() + "."));
        ServiceLoader.load(OffsetStoreProvider.class).forEach(p -> prefixes.add(p.name() + "."));
        return List.copyOf(prefixes);
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

    // ---- derived configurations ----

    /** The log settings topics get unless they override them. */
    public LogConfig defaultLogConfig() {
        return new LogConfig(logSegmentBytes, logRollMs, logRetentionMs, logRetentionBytes, logFlushIntervalMessages,
                logFlushIntervalMs, logIndexIntervalBytes, logIndexSizeMaxBytes);
    }

    public SocketServerConfig socketServerConfig() {
        return socketServer;
    }

    /** Advertised listeners with port 0 replaced by the port the same-named listener actually bound. */
    public List<Endpoint> advertisedListeners(List<Endpoint> bound) {
        return advertisedListeners.stream().map(a -> a.port() != 0 ? a : bound.stream()
                .filter(b -> b.listenerName().equals(a.listenerName())).findFirst()
                .map(b -> a.withPort(b.port())).orElse(a)).toList();
    }

    // ---- getters ----

    /** Every setting as given, including ones only a storage backend understands. */
    public Map<String, String> originals() {
        return originals;
    }

    /** Kafka keys that were set but have no effect here. */
    public Set<String> ignoredKeys() {
        return ignoredKeys;
    }

    public int nodeId() {
        return nodeId;
    }

    /** The configured cluster id, or null to generate one (and persist it) on first start. */
    public String clusterId() {
        return clusterId;
    }

    public List<Endpoint> listeners() {
        return listeners;
    }

    public List<Endpoint> advertisedListeners() {
        return advertisedListeners;
    }

    public List<Path> logDirs() {
        return logDirs;
    }

    /** Name of the {@link dev.sluice.api.storage.LogStorageProvider} to use. */
    public String logStorage() {
        return logStorage;
    }

    public int numPartitions() {
        return numPartitions;
    }

    public short defaultReplicationFactor() {
        return defaultReplicationFactor;
    }

    /** Effective retention after Kafka's ms / minutes / hours precedence; -1 = forever. */
    public long logRetentionMs() {
        return logRetentionMs;
    }

    public long logRetentionBytes() {
        return logRetentionBytes;
    }

    public int logSegmentBytes() {
        return logSegmentBytes;
    }

    /** Effective roll interval after {@code log.roll.ms} / {@code log.roll.hours} precedence. */
    public long logRollMs() {
        return logRollMs;
    }

    public long logFlushIntervalMessages() {
        return logFlushIntervalMessages;
    }

    public long logFlushIntervalMs() {
        return logFlushIntervalMs;
    }

    public long logRetentionCheckIntervalMs() {
        return logRetentionCheckIntervalMs;
    }

    public TimestampType logMessageTimestampType() {
        return logMessageTimestampType;
    }

    public int messageMaxBytes() {
        return messageMaxBytes;
    }

    public long logMessageTimestampBeforeMaxMs() {
        return logMessageTimestampBeforeMaxMs;
    }

    public long logMessageTimestampAfterMaxMs() {
        return logMessageTimestampAfterMaxMs;
    }

    public boolean autoCreateTopicsEnable() {
        return autoCreateTopicsEnable;
    }

    /** {@code max.broker.partitions}: creating topics or partitions past it is refused (POLICY_VIOLATION). */
    public int maxBrokerPartitions() {
        return maxBrokerPartitions;
    }

    public boolean deleteTopicEnable() {
        return deleteTopicEnable;
    }

    public int groupInitialRebalanceDelayMs() {
        return groupInitialRebalanceDelayMs;
    }

    public int offsetsRetentionMinutes() {
        return offsetsRetentionMinutes;
    }

    public int offsetsTopicNumPartitions() {
        return offsetsTopicNumPartitions;
    }

    /** Name of the {@link dev.sluice.api.offset.OffsetStoreProvider} that keeps committed offsets. */
    public String offsetsStore() {
        return offsetsStore;
    }

    public long offsetsRetentionCheckIntervalMs() {
        return offsetsRetentionCheckIntervalMs;
    }

    /** Segment size of {@code __consumer_offsets}, and the bytes appended to a partition of it that trigger a snapshot. */
    public int offsetsTopicSegmentBytes() {
        return offsetsTopicSegmentBytes;
    }

    /** Sluice's own: a partition of {@code __consumer_offsets} written to is snapshotted at least this often. */
    public long offsetsSnapshotIntervalMs() {
        return offsetsSnapshotIntervalMs;
    }

    public int offsetMetadataMaxBytes() {
        return offsetMetadataMaxBytes;
    }

    public int groupMinSessionTimeoutMs() {
        return groupMinSessionTimeoutMs;
    }

    public int groupMaxSessionTimeoutMs() {
        return groupMaxSessionTimeoutMs;
    }
}
