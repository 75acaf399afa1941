package dev.sluice.broker.config;

import dev.sluice.api.record.TimestampType;
import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.api.storage.LogConfig;
import dev.sluice.broker.network.Endpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class BrokerConfigTest {

    @Test
    void defaultsFollowKafka() {
        BrokerConfig c = BrokerConfig.of(Map.of());
        assertThat(c.nodeId()).isZero();
        assertThat(c.clusterId()).isNull();
        assertThat(c.listeners()).containsExactly(Endpoint.parse("PLAINTEXT://localhost:9092"));
        assertThat(c.advertisedListeners()).isEqualTo(c.listeners());
        assertThat(c.logDirs()).containsExactly(Path.of("./data"));
        assertThat(c.logStorage()).isEqualTo("file");
        assertThat(c.numPartitions()).isEqualTo(1);
        assertThat(c.defaultReplicationFactor()).isEqualTo((short) 1);
        assertThat(c.logRetentionMs()).isEqualTo(168L * 3600 * 1000);
        assertThat(c.logRetentionBytes()).isEqualTo(-1);
        assertThat(c.logSegmentBytes()).isEqualTo(1 << 30);
        assertThat(c.logRetentionCheckIntervalMs()).isEqualTo(300_000);
        assertThat(c.messageMaxBytes()).isEqualTo(1048588);
        assertThat(c.autoCreateTopicsEnable()).isTrue();
        assertThat(c.deleteTopicEnable()).isTrue();
        assertThat(c.groupInitialRebalanceDelayMs()).isEqualTo(3000);
        assertThat(c.offsetsRetentionMinutes()).isEqualTo(10080);
        assertThat(c.logMessageTimestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(c.socketServerConfig().maxRequestBytes()).isEqualTo(100 * 1024 * 1024);
        assertThat(c.socketServerConfig().connectionsMaxIdleMs()).isEqualTo(600_000);
        assertThat(c.socketServerConfig().maxConnections()).isEqualTo(Integer.MAX_VALUE);
        assertThat(c.defaultLogConfig()).isEqualTo(LogConfig.DEFAULT);
    }

    @Test
    void theControllersAndControlledShutdownSettingsHaveKafkasNamesAndDefaults() {
        BrokerConfig defaults = BrokerConfig.of(Map.of());
        assertThat(defaults.controlledShutdownEnable()).isTrue();
        assertThat(defaults.controlledShutdownMaxRetries()).isEqualTo(3);
        assertThat(defaults.controlledShutdownRetryBackoffMs()).isEqualTo(5_000);
        assertThat(defaults.autoLeaderRebalanceEnable()).isTrue();
        assertThat(defaults.leaderImbalanceCheckIntervalMs()).isEqualTo(300_000);
        assertThat(defaults.leaderImbalancePerBrokerPercentage()).isEqualTo(10);
        assertThat(defaults.uncleanLeaderElectionEnable()).isFalse();

        BrokerConfig set = BrokerConfig.of(Map.of("controlled.shutdown.enable", "false", "controlled.shutdown.max.retries", "7",
                "controlled.shutdown.retry.backoff.ms", "250", "auto.leader.rebalance.enable", "false",
                "leader.imbalance.check.interval.seconds", "30", "leader.imbalance.per.broker.percentage", "25",
                "unclean.leader.election.enable", "true"));
        assertThat(set.ignoredKeys()).isEmpty();
        assertThat(set.controlledShutdownEnable()).isFalse();
        assertThat(set.controlledShutdownMaxRetries()).isEqualTo(7);
        assertThat(set.controlledShutdownRetryBackoffMs()).isEqualTo(250);
        assertThat(set.autoLeaderRebalanceEnable()).isFalse();
        assertThat(set.leaderImbalanceCheckIntervalMs()).isEqualTo(30_000);
        assertThat(set.leaderImbalancePerBrokerPercentage()).isEqualTo(25);
        assertThat(set.uncleanLeaderElectionEnable()).isTrue();
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("leader.imbalance.per.broker.percentage", "101")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("leader.imbalance.per.broker.percentage");
    }

    @Test
    void retentionPrecedenceIsMsThenMinutesThenHours() {
        assertThat(BrokerConfig.of(Map.of("log.retention.hours", "1")).logRetentionMs()).isEqualTo(3_600_000);
        assertThat(BrokerConfig.of(Map.of("log.retention.hours", "1", "log.retention.minutes", "2"))
                .logRetentionMs()).isEqualTo(120_000);
        assertThat(BrokerConfig.of(Map.of("log.retention.hours", "1", "log.retention.minutes", "2",
                "log.retention.ms", "5")).logRetentionMs()).isEqualTo(5);
        assertThat(BrokerConfig.of(Map.of("log.retention.ms", "-1")).logRetentionMs()).isEqualTo(-1);
        assertThat(BrokerConfig.of(Map.of("log.retention.hours", "-1")).logRetentionMs()).isEqualTo(-1);
    }

    @Test
    void rollPrecedenceIsMsThenHours() {
        assertThat(BrokerConfig.of(Map.of("log.roll.hours", "2")).logRollMs()).isEqualTo(7_200_000);
        assertThat(BrokerConfig.of(Map.of("log.roll.hours", "2", "log.roll.ms", "1000")).logRollMs()).isEqualTo(1000);
    }

    @Test
    void shadowedRetentionKeysAreStillValidated() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> BrokerConfig.of(Map.of("log.retention.ms", "5", "log.retention.hours", "many")));
        assertThat(e.problems()).singleElement().asString().contains("log.retention.hours", "'many'");
    }

    @Test
    void theDefaultLogConfigCarriesTheLogSettings() {
        LogConfig log = BrokerConfig.of(Map.of("log.segment.bytes", "2048", "log.roll.ms", "60000",
                "log.retention.minutes", "10", "log.retention.bytes", "1000000", "log.flush.interval.messages", "1",
                "log.flush.interval.ms", "50", "log.index.interval.bytes", "128", "log.index.size.max.bytes", "4096"))
                .defaultLogConfig();
        assertThat(log).isEqualTo(new LogConfig(2048, 60_000, 600_000, 1_000_000, 1, 50, 128, 4096));
        assertThat(log.fsyncEveryAppend()).isTrue();
    }

    @Test
    void wildcardListenersAreAdvertisedAsLocalhostAndPortZeroAsTheBoundPort() {
        BrokerConfig c = BrokerConfig.of(Map.of("listeners", "PLAINTEXT://0.0.0.0:0, INTERNAL://127.0.0.1:9093",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT"));
        Map<String, SecurityProtocol> map = Map.of("INTERNAL", SecurityProtocol.PLAINTEXT);
        assertThat(c.advertisedListeners()).containsExactly(
                Endpoint.parse("PLAINTEXT://localhost:0"), Endpoint.parse("INTERNAL://127.0.0.1:9093", map));
        List<Endpoint> bound = List.of(Endpoint.parse("PLAINTEXT://0.0.0.0:41234"), Endpoint.parse("INTERNAL://127.0.0.1:9093", map));
        assertThat(c.advertisedListeners(bound)).containsExactly(
                Endpoint.parse("PLAINTEXT://localhost:41234"), Endpoint.parse("INTERNAL://127.0.0.1:9093", map));
        assertThat(c.socketServerConfig().listeners()).isEqualTo(c.listeners());
    }

    @Test
    void explicitAdvertisedListenersMustNameAListenerAndAReachableHost() {
        assertThat(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://:9092",
                "advertised.listeners", "PLAINTEXT://broker1.example:19092")).advertisedListeners())
                .containsExactly(Endpoint.parse("PLAINTEXT://broker1.example:19092"));
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "listeners", "PLAINTEXT://:9092", "advertised.listeners", "OTHER://h:1,PLAINTEXT://0.0.0.0:9092",
                "listener.security.protocol.map", "OTHER:PLAINTEXT,PLAINTEXT:PLAINTEXT")));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0)).contains("OTHER://h:1", "listener names");
        assertThat(e.problems().get(1)).contains("0.0.0.0", "wildcard");
    }

    @Test
    void everyProblemIsReportedAtOnceNamingKeyValueAndWhatIsAccepted() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "node.id", "-3",
                "num.partitions", "lots",
                "auto.create.topics.enable", "yes",
                "log.message.timestamp.type", "BrokerTime",
                "log.segment.bytes", "100",
                "listeners", "PLAINTEXT//nohost",
                "colour", "blue")));
        assertThat(e.problems()).hasSize(7);
        assertThat(e.getMessage()).contains(
                "node.id: '-3' is invalid; expected an integer >= 0",
                "num.partitions: 'lots' is invalid; expected an integer >= 1",
                "auto.create.topics.enable: 'yes' is invalid; expected true or false",
                "log.message.timestamp.type: 'BrokerTime' is invalid; expected one of CreateTime, LogAppendTime",
                "log.segment.bytes: '100' is invalid; expected an integer >= 1024",
                "listeners: 'PLAINTEXT//nohost' is invalid; expected NAME://host:port",
                "unknown configuration key 'colour'");
    }

    @Test
    void valuesAreTrimmedAndChoicesCaseInsensitive() {
        BrokerConfig c = BrokerConfig.of(Map.of("num.partitions", " 3 ", "log.message.timestamp.type", "logappendtime",
                "delete.topic.enable", "FALSE"));
        assertThat(c.numPartitions()).isEqualTo(3);
        assertThat(c.logMessageTimestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
        assertThat(c.deleteTopicEnable()).isFalse();
    }

    @Test
    void wellKnownKafkaKeysThatDoNotApplyAreListedForAWarningNotFatal() {
        // a stock KRaft server.properties plus tuning a Kafka operator carries over
        BrokerConfig c = BrokerConfig.of(Map.of("process.roles", "broker,controller", "controller.quorum.voters", "1@h:9093",
                "offsets.topic.replication.factor", "1", "num.recovery.threads.per.data.dir", "1",
                "num.replica.fetchers", "4", "log.cleaner.threads", "2", "broker.rack", "r1", "log.preallocate", "false",
                "min.insync.replicas", "1", "unclean.leader.election.enable", "false"));
        assertThat(c.ignoredKeys()).containsExactlyInAnyOrder("process.roles", "controller.quorum.voters",
                "log.preallocate");
        // used since #13: the log cleaner's threads
        assertThat(c.values().getInt("log.cleaner.threads")).isEqualTo(2);
        // used since #11: fetcher threads per source broker of a follower
        assertThat(c.replicaFetchSettings().numFetchers()).isEqualTo(4);
        // used since #10: replica placement spreads over racks; a cluster's __consumer_offsets gets this factor
        assertThat(c.brokerRack()).contains("r1");
        assertThat(c.offsetsTopicReplicationFactor()).isEqualTo((short) 1);
        // used since #19.9: the file engine opens logs on that many threads
        assertThat(c.values().getInt("num.recovery.threads.per.data.dir")).isEqualTo(1);
    }

    @Test
    void replicaFetchSettingsHaveKafkasDefaultsAndTheSocketTimeoutCoversTheFetchWait() {
        var defaults = BrokerConfig.of(Map.of()).replicaFetchSettings();
        assertThat(defaults).isEqualTo(dev.sluice.broker.replica.ReplicaFetchSettings.DEFAULTS);
        assertThat(BrokerConfig.of(Map.of("replica.fetch.wait.max.ms", "100", "replica.fetch.backoff.ms", "50",
                "replica.fetch.max.bytes", "2048")).replicaFetchSettings())
                .extracting(s -> s.maxWaitMs(), s -> s.backoffMs(), s -> s.partitionMaxBytes()).containsExactly(100, 50, 2048);
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("replica.fetch.wait.max.ms", "5000", "replica.socket.timeout.ms", "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("replica.socket.timeout.ms")
                .hasMessageContaining("at least replica.fetch.wait.max.ms (5000)");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("num.replica.fetchers", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("num.replica.fetchers");
    }

    @Test
    void aNodeLocalOffsetStoreIsRefusedInAClusterSayingWhyAndWhatToSet() {
        assertThat(BrokerConfig.of(Map.of("offsets.store", "lmdb")).offsetsStore()).isEqualTo("lmdb"); // a single node
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("offsets.store", "lmdb", "zookeeper.connect", "127.0.0.1:2181")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("offsets.store=lmdb keeps committed offsets on this broker only")
                .hasMessageContaining("coordinator moves between brokers")
                .hasMessageContaining("set offsets.store=log");
        BrokerConfig cluster = BrokerConfig.of(Map.of("zookeeper.connect", "127.0.0.1:2181"));
        assertThat(cluster.offsetsStore()).isEqualTo("log");
        assertThat(cluster.offsetsTopicReplicationFactor()).isEqualTo((short) 3); // Kafka's default
        assertThat(cluster.offsetsCommitTimeoutMs()).isEqualTo(5000);
    }

    @Test
    void compressionTypeProducerIsKafkasDefaultAndWorksOtherCodecsAreRefused() {
        assertThat(BrokerConfig.of(Map.of("compression.type", "producer")).values().getString("compression.type"))
                .isEqualTo("producer");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("compression.type", "gzip")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("compression.type: 'gzip' is invalid; expected one of producer");
    }

    @Test
    void securitySettingsAreRefusedNotIgnored() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "ssl.engine.factory.class", "x.Factory", "delegation.token.secret.key", "k")));
        assertThat(e.problems()).hasSize(2).allSatisfy(p -> assertThat(p).contains("does not support this security setting"));
    }

    @Test
    void misspelledLogSettingsAreRefusedNamingTheClosestKnownKeys() {
        // issue 18: 'log' is also the built-in offset store's name, so every log.* key passed as a plugin's
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "log.retention.hour", "1", "log.segmnt.bytes", "5", "num.partition", "3")));
        assertThat(e.problems()).containsExactly(
                "unknown configuration key 'log.retention.hour' — did you mean 'log.retention.hours'?",
                "unknown configuration key 'log.segmnt.bytes' — did you mean 'log.segment.bytes'?",
                "unknown configuration key 'num.partition' — did you mean 'num.partitions'?");
        assertThatThrownBy(() -> BrokerConfig.fromArgs("log.retention.hour=1"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean 'log.retention.hours'?");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.storage.sync", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown configuration key 'log.storage.sync'");
    }

    @Test
    void aKeyFarFromEveryKnownOneIsJustUnknown() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of("colour", "blue")));
        assertThat(e.problems()).containsExactly("unknown configuration key 'colour'");
    }

    @Test
    void pluginSettingsAreExactlyTheOnesInstalledPluginsDeclareAndAreValidated() {
        // LMDB is installed in the broker's tests: its declared keys pass even when it is not the default
        BrokerConfig c = BrokerConfig.of(Map.of("lmdb.map.size", "1073741824", "lmdb.durability", "commit",
                "lmdb.offsets.dir", "/tmp/o"));
        assertThat(c.originals()).containsEntry("lmdb.map.size", "1073741824");
        assertThat(c.pluginValues().getLong("lmdb.map.size")).isEqualTo(1L << 30);
        assertThat(c.pluginValues().getInt("lmdb.max.readers")).as("declared default").isEqualTo(1024);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "lmdb.map.sise", "1073741824", "lmdb.map.size", "1g", "lmdb.durability", "sometimes")));
        assertThat(e.problems()).containsExactlyInAnyOrder(
                "lmdb.map.size: '1g' is invalid; expected an integer >= 1048576",
                "lmdb.durability: 'sometimes' is invalid; expected one of flush-policy, commit",
                "unknown configuration key 'lmdb.map.sise' — did you mean 'lmdb.map.size'?");
        // a plugin that is not installed declares nothing: its keys are unknown, whatever log.storage says
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.storage", "rocksdb", "rocksdb.block.size", "4k")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown configuration key 'rocksdb.block.size'");
    }

    @Test
    void networkSettingsReachTheSocketServerConfig() {
        BrokerConfig c = BrokerConfig.of(Map.of("num.network.threads", "3", "num.io.threads", "5",
                "queued.max.requests", "10", "queued.max.request.bytes", "1000000", "socket.request.max.bytes", "2048",
                "connections.max.idle.ms", "1000", "max.connections", "7", "socket.send.buffer.bytes", "-1",
                "max.inflight.requests.per.connection", "2", "network.shutdown.timeout.ms", "0"));
        var s = c.socketServerConfig();
        assertThat(List.of(s.networkThreads(), s.ioThreads(), s.queuedMaxRequests(), s.maxRequestBytes(),
                s.maxConnections(), s.socketSendBufferBytes(), s.maxInFlightPerConnection()))
                .containsExactly(3, 5, 10, 2048, 7, -1, 2);
        assertThat(List.of(s.queuedMaxRequestBytes(), s.connectionsMaxIdleMs(), s.shutdownTimeoutMs()))
                .containsExactly(1_000_000L, 1000L, 0L);
    }

    @Test
    void requestMemoryIsBoundedByDefaultAndFramesHaveAReceiveTimeout() {
        var defaults = BrokerConfig.of(Map.of()).socketServerConfig();
        long heap = Runtime.getRuntime().maxMemory();
        assertThat(defaults.queuedMaxRequestBytes()).as("issue 19.5: finite, a quarter of the JVM's memory")
                .isPositive().isEqualTo(Math.max(16L << 20, heap / 4));
        assertThat(defaults.requestReceiveTimeoutMs()).isEqualTo(30_000L);
        var set = BrokerConfig.of(Map.of("socket.request.receive.timeout.ms", "500", "queued.max.request.bytes", "-1"))
                .socketServerConfig();
        assertThat(set.requestReceiveTimeoutMs()).isEqualTo(500L);
        assertThat(set.queuedMaxRequestBytes()).as("unbounded on request").isEqualTo(-1L);
    }

    @Test
    void commandLineOverridesWinOverTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "# a comment\nnode.id=1\nnum.partitions=4\nlog.dirs=/a,/b\n");
        BrokerConfig c = BrokerConfig.fromArgs(file.toString(), "--override", "node.id=2", "num.partitions=6",
                "--override=message.max.bytes=100");
        assertThat(c.nodeId()).isEqualTo(2);
        assertThat(c.numPartitions()).isEqualTo(6);
        assertThat(c.messageMaxBytes()).isEqualTo(100);
        assertThat(c.logDirs()).containsExactly(Path.of("/a"), Path.of("/b"));
        assertThat(BrokerConfig.load(file).nodeId()).isEqualTo(1);
        assertThat(BrokerConfig.fromArgs("node.id=9").nodeId()).isEqualTo(9);
    }

    @Test
    void badArgumentsAndConfigProblemsAreReportedTogether(@TempDir Path dir) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.fromArgs(
                dir.resolve("missing.properties").toString(), "stray", "--override", "=x", "node.id=x", "--override"));
        assertThat(e.problems()).hasSize(5);
        assertThat(e.getMessage()).contains("cannot read properties file", "unexpected argument 'stray'",
                "'=x' is not key=value", "node.id: 'x' is invalid", "--override needs a key=value");
    }

    @Test
    void legacyLogDirIsUsedWhenLogDirsIsAbsent() {
        assertThat(BrokerConfig.of(Map.of("log.dir", "/tmp/x")).logDirs()).containsExactly(Path.of("/tmp/x"));
        assertThat(BrokerConfig.of(Map.of("log.dir", "/tmp/x", "log.dirs", "/y")).logDirs()).containsExactly(Path.of("/y"));
    }
}
