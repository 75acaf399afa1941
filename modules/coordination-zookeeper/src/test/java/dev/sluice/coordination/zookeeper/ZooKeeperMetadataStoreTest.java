package dev.sluice.coordination.zookeeper;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterMetadataStores;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.api.cluster.ControllerLease;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.RegistrationOutcome;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.testing.ClusterMetadataStoreContract;
import dev.sluice.coordination.zookeeper.server.ZooKeeperServerRunner;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ZooKeeper store against an embedded ZooKeeper server (loopback, free port, temp dir): the
 * store contract (each test in a chroot of its own, so every test also exercises the chroot),
 * plus Kafka's layout and JSON as seen by a plain ZooKeeper client.
 */
class ZooKeeperMetadataStoreTest extends ClusterMetadataStoreContract {

    private static final AtomicInteger CHROOTS = new AtomicInteger();

    @TempDir
    static Path dataDir;
    private static ZooKeeperServerRunner server;

    private final String chroot = "/sluice-test/t" + CHROOTS.incrementAndGet();
    /** A server restarted by a test's background thread, closed by the test. */
    private final ZooKeeperServerRunner[] restarted = new ZooKeeperServerRunner[1];

    @BeforeAll
    static void startServer() {
        // a short tick so the server grants short sessions
        server = ZooKeeperServerRunner.start(new InetSocketAddress("127.0.0.1", 0), dataDir, 100);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private ZooKeeperSettings settings(String root) {
        return new ZooKeeperSettings(server.connectString(), root, 4000, 10_000);
    }

    @Override
    protected ClusterMetadataStore connect() {
        return ZooKeeperMetadataStore.connect(settings(chroot), Time.SYSTEM);
    }

    @Override
    protected void expire(ClusterMetadataStore session) throws Exception {
        ZooKeeperMetadataStore zk = (ZooKeeperMetadataStore) session;
        int before = zk.session().renewals();
        long id = zk.sessionId();
        server.expireSession(id);
        await("a new session replaced 0x" + Long.toHexString(id), () -> zk.session().renewals() > before);
    }

    /** A plain client at the server's root, to look at the znodes as an operator would. */
    private static ZooKeeper rawClient() throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZKClientConfig config = new ZKClientConfig();
        config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        ZooKeeper zk = new ZooKeeper(server.connectString(), 4000, e -> {
            if (e.getState() == org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, config);
        assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
        return zk;
    }

    private static Map<String, Object> json(ZooKeeper zk, String path, Stat stat) throws Exception {
        return ZNodes.readJson(zk.getData(path, false, stat));
    }

    @Test
    void writesKafkasLayoutAndJsonUnderTheChroot() throws Exception {
        ClusterMetadataStore store = session();
        RegistrationOutcome.Registered registered =
                (RegistrationOutcome.Registered) store.registerBroker(broker(1, 9092, "rack-a"));
        ControllerLease lease = elected(store, 1);
        UUID id = UUID.randomUUID();
        store.createTopic(new TopicAssignment("orders", id, Map.of(0, List.of(1, 2), 1, List.of(2, 1))));
        store.createPartitionStates(lease, "orders", Map.of(0, new PartitionState(1, 0, List.of(1, 2), lease.epoch())));
        store.setConfig(ConfigEntity.topic("orders"), Map.of("retention.ms", "1000"));
        store.setConfig(ConfigEntity.brokerDefault(), Map.of("log.retention.hours", "1"));
        store.requestTopicDeletion("old");
        long firstPid = store.reserveProducerIdBlock(1, 1000);
        store.clusterId("abc123");

        try (ZooKeeper raw = rawClient()) {
            Stat stat = new Stat();
            Map<String, Object> broker = json(raw, chroot + "/brokers/ids/1", stat);
            assertThat(stat.getCzxid()).isEqualTo(registered.brokerEpoch());
            assertThat(stat.getEphemeralOwner()).isNotZero();
            assertThat(broker).containsEntry("version", 5L).containsEntry("host", "127.0.0.1").containsEntry("port", 9092L)
                    .containsEntry("endpoints", List.of("PLAINTEXT://127.0.0.1:9092")).containsEntry("rack", "rack-a")
                    .containsEntry("listener_security_protocol_map", Map.of("PLAINTEXT", "PLAINTEXT"))
                    .containsEntry("jmx_port", -1L).containsKey("timestamp");

            assertThat(json(raw, chroot + "/controller", stat)).containsEntry("version", 1L).containsEntry("brokerid", 1L);
            assertThat(stat.getEphemeralOwner()).isNotZero();
            assertThat(new String(raw.getData(chroot + "/controller_epoch", false, stat), StandardCharsets.UTF_8))
                    .isEqualTo(Integer.toString(lease.epoch()));
            assertThat(stat.getVersion()).isEqualTo(lease.epochVersion());

            Map<String, Object> topic = json(raw, chroot + "/brokers/topics/orders", stat);
            assertThat(topic).containsEntry("version", 2L)
                    .containsEntry("partitions", Map.of("0", List.of(1L, 2L), "1", List.of(2L, 1L)))
                    .containsEntry("topic_id", ZNodes.kafkaUuid(id));
            assertThat(ZNodes.javaUuid((String) topic.get("topic_id"))).isEqualTo(id);
            // Kafka's Uuid text is 22 characters of URL-safe base64
            assertThat((String) topic.get("topic_id")).hasSize(22).doesNotContain("=", "+", "/");

            assertThat(json(raw, chroot + "/brokers/topics/orders/partitions/0/state", stat))
                    .isEqualTo(Map.of("controller_epoch", (long) lease.epoch(), "leader", 1L, "version", 1L,
                            "leader_epoch", 0L, "isr", List.of(1L, 2L)));
            assertThat(json(raw, chroot + "/config/topics/orders", stat))
                    .isEqualTo(Map.of("version", 1L, "config", Map.of("retention.ms", "1000")));
            assertThat(json(raw, chroot + "/config/brokers/<default>", stat))
                    .isEqualTo(Map.of("version", 1L, "config", Map.of("log.retention.hours", "1")));
            assertThat(raw.exists(chroot + "/admin/delete_topics/old", false)).isNotNull();
            assertThat(json(raw, chroot + "/latest_producer_id_block", stat))
                    .isEqualTo(Map.of("version", 1L, "broker", 1L, "block_start", Long.toString(firstPid),
                            "block_end", Long.toString(firstPid + 999)));
            assertThat(json(raw, chroot + "/cluster/id", stat)).isEqualTo(Map.of("version", "1", "id", "abc123"));
            // nothing outside the chroot
            assertThat(raw.exists("/brokers", false)).isNull();
            assertThat(raw.exists("/controller", false)).isNull();
        }
    }

    @Test
    void everyConfigChangeLeavesKafkasChangeNotificationAndOldOnesArePurged() throws Exception {
        ClusterMetadataStore store = session();
        store.createTopic(new TopicAssignment("t", UUID.randomUUID(), Map.of(0, List.of(1))), Map.of("retention.ms", "5"));
        store.setConfig(ConfigEntity.topic("t"), Map.of("retention.ms", "6"));
        store.setConfig(ConfigEntity.broker(1), Map.of("log.retention.ms", "7"));
        store.setConfig(ConfigEntity.brokerDefault(), Map.of("message.max.bytes", "8"));
        try (ZooKeeper raw = rawClient()) {
            String changes = chroot + "/config/changes";
            List<String> children = raw.getChildren(changes, false).stream().sorted().toList();
            assertThat(children).hasSize(3).allMatch(c -> c.matches("config_change_\\d{10}"));
            Stat stat = new Stat();
            assertThat(children.stream().map(c -> {
                try {
                    return json(raw, changes + "/" + c, stat);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }).toList()).containsExactly(Map.of("version", 2L, "entity_path", "topics/t"),
                    Map.of("version", 2L, "entity_path", "brokers/1"),
                    Map.of("version", 2L, "entity_path", "brokers/<default>"));
            // the creation wrote the topic's configs without a notification (as Kafka's AdminZkClient)
            assertThat(json(raw, chroot + "/config/topics/t", stat))
                    .isEqualTo(Map.of("version", 1L, "config", Map.of("retention.ms", "6")));

            // a broker whose clock is past the 15 minutes purges them on its next change
            Time later = new Time() {
                @Override
                public long milliseconds() {
                    return System.currentTimeMillis() + ConfigZNodes.CHANGE_NOTIFICATION_EXPIRY_MS + 60_000;
                }

                @Override
                public long nanoseconds() {
                    return System.nanoTime();
                }
            };
            try (ClusterMetadataStore late = ZooKeeperMetadataStore.connect(settings(chroot), later)) {
                late.setConfig(ConfigEntity.topic("t"), Map.of());
            }
            assertThat(raw.getChildren(changes, false)).hasSize(1);
            assertThat(json(raw, changes + "/" + raw.getChildren(changes, false).get(0), stat))
                    .isEqualTo(Map.of("version", 2L, "entity_path", "topics/t"));
            assertThat(json(raw, chroot + "/config/topics/t", stat)).isEqualTo(Map.of("version", 1L, "config", Map.of()));
        }
    }

    @Test
    void aclsUseKafkasZnodesAndChangeNotifications() throws Exception {
        ClusterMetadataStore store = session();
        var literal = dev.sluice.api.security.ResourcePattern.literal(dev.sluice.api.security.ResourceType.TOPIC, "orders");
        var prefixed = dev.sluice.api.security.ResourcePattern.prefixed(dev.sluice.api.security.ResourceType.TRANSACTIONAL_ID, "tx-");
        var entry = new dev.sluice.api.security.AccessControlEntry("User:alice", "*",
                dev.sluice.api.security.AclOperation.IDEMPOTENT_WRITE, dev.sluice.api.security.AclPermissionType.ALLOW);
        store.writeAcls(literal, Set.of(entry), -1);
        store.writeAcls(prefixed, Set.of(entry), -1);

        try (ZooKeeper raw = rawClient()) {
            Stat stat = new Stat();
            Map<String, Object> acl = Map.of("principal", "User:alice", "permissionType", "Allow", "operation", "IdempotentWrite",
                    "host", "*");
            assertThat(json(raw, chroot + "/kafka-acl/Topic/orders", stat)).isEqualTo(Map.of("version", 1L, "acls", List.of(acl)));
            assertThat(json(raw, chroot + "/kafka-acl-extended/prefixed/TransactionalId/tx-", stat))
                    .isEqualTo(Map.of("version", 1L, "acls", List.of(acl)));
            List<String> literalChanges = raw.getChildren(chroot + "/kafka-acl-changes", false);
            assertThat(literalChanges).hasSize(1).allMatch(c -> c.matches("acl_changes_\\d{10}"));
            assertThat(new String(raw.getData(chroot + "/kafka-acl-changes/" + literalChanges.get(0), false, stat),
                    StandardCharsets.UTF_8)).isEqualTo("Topic:orders");
            List<String> extendedChanges = raw.getChildren(chroot + "/kafka-acl-extended-changes", false);
            assertThat(json(raw, chroot + "/kafka-acl-extended-changes/" + extendedChanges.get(0), stat)).isEqualTo(Map.of(
                    "version", 1L, "resourceType", "TransactionalId", "name", "tx-", "patternType", "PREFIXED"));
        }
    }

    @Test
    void clustersInDifferentChrootsDoNotSeeEachOther() throws Exception {
        try (ClusterMetadataStore a = ZooKeeperMetadataStore.connect(settings(chroot + "/a/deep"), Time.SYSTEM);
             ClusterMetadataStore b = ZooKeeperMetadataStore.connect(settings(chroot + "/b"), Time.SYSTEM)) {
            a.registerBroker(broker(1, 9092, null));
            b.registerBroker(broker(1, 9093, null)); // the same id in another cluster
            elected(a, 1);
            elected(b, 1);
            assertThat(a.liveBrokers().get(1).info().endpoints().get(0).port()).isEqualTo(9092);
            assertThat(b.liveBrokers().get(1).info().endpoints().get(0).port()).isEqualTo(9093);
            assertThat(a.reserveProducerIdBlock(1, 10)).isEqualTo(0);
            assertThat(b.reserveProducerIdBlock(1, 10)).isEqualTo(0);
        }
    }

    @Test
    void theProviderIsFoundByServiceLoaderWhenZookeeperConnectIsSet() {
        try (ClusterMetadataStore store = ClusterMetadataStores.open(
                Map.of("zookeeper.connect", server.connectString() + chroot, "zookeeper.session.timeout.ms", "4000"),
                Time.SYSTEM)) {
            assertThat(store).isInstanceOf(ZooKeeperMetadataStore.class);
            assertThat(store.clusterId("found")).isEqualTo("found");
        }
    }

    @Test
    void anUnreachableServerFailsWithinTheConnectionTimeout() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            deadPort = s.getLocalPort();
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> ZooKeeperMetadataStore.connect(
                new ZooKeeperSettings("127.0.0.1:" + deadPort, "", 4000, 500), Time.SYSTEM))
                .isInstanceOf(ClusterStoreException.class).hasMessageContaining("timed out after 500 ms");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5000);
    }

