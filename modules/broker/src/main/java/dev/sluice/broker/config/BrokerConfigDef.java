package dev.sluice.broker.config;

import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.Validator;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.broker.network.SocketServerConfig;
import dev.sluice.broker.partition.PartitionSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static dev.sluice.api.config.ConfigType.BOOLEAN;
import static dev.sluice.api.config.ConfigType.DOUBLE;
import static dev.sluice.api.config.ConfigType.INT;
import static dev.sluice.api.config.ConfigType.LIST;
import static dev.sluice.api.config.ConfigType.LONG;
import static dev.sluice.api.config.ConfigType.STRING;
import static dev.sluice.api.config.Validator.atLeast;
import static dev.sluice.api.config.Validator.between;
import static dev.sluice.api.config.Validator.minusOneOrBetween;

/**
 * Every broker setting, defined once (Kafka's name, type and default where the meaning is Kafka's):
 * {@link BrokerConfig} parses with it, {@code sluice server --help} prints it, DescribeConfigs lists
 * it. Immutable; any thread.
 */
public final class BrokerConfigDef {

    /** Partitions one broker may hold: Kafka's per-request creation cap, 2.5 times its per-broker advice (4,000). */
    public static final int DEFAULT_MAX_BROKER_PARTITIONS = 10_000;

    /**
     * Kafka's groups of broker synonyms ({@code DynamicBrokerConfig.brokerConfigSynonyms}): the
     * first of a group that is set wins, later ones are fallbacks (converted to the first's unit).
     */
    public static final List<List<String>> SYNONYM_GROUPS = List.of(
            List.of("log.retention.ms", "log.retention.minutes", "log.retention.hours"),
            List.of("log.roll.ms", "log.roll.hours"));

    /**
     * The settings AlterConfigs may change at run time (per broker or as the cluster default): the
     * broker defaults behind topic settings, Kafka's {@code DynamicLogConfig} set (every
     * {@code TopicConfigDef} broker synonym except {@code log.storage}), and the log cleaner's thread
     * settings (Kafka's {@code LogCleaner.ReconfigurableConfigs} that Sluice has). Each takes effect at
     * once for topics without an override of their own. Anything else is read at start-up only.
     */
    /** The log cleaner's thread settings among {@link #DYNAMIC} (the rest are broker defaults behind topic settings). */
    public static final Set<String> CLEANER_DYNAMIC = Set.of("log.cleaner.threads", "log.cleaner.dedupe.buffer.size",
            "log.cleaner.io.max.bytes.per.second", "log.cleaner.backoff.ms");

    static final Set<String> DYNAMIC = Set.of("log.retention.ms", "log.retention.minutes", "log.retention.hours",
            "log.retention.bytes", "log.segment.bytes", "log.roll.ms", "log.roll.hours", "log.flush.interval.messages",
            "log.flush.interval.ms", "log.index.interval.bytes", "log.index.size.max.bytes", "log.message.timestamp.type",
            "log.message.timestamp.before.max.ms", "log.message.timestamp.after.max.ms", "log.cleanup.policy",
            "log.cleaner.delete.retention.ms", "log.cleaner.min.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms",
            "log.cleaner.min.cleanable.ratio", "log.segment.delete.delay.ms",
            "log.cleaner.threads", "log.cleaner.dedupe.buffer.size", "log.cleaner.io.max.bytes.per.second",
            "log.cleaner.backoff.ms",
            "message.max.bytes", "compression.type", "min.insync.replicas", "unclean.leader.election.enable");

    private static final List<ConfigKey> KEYS = new ArrayList<>();