    @Test
    void aSessionThatTimesOutIsReplacedAndTheOthersSeeItsRegistrationGo() throws Exception {
        ClusterMetadataStore other = session();
        ClusterMetadataStore store = session();
        Events events = new Events();
        store.addListener(events);
        store.registerBroker(broker(5, 9092, null));
        ZooKeeperMetadataStore zk = (ZooKeeperMetadataStore) store;
        long first = zk.sessionId();
        expire(store);
        assertThat(zk.sessionId()).isNotEqualTo(first);
        await("the listener heard of both", () -> events.saw("expired") && events.saw("established"));
        await("the registration is gone", () -> !other.liveBrokers().containsKey(5));
    }

    @Test
    void readsWaitForTheConnectionToComeBackWithinTheSession() throws Exception {
        Path dir = dataDir.resolve("restarted");
        ZooKeeperServerRunner own = ZooKeeperServerRunner.start(new InetSocketAddress("127.0.0.1", 0), dir, 100);
        int port = own.port();
        try (ZooKeeperMetadataStore store = ZooKeeperMetadataStore.connect(
                new ZooKeeperSettings("127.0.0.1:" + port, "", 4000, 10_000), Time.SYSTEM)) {
            store.registerBroker(broker(1, 9092, null));
            long session = store.sessionId();
            own.close();
            Thread restart = new Thread(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                // the same port and data: the server knows the session and the client resumes it
                ZooKeeperServerRunner again = ZooKeeperServerRunner.start(new InetSocketAddress("127.0.0.1", port), dir, 100);
                restarted[0] = again;
            });
            restart.start();
            try {
                // issued while the server is down: waits for the reconnection instead of failing
                assertThat(store.liveBrokers()).containsOnlyKeys(1);
                assertThat(store.sessionId()).isEqualTo(session);
            } finally {
                restart.join(10_000);
            }
        } finally {
            if (restarted[0] != null) {
                restarted[0].close();
            }
        }
    }

    @Test
    void settingsAreReadWithKafkasNamesAndDefaults() {
        ZooKeeperSettings s = ZooKeeperSettings.from(Map.of("zookeeper.connect", "zk1:2181,zk2:2181/kafka/prod"));
        assertThat(s.hosts()).isEqualTo("zk1:2181,zk2:2181");
        assertThat(s.chroot()).isEqualTo("/kafka/prod");
        assertThat(s.sessionTimeoutMs()).isEqualTo(6_000);
        assertThat(s.connectionTimeoutMs()).isEqualTo(6_000);
        assertThat(ZooKeeperSettings.from(Map.of("zookeeper.connect", "zk:2181", "zookeeper.session.timeout.ms", "6000",
                "zookeeper.connection.timeout.ms", "3000"))).isEqualTo(new ZooKeeperSettings("zk:2181", "", 6000, 3000));
        assertThatThrownBy(() -> ZooKeeperSettings.from(Map.of("zookeeper.connect", "zk:2181/bad/")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZooKeeperSettings.from(Map.of("zookeeper.connect", "zk:2181", "zookeeper.session.timeout.ms", "soon")))
                .hasMessageContaining("zookeeper.session.timeout.ms");
    }
}