    static {
        // identity and listeners
        add("node.id", INT, 0, atLeast(0), "id of this broker, stored in meta.properties of its log directory");
        add("cluster.id", STRING, null, null, "cluster id to insist on (generated and kept in meta.properties if unset)");
        add("broker.id", INT, null, atLeast(0), "id of this broker, Kafka's ZooKeeper-mode name; overrides node.id when set");
        add("broker.rack", STRING, null, null, "rack of this broker: replica placement spreads a partition's replicas over racks");
        // cluster (issue #10)
        add("zookeeper.connect", STRING, null, null, "host:port[,host:port...][/chroot] of the ZooKeeper ensemble: "
                + "set, the broker joins that cluster; unset, it is a single node");
        add("zookeeper.session.timeout.ms", INT, 6_000, atLeast(1), "ZooKeeper session timeout: a broker silent this long "
                + "is taken for dead and its partitions get new leaders");
        add("zookeeper.connection.timeout.ms", INT, null, atLeast(1), "how long to wait for a ZooKeeper connection "
                + "(default: the session timeout)");
        // replication: the follower's replica fetchers (issue #11)
        add("num.replica.fetchers", INT, 1, atLeast(1), "fetcher threads per source broker copying its partitions "
                + "to this follower (each partition to one of them by hash)");
        add("replica.fetch.wait.max.ms", INT, 500, atLeast(0), "longest a follower's fetch waits at the leader for "
                + "replica.fetch.min.bytes");
        add("replica.fetch.min.bytes", INT, 1, atLeast(1), "bytes a follower's fetch waits for at the leader");
        add("replica.fetch.max.bytes", INT, 1 << 20, atLeast(0), "bytes a follower asks per partition in one fetch "
                + "(a larger first batch still comes whole)");
        add("replica.fetch.response.max.bytes", INT, 10 << 20, atLeast(0), "bytes a follower asks for in one fetch in all");
        add("replica.fetch.backoff.ms", INT, 1_000, atLeast(0), "wait before fetching a partition again after an error");
        add("replica.socket.timeout.ms", INT, 30_000, atLeast(1), "a follower's request to its leader with no answer "
                + "by then fails (and is retried); at least replica.fetch.wait.max.ms");
        // the controller and controlled shutdown (issue #10)
        add("controlled.shutdown.enable", BOOLEAN, true, null, "in a cluster, a clean shutdown first asks the controller "
                + "to move this broker's partition leadership to other in-sync replicas");
        add("controlled.shutdown.max.retries", INT, 3, atLeast(0), "attempts at a controlled shutdown before the broker "
                + "stops anyway");
        add("controlled.shutdown.retry.backoff.ms", LONG, 5_000L, atLeast(0), "pause between controlled-shutdown attempts");
        add("auto.leader.rebalance.enable", BOOLEAN, true, null, "the controller gives leadership back to preferred "
                + "replicas when a broker's share led elsewhere exceeds leader.imbalance.per.broker.percentage");
        add("leader.imbalance.check.interval.seconds", LONG, 300L, atLeast(1), "how often the controller checks leader imbalance");
        add("leader.imbalance.per.broker.percentage", INT, 10, between(0, 100), "percentage of a broker's preferred "
                + "partitions led elsewhere above which the controller rebalances them");
        add("listeners", LIST, List.of("PLAINTEXT://localhost:9092"), Validator.nonEmptyList(),
                "NAME://host:port to listen on, comma-separated; port 0 picks a free port");
        add("advertised.listeners", LIST, null, null,
                "what clients are told per listener (default: listeners, a wildcard host as localhost)");
        add("listener.security.protocol.map", LIST, List.of("PLAINTEXT:PLAINTEXT", "SSL:SSL", "SASL_PLAINTEXT:SASL_PLAINTEXT",
                "SASL_SSL:SASL_SSL"), null, "NAME:PROTOCOL pairs giving each listener name its security protocol "
                + "(PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL); a listener named after a protocol needs no entry");
        add("inter.broker.listener.name", STRING, null, null, "the listener brokers use to reach each other (replica "
                + "fetchers, controller requests, transaction markers); only one of it and security.inter.broker.protocol");
        add("security.inter.broker.protocol", STRING, "PLAINTEXT", Validator.oneOf("PLAINTEXT", "SSL", "SASL_PLAINTEXT",
                "SASL_SSL"), "brokers reach each other on the listener named after this protocol, unless "
                + "inter.broker.listener.name is set (left unset and no such listener: the first listener)");
        // SASL (security.sasl.SaslSettings reads them, with the per-listener listener.name.<l>.* forms)
        add("sasl.enabled.mechanisms", LIST, List.of("GSSAPI"), null,
                "SASL mechanisms of SASL listeners: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512 (Kafka's default GSSAPI is not supported)");
        add("sasl.mechanism.inter.broker.protocol", STRING, "GSSAPI", null,
                "SASL mechanism this broker logs in with on a SASL inter-broker listener");
        add("connections.max.reauth.ms", LONG, 0L, atLeast(0), "SASL session lifetime (KIP-152): a connection that "
                + "does not re-authenticate within it is closed; 0 = sessions never expire");
        add("connection.failed.authentication.delay.ms", INT, 100, atLeast(0),
                "how long a failed SASL login waits before its answer");
        // storage
        add("log.dir", STRING, "./data", Validator.nonEmpty(), "log directory when log.dirs is not set");
        add("log.dirs", LIST, null, null, "log directories: new partitions go to the one holding the fewest; the first also holds the broker's own state; overrides log.dir");
        add("log.storage", STRING, "file", Validator.nonEmpty(), "log storage engine of new topics (file, lmdb, or a plugin's)");
        add("num.partitions", INT, 1, atLeast(1), "partitions of auto-created topics and of topics created without a count");
        add("default.replication.factor", INT, 1, between(1, Short.MAX_VALUE), "replication factor of auto-created topics");
        add("log.retention.ms", LONG, null, atLeast(-1), "how long records are kept (-1: forever); overrides the minutes and hours");
        add("log.retention.minutes", INT, null, atLeast(-1), "retention in minutes, if log.retention.ms is not set");
        add("log.retention.hours", INT, 168, atLeast(-1), "retention in hours, if neither ms nor minutes is set");
        add("log.retention.bytes", LONG, -1L, atLeast(-1), "bytes kept per partition (-1: no limit)");
        add("log.segment.bytes", INT, LogConfig.DEFAULT_SEGMENT_BYTES, atLeast(1024), "size of a segment file");
        add("log.roll.ms", LONG, null, atLeast(1), "age at which a segment is rolled; overrides log.roll.hours");
        add("log.roll.hours", INT, 168, atLeast(1), "segment age in hours before it is rolled, if log.roll.ms is not set");
        add("log.flush.interval.messages", LONG, Long.MAX_VALUE, atLeast(1), "fsync after this many records");
        add("log.flush.interval.ms", LONG, Long.MAX_VALUE, atLeast(0), "fsync when the oldest unflushed record is this old");
        add("log.retention.check.interval.ms", LONG, 300_000L, atLeast(1), "how often retention runs");
        add("log.index.interval.bytes", INT, LogConfig.DEFAULT_INDEX_INTERVAL_BYTES, atLeast(0), "bytes between offset index entries");
        add("log.index.size.max.bytes", INT, LogConfig.DEFAULT_MAX_INDEX_BYTES, atLeast(64), "size of an index file");
        add("replica.alter.log.dirs.io.max.bytes.per.second", LONG, Long.MAX_VALUE, atLeast(1),
                "read rate, over all partitions, of copying replicas to another log directory (AlterReplicaLogDirs)");
        add("num.recovery.threads.per.data.dir", INT, 2, atLeast(1), "threads opening (and recovering) logs at start-up");
        add("log.message.timestamp.type", STRING, "CreateTime", Validator.oneOf("CreateTime", "LogAppendTime"),
                "CreateTime (the producer's) or LogAppendTime (the broker's clock)");
        add("log.message.timestamp.before.max.ms", LONG, PartitionSettings.DEFAULT_TIMESTAMP_BEFORE_MAX_MS, atLeast(0),
                "how far a CreateTime timestamp may lie behind the broker's clock");
        add("log.message.timestamp.after.max.ms", LONG, PartitionSettings.DEFAULT_TIMESTAMP_AFTER_MAX_MS, atLeast(0),
                "how far a CreateTime timestamp may lie ahead of the broker's clock");
        add("log.cleanup.policy", LIST, List.of("delete"), Validator.of(
                        v -> v instanceof List<?> l && !l.isEmpty() && List.of("delete", "compact").containsAll(l),
                        "delete, compact, or compact,delete"),
                "cleanup policy of new topics: delete (retention), compact (the log cleaner keeps the latest record "
                        + "of each key) or both");
        add("log.cleaner.delete.retention.ms", LONG, 86_400_000L, atLeast(0),
                "how long a tombstone stays after the first cleaning that saw it");
        add("log.cleaner.min.compaction.lag.ms", LONG, 0L, atLeast(0), "a record is cleaned only once it is this old");
        add("log.cleaner.max.compaction.lag.ms", LONG, Long.MAX_VALUE, atLeast(1),
                "a record waits at most this long to be cleaned, whatever the dirty ratio (the active segment rolls by then)");
        add("log.cleaner.min.cleanable.ratio", DOUBLE, 0.5, Validator.of(v -> v instanceof Double d && d >= 0 && d <= 1,
                "a number between 0 and 1"), "a log is cleaned once its dirty part is this share of its cleanable bytes");
        add("log.cleaner.enable", BOOLEAN, true, null, "run the log cleaner (needed by cleanup.policy=compact topics)");
        add("log.cleaner.threads", INT, 1, atLeast(1), "threads cleaning logs, each its own log at a time");
        add("log.cleaner.dedupe.buffer.size", LONG, 134_217_728L, atLeast(1024),
                "memory for the cleaners' key maps (24 bytes per key), shared by the cleaner threads");
        add("log.cleaner.io.max.bytes.per.second", DOUBLE, Double.MAX_VALUE, Validator.of(v -> v instanceof Double d && d > 0,
                "a number > 0"), "read plus write rate the cleaners keep to, together");
        add("log.cleaner.backoff.ms", LONG, 15_000L, atLeast(0), "how long a cleaner sleeps when no log needs cleaning");
        add("log.segment.delete.delay.ms", LONG, 60_000L, atLeast(0), "delay before a deleted segment's files are removed");
        add("message.max.bytes", INT, 1_048_588, atLeast(0), "largest record batch accepted");
        add("compression.type", STRING, "producer", Validator.oneOf("producer"),
                "producer: batches are stored as the producer compressed them (Sluice never recompresses)");
        add("min.insync.replicas", INT, 1, atLeast(1), "replicas that must have a record before acks=all is answered");
        add("replica.lag.time.max.ms", LONG, PartitionSettings.DEFAULT_REPLICA_LAG_TIME_MAX_MS, atLeast(1),
                "a follower that has not caught up with the leader's log end for this long leaves the ISR");
        add("unclean.leader.election.enable", BOOLEAN, false, null, "whether an out-of-sync replica may become leader "
                + "(a topic's unclean.leader.election.enable overrides it)");
        add("quota.window.num", INT, 11, atLeast(1), "samples a client quota's rate is measured over");
        add("quota.window.size.seconds", INT, 1, atLeast(1), "time span of each client quota sample");
        add("auto.create.topics.enable", BOOLEAN, true, null, "create a topic when a client asks for its metadata");
        add("delete.topic.enable", BOOLEAN, true, null, "whether DeleteTopics is allowed");
        // KIP-578's name (proposed, not in Kafka 3.x/4.x, which have no such limit)
        add("max.broker.partitions", INT, DEFAULT_MAX_BROKER_PARTITIONS, atLeast(1),
                "partitions this broker may hold; creating more is refused (POLICY_VIOLATION)");
        // authorization (Kafka's names; the built-in ACL authorizer reads the two after authorizer.class.name)
        add("authorizer.class.name", STRING, "", null, "the authorizer checking every request: acl (or Kafka's "
                + "kafka.security.authorizer.AclAuthorizer / org.apache.kafka.metadata.authorizer.StandardAuthorizer) for the "
                + "built-in ACLs, or a plugin's class name; empty: nothing is checked and the ACL APIs answer SECURITY_DISABLED");
        add("super.users", STRING, "", null, "principals the ACL authorizer allows everything, separated by ';' (User:admin;User:broker)");
        add("allow.everyone.if.no.acl.found", BOOLEAN, false, null,
                "whether the ACL authorizer allows an operation on a resource that has no ACL at all");
        // groups and offsets
        add("group.initial.rebalance.delay.ms", INT, 3000, atLeast(0), "wait for more members before the first rebalance");
        add("group.min.session.timeout.ms", INT, 6000, atLeast(1), "smallest session timeout a member may ask for");
        add("group.max.session.timeout.ms", INT, 1_800_000, atLeast(1), "largest session timeout a member may ask for");
        add("offsets.retention.minutes", INT, 10_080, atLeast(1), "how long an empty group's committed offsets are kept");
        add("offsets.retention.check.interval.ms", LONG, 600_000L, atLeast(1), "how often expired offsets are removed");
        add("offsets.topic.num.partitions", INT, 5, atLeast(1), "partitions of __consumer_offsets (fixed once created)");
        add("offsets.topic.replication.factor", INT, 3, between(1, Short.MAX_VALUE), "replication factor of "
                + "__consumer_offsets in a cluster; it is created only once this many brokers are alive (a single node: 1)");
        add("offsets.commit.timeout.ms", INT, 5000, atLeast(1), "how long an offset commit waits for the in-sync "
                + "replicas of its __consumer_offsets partition before it fails (COORDINATOR_NOT_AVAILABLE)");
        // Kafka's default is 100 MiB; smaller segments let snapshots of the live offsets free space sooner
        add("offsets.topic.segment.bytes", INT, 16 * 1024 * 1024, atLeast(1024),
                "segment size of __consumer_offsets, and the bytes written after which a partition of it is snapshotted");
        add("offsets.snapshot.interval.ms", LONG, 3_600_000L, atLeast(1),
                "Sluice's own: a written partition of __consumer_offsets is snapshotted at least this often");
        add("offsets.store", STRING, "log", Validator.nonEmpty(), "where committed offsets live: log (__consumer_offsets), lmdb, or a plugin's");
        add("offset.metadata.max.bytes", INT, 4096, atLeast(0), "largest metadata string of a committed offset");
        // transactions (Kafka's names and defaults)
        add("transaction.state.log.num.partitions", INT, 50, atLeast(1),
                "partitions of __transaction_state (fixed once created)");
        add("transaction.state.log.replication.factor", INT, 3, between(1, Short.MAX_VALUE), "replication factor of "
                + "__transaction_state in a cluster; it is created only once this many brokers are alive (a single node: 1)");
        add("transaction.state.log.min.isr", INT, 2, atLeast(1), "min.insync.replicas of __transaction_state");
        add("transaction.state.log.segment.bytes", INT, 100 * 1024 * 1024, atLeast(1024),
                "segment size of __transaction_state, and the bytes written after which a partition of it is snapshotted");
        add("transaction.max.timeout.ms", INT, 900_000, atLeast(1),
                "largest transaction.timeout.ms a producer may ask for (INVALID_TRANSACTION_TIMEOUT above)");
        add("transactional.id.expiration.ms", INT, 604_800_000, atLeast(1),
                "a transactional id with no transaction for this long is forgotten");
        add("transaction.abort.timed.out.transaction.cleanup.interval.ms", INT, 10_000, atLeast(1),
                "how often transactions past their timeout are aborted");
        add("transaction.remove.expired.transaction.cleanup.interval.ms", INT, 3_600_000, atLeast(1),
                "how often expired transactional ids are removed");
        // network
        add("num.network.threads", INT, SocketServerConfig.DEFAULT_NETWORK_THREADS, atLeast(1), "selector threads");
        add("num.io.threads", INT, SocketServerConfig.DEFAULT_IO_THREADS, atLeast(1), "request handler threads");
        add("queued.max.requests", INT, SocketServerConfig.DEFAULT_QUEUED_MAX_REQUESTS, atLeast(1),
                "requests queued for the handlers before the network threads stop reading");
        add("queued.max.request.bytes", LONG, SocketServerConfig.defaultQueuedMaxRequestBytes(), minusOneOrBetween(1, Long.MAX_VALUE),
                "memory for requests being read or waiting (-1: unbounded; default a quarter of the JVM's memory)");
        add("max.inflight.requests.per.connection", INT, SocketServerConfig.DEFAULT_MAX_IN_FLIGHT_PER_CONNECTION, atLeast(1),
                "requests of one connection handled at once (Sluice's own)");
        add("socket.request.max.bytes", INT, SocketServerConfig.DEFAULT_MAX_REQUEST_BYTES, atLeast(1), "largest request accepted");
        add("connections.max.idle.ms", LONG, SocketServerConfig.DEFAULT_CONNECTIONS_MAX_IDLE_MS, atLeast(1),
                "idle connections are closed after this long");
        add("max.connections", INT, Integer.MAX_VALUE, atLeast(1), "connections accepted at once");
        add("socket.send.buffer.bytes", INT, SocketServerConfig.DEFAULT_SOCKET_BUFFER_BYTES, minusOneOrBetween(1, Integer.MAX_VALUE),
                "SO_SNDBUF (-1: the system's default)");
        add("socket.receive.buffer.bytes", INT, SocketServerConfig.DEFAULT_SOCKET_BUFFER_BYTES, minusOneOrBetween(1, Integer.MAX_VALUE),
                "SO_RCVBUF (-1: the system's default)");
        add("network.shutdown.timeout.ms", LONG, SocketServerConfig.DEFAULT_SHUTDOWN_TIMEOUT_MS, atLeast(0),
                "how long shutdown waits for in-flight requests (Sluice's own)");
        add("socket.request.receive.timeout.ms", LONG, SocketServerConfig.DEFAULT_REQUEST_RECEIVE_TIMEOUT_MS, atLeast(1),
                "a request not fully received this long after its size closes the connection (Sluice's own)");
        // TLS listeners (issue #17): Kafka's ssl.* settings, also used by this broker as a client of the others
        KEYS.addAll(dev.sluice.protocol.tls.TlsSettings.keys(true));
        add("ssl.principal.mapping.rules", STRING, "DEFAULT", null, "how a client certificate's subject becomes its "
                + "principal's user name: comma-separated RULE:pattern/replacement/[LU] tried in order, DEFAULT keeps it whole");
        // metrics (issue #16; Sluice's own names: Kafka has no Prometheus endpoint)
        add("metrics.enable", BOOLEAN, true, null, "record metrics (false: nothing is counted, no endpoint, no MBeans: "
                + "for measuring what the metrics themselves cost)");
        add("metrics.port", INT, -1, minusOneOrBetween(0, 65_535), "port of the Prometheus endpoint GET /metrics "
                + "(-1: off; 0: any free port)");
        add("metrics.host", STRING, null, null, "address the Prometheus endpoint binds to (default: every interface)");
        add("metrics.jmx.enable", BOOLEAN, true, null, "register the metrics as MBeans under Kafka's JMX names "
                + "(several brokers in one JVM: the first one's)");
    }

    /** The broker's settings. */
    public static final ConfigDef DEF = ConfigDef.of(KEYS);

    private BrokerConfigDef() {
    }

    private static void add(String name, dev.sluice.api.config.ConfigType type, Object defaultValue, Validator validator,
                            String doc) {
        ConfigKey key = ConfigKey.of(name, type, defaultValue, validator, doc);
        KEYS.add(DYNAMIC.contains(name) ? key.asDynamic() : key);
    }

    /**
     * Kafka's synonyms of a broker setting, highest priority first, starting at {@code name} itself:
     * {@code log.retention.minutes} → minutes, hours.
     */
    public static List<String> synonyms(String name) {
        for (List<String> group : SYNONYM_GROUPS) {
            int i = group.indexOf(name);
            if (i >= 0) {
                return group.subList(i, group.size());
            }
        }
        return List.of(name);
    }
}
