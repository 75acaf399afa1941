package dev.sluice.api.testing;

import dev.sluice.api.cluster.BrokerEndpoint;
import dev.sluice.api.cluster.BrokerInfo;
import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.api.cluster.ControllerLease;
import dev.sluice.api.cluster.ElectionOutcome;
import dev.sluice.api.cluster.PartitionState;
import dev.sluice.api.cluster.RegisteredBroker;
import dev.sluice.api.cluster.RegistrationOutcome;
import dev.sluice.api.cluster.TopicAssignment;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.cluster.WriteOutcome;
import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.AclPermissionType;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ClusterMetadataStore} must do, run against each implementation: a subclass
 * says how to open another session on the same cluster and how to make a session expire.
 * Sessions opened through {@link #session()} are closed after each test.
 */
public abstract class ClusterMetadataStoreContract {

    private final List<ClusterMetadataStore> opened = new ArrayList<>();

    /** Opens a new session on this test's cluster (the same cluster for every call of one test). */
    protected abstract ClusterMetadataStore connect() throws Exception;

    /** Ends the session as the coordination service would when it times out; returns once it has. */
    protected abstract void expire(ClusterMetadataStore session) throws Exception;

    protected final ClusterMetadataStore session() throws Exception {
        ClusterMetadataStore s = connect();
        opened.add(s);
        return s;
    }

    @AfterEach
    public void closeSessions() {
        opened.forEach(ClusterMetadataStore::close);
    }

    protected static BrokerInfo broker(int id, int port, String rack) {
        return new BrokerInfo(id, List.of(BrokerEndpoint.plaintext("127.0.0.1", port)), Optional.ofNullable(rack));
    }

    protected static ControllerLease elected(ClusterMetadataStore store, int brokerId) {
        ElectionOutcome outcome = store.elect(brokerId);
        assertThat(outcome).isInstanceOf(ElectionOutcome.Elected.class);
        return ((ElectionOutcome.Elected) outcome).lease();
    }

    protected static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(10);
        }
    }

    private static TopicAssignment assignment(String name, int partitions) {
        Map<Integer, List<Integer>> replicas = new java.util.TreeMap<>();
        for (int p = 0; p < partitions; p++) {
            replicas.put(p, List.of(p % 3, (p + 1) % 3));
        }
        return new TopicAssignment(name, UUID.randomUUID(), replicas);
    }

    /** Records the events a session's listener saw. */
    protected static final class Events implements ClusterListener {
        public final ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();

        public Events() {
        }

        @Override public void brokersChanged() { seen.add("brokers"); }
        @Override public void controllerChanged() { seen.add("controller"); }
        @Override public void topicsChanged() { seen.add("topics"); }
        @Override public void partitionStateChanged(String topic, int partition) { seen.add("state " + topic + "-" + partition); }
        @Override public void topicDeletionRequested() { seen.add("delete"); }
        @Override public void configChanged(ConfigEntity entity) { seen.add("config " + entity.type() + " " + entity.name()); }
        @Override public void sessionExpired() { seen.add("expired"); }
        @Override public void sessionEstablished() { seen.add("established"); }

        public boolean saw(String event) {
            return seen.contains(event);
        }
    }

    // ---- tests

    @Test
    public void theFirstProposedClusterIdSticks() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        assertThat(a.clusterId("first-id")).isEqualTo("first-id");
        assertThat(b.clusterId("second-id")).isEqualTo("first-id");
    }

    @Test
    public void registrationIsEphemeralAndEveryRegistrationHasANewerEpoch() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        Events events = new Events();
        b.addListener(events);

        RegistrationOutcome first = a.registerBroker(broker(1, 9092, "r1"));
        assertThat(first).isInstanceOf(RegistrationOutcome.Registered.class);
        assertThat(b.registerBroker(broker(2, 9093, null))).isInstanceOf(RegistrationOutcome.Registered.class);
        // the same id from another live session is refused
        assertThat(b.registerBroker(broker(1, 9094, null))).isEqualTo(new RegistrationOutcome.IdInUse(1));

        Map<Integer, RegisteredBroker> live = b.liveBrokers();
        assertThat(live).containsOnlyKeys(1, 2);
        assertThat(live.get(1).info()).isEqualTo(broker(1, 9092, "r1"));
        assertThat(live.get(1).epoch()).isEqualTo(((RegistrationOutcome.Registered) first).brokerEpoch());
        assertThat(live.get(2).info().rack()).isEmpty();
        await("b sees brokers change", () -> events.saw("brokers"));

        a.close();
        await("broker 1 gone", () -> !b.liveBrokers().containsKey(1));
        // broker 1 comes back (a bounce): a newer epoch than before
        ClusterMetadataStore again = session();
        RegistrationOutcome second = again.registerBroker(broker(1, 9092, "r1"));
        assertThat(((RegistrationOutcome.Registered) second).brokerEpoch())
                .isGreaterThan(((RegistrationOutcome.Registered) first).brokerEpoch());
        assertThat(b.liveBrokers().get(1).epoch()).isEqualTo(((RegistrationOutcome.Registered) second).brokerEpoch());
    }

    @Test
    public void oneControllerAtATimeAndEveryElectionRaisesTheEpoch() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        Events events = new Events();
        b.addListener(events);
        assertThat(a.controllerId()).isEmpty();
        int before = a.controllerEpoch();

        ControllerLease leaseA = elected(a, 1);
        assertThat(leaseA.epoch()).isEqualTo(before + 1);
        assertThat(b.elect(2)).isEqualTo(new ElectionOutcome.AlreadyElected(1));
        assertThat(b.controllerId()).hasValue(1);
        assertThat(b.controllerEpoch()).isEqualTo(leaseA.epoch());
        await("b sees the controller change", () -> events.saw("controller"));

        a.close();
        await("controller gone", () -> b.controllerId().isEmpty());
        ControllerLease leaseB = elected(b, 2);
        assertThat(leaseB.epoch()).isEqualTo(leaseA.epoch() + 1);
        assertThat(leaseB.epochVersion()).isGreaterThan(leaseA.epochVersion());

        b.resign(leaseB);
        assertThat(b.controllerId()).isEmpty();
        assertThat(elected(b, 2).epoch()).isEqualTo(leaseB.epoch() + 1);
    }

    @Test
    public void concurrentElectionsHaveExactlyOneWinner() throws Exception {
        int n = 4;
        List<ClusterMetadataStore> sessions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sessions.add(session());
        }
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<ElectionOutcome> outcomes = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ClusterMetadataStore s = sessions.get(i);
            int id = i;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    outcomes.add(s.elect(id));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }
        assertThat(outcomes).hasSize(n);
        assertThat(outcomes).filteredOn(o -> o instanceof ElectionOutcome.Elected).hasSize(1);
        int winner = outcomes.stream().filter(o -> o instanceof ElectionOutcome.Elected)
                .map(o -> ((ElectionOutcome.Elected) o).lease().brokerId()).findFirst().orElseThrow();
        assertThat(outcomes).filteredOn(o -> o instanceof ElectionOutcome.AlreadyElected)
                .allSatisfy(o -> assertThat(((ElectionOutcome.AlreadyElected) o).controllerId()).isEqualTo(winner));
    }

    @Test
    public void aDeposedControllersWritesAreFenced() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        ControllerLease old = elected(a, 1);
        TopicAssignment topic = assignment("fenced", 2);
        assertThat(a.createTopic(topic).written()).isTrue();
        assertThat(a.createPartitionStates(old, "fenced", Map.of(0, new PartitionState(0, 0, List.of(0, 1), old.epoch()))))
                .isEqualTo(WriteOutcome.WRITTEN_NEW);

        // a is deposed without knowing it: its session expires and b wins the next election
        expire(a);
        await("controller gone", () -> b.controllerId().isEmpty());
        ControllerLease current = elected(b, 2);

        PartitionState zombie = new PartitionState(1, 1, List.of(1), old.epoch());
        assertThat(a.updatePartitionState(old, "fenced", 0, zombie, 0)).isEqualTo(new WriteOutcome.Fenced(old));
        assertThat(a.createPartitionStates(old, "fenced", Map.of(1, zombie))).isEqualTo(new WriteOutcome.Fenced(old));
        assertThat(a.deleteTopic(old, "fenced")).isEqualTo(new WriteOutcome.Fenced(old));
        // nothing of the zombie's landed
        assertThat(b.partitionState("fenced", 0).orElseThrow().value().leader()).isEqualTo(0);
        assertThat(b.partitionState("fenced", 1)).isEmpty();
        assertThat(b.topic("fenced")).isPresent();

        // the new controller writes fine
        PartitionState next = new PartitionState(1, 1, List.of(1), current.epoch());
        assertThat(b.updatePartitionState(current, "fenced", 0, next, 0)).isEqualTo(new WriteOutcome.Written(1));
        assertThat(a.partitionState("fenced", 0).orElseThrow()).isEqualTo(new Versioned<>(next, 1));
    }

    @Test
    public void partitionStateWritesAreConditionalOnTheReadVersion() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        Events events = new Events();
        b.addListener(events);
        ControllerLease lease = elected(a, 1);
        assertThat(a.createPartitionStates(lease, "missing", Map.of(0, new PartitionState(0, 0, List.of(0), 1))))
                .isInstanceOf(WriteOutcome.NotFound.class);
        assertThat(a.createTopic(assignment("t", 3)).written()).isTrue();
        Map<Integer, PartitionState> initial = Map.of(
                0, new PartitionState(0, 0, List.of(0, 1), lease.epoch()),
                1, new PartitionState(1, 0, List.of(1, 2), lease.epoch()),
                2, new PartitionState(2, 0, List.of(2, 0), lease.epoch()));
        assertThat(a.createPartitionStates(lease, "t", initial)).isEqualTo(WriteOutcome.WRITTEN_NEW);
        assertThat(a.createPartitionStates(lease, "t", Map.of(1, initial.get(1)))).isInstanceOf(WriteOutcome.AlreadyExists.class);
        Map<Integer, Versioned<PartitionState>> read = b.partitionStates("t");
        assertThat(read).hasSize(3);
        assertThat(read.get(2)).isEqualTo(new Versioned<>(initial.get(2), 0));

        PartitionState shrunk = new PartitionState(0, 1, List.of(0), lease.epoch());
        assertThat(a.updatePartitionState(lease, "t", 0, shrunk, 0)).isEqualTo(new WriteOutcome.Written(1));
        // a write based on the old version loses
        PartitionState stale = new PartitionState(1, 1, List.of(1), lease.epoch());
        assertThat(a.updatePartitionState(lease, "t", 0, stale, 0)).isEqualTo(new WriteOutcome.VersionConflict(0));
        assertThat(a.updatePartitionState(lease, "t", 7, stale, 0)).isInstanceOf(WriteOutcome.NotFound.class);
        assertThat(b.partitionState("t", 0)).hasValue(new Versioned<>(shrunk, 1));
        await("b sees the state change", () -> events.saw("state t-0"));
    }

    @Test
    public void topicsAreCreatedOnceAndUpdatedConditionally() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        Events events = new Events();
        b.addListener(events);
        TopicAssignment t = assignment("orders", 2);
        assertThat(a.createTopic(t)).isEqualTo(WriteOutcome.WRITTEN_NEW);
        assertThat(b.createTopic(assignment("orders", 5))).isInstanceOf(WriteOutcome.AlreadyExists.class);
        assertThat(b.topic("orders")).hasValue(new Versioned<>(t, 0));
        assertThat(b.topicNames()).containsExactly("orders");
        assertThat(b.topic("nope")).isEmpty();
        await("b sees the topic", () -> events.saw("topics"));

        TopicAssignment grown = new TopicAssignment("orders", t.topicId(),
                Map.of(0, List.of(0, 1), 1, List.of(1, 2), 2, List.of(2, 0)));
        assertThat(b.updateTopic(grown, 0)).isEqualTo(new WriteOutcome.Written(1));
        assertThat(a.updateTopic(grown, 0)).isEqualTo(new WriteOutcome.VersionConflict(0));
        assertThat(a.updateTopic(assignment("other", 1), 0)).isInstanceOf(WriteOutcome.NotFound.class);
        assertThat(a.topic("orders").orElseThrow().value().partitionCount()).isEqualTo(3);
    }

    @Test
    public void topicDeletionIsRequestedByAnyoneAndDoneByTheController() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        Events events = new Events();
        a.addListener(events);
        ControllerLease lease = elected(a, 1);
        a.createTopic(assignment("doomed", 1));
        a.createPartitionStates(lease, "doomed", Map.of(0, new PartitionState(0, 0, List.of(0), lease.epoch())));
        b.setConfig(ConfigEntity.topic("doomed"), Map.of("retention.ms", "1000"));

        b.requestTopicDeletion("doomed");
        b.requestTopicDeletion("doomed");
        await("the controller hears of the request", () -> events.saw("delete"));
        assertThat(a.topicDeletionRequests()).containsExactly("doomed");

        assertThat(a.deleteTopic(lease, "doomed")).isEqualTo(WriteOutcome.WRITTEN_NEW);
        assertThat(b.topic("doomed")).isEmpty();
        assertThat(b.partitionStates("doomed")).isEmpty();
        assertThat(b.config(ConfigEntity.topic("doomed"))).isEmpty();
        assertThat(b.topicDeletionRequests()).isEmpty();
        assertThat(a.deleteTopic(lease, "doomed")).isInstanceOf(WriteOutcome.NotFound.class);
        // the name can be used again
        assertThat(b.createTopic(assignment("doomed", 1))).isEqualTo(WriteOutcome.WRITTEN_NEW);
    }

    @Test
    public void configsOfTopicsBrokersAndTheBrokerDefault() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        Events events = new Events();
        b.addListener(events);
        a.setConfig(ConfigEntity.topic("t"), Map.of("retention.ms", "5", "cleanup.policy", "compact"));
        a.setConfig(ConfigEntity.broker(3), Map.of("log.retention.ms", "7"));
        a.setConfig(ConfigEntity.brokerDefault(), Map.of("log.retention.ms", "9"));
        assertThat(b.config(ConfigEntity.topic("t"))).isEqualTo(Map.of("retention.ms", "5", "cleanup.policy", "compact"));
        assertThat(b.config(ConfigEntity.broker(3))).isEqualTo(Map.of("log.retention.ms", "7"));
        assertThat(b.config(ConfigEntity.brokerDefault())).isEqualTo(Map.of("log.retention.ms", "9"));
        assertThat(b.config(ConfigEntity.broker(4))).isEmpty();
        await("b hears of the broker default", () -> events.saw("config BROKER <default>"));
        await("b hears of the topic config", () -> events.saw("config TOPIC t"));

        a.setConfig(ConfigEntity.topic("t"), Map.of());
        assertThat(b.config(ConfigEntity.topic("t"))).isEmpty();
    }

    @Test
    public void clientQuotasOfUsersClientsAndBothAreListedByTypeAndAnnounced() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        Events events = new Events();
        b.addListener(events);
        ConfigEntity userAndClient = new ConfigEntity(ConfigEntity.Type.USER, "alice" + ConfigEntity.USER_CLIENT_SEPARATOR + "app%2F1");
        a.setConfig(new ConfigEntity(ConfigEntity.Type.CLIENT, "<default>"), Map.of("producer_byte_rate", "1024.0"));
        a.setConfig(new ConfigEntity(ConfigEntity.Type.USER, "alice"), Map.of("consumer_byte_rate", "2048.0"));
        a.setConfig(userAndClient, Map.of("request_percentage", "50.0"));
        assertThat(b.configs(ConfigEntity.Type.CLIENT)).isEqualTo(Map.of(
                new ConfigEntity(ConfigEntity.Type.CLIENT, "<default>"), Map.of("producer_byte_rate", "1024.0")));
        assertThat(b.configs(ConfigEntity.Type.USER)).isEqualTo(Map.of(
                new ConfigEntity(ConfigEntity.Type.USER, "alice"), Map.of("consumer_byte_rate", "2048.0"),
                userAndClient, Map.of("request_percentage", "50.0")));
        await("b hears of the user-and-client quota", () -> events.saw("config USER alice/clients/app%2F1"));
        await("b hears of the client default", () -> events.saw("config CLIENT <default>"));

        a.setConfig(userAndClient, Map.of());
        assertThat(b.configs(ConfigEntity.Type.USER)).containsOnlyKeys(new ConfigEntity(ConfigEntity.Type.USER, "alice"));
        assertThat(b.configs(ConfigEntity.Type.TOPIC)).isEmpty();
    }

    /**
     * Writers of different keys of one entity (a user's quotas and its SCRAM credentials), on two sessions
     * at once: each change is a read-modify-write of the whole entity, and none may be lost.
     */
    @Test
    public void concurrentUpdatesOfOneEntityLoseNoChange() throws Exception {
        List<ClusterMetadataStore> sessions = List.of(session(), session());
        ConfigEntity user = new ConfigEntity(ConfigEntity.Type.USER, "carol");
        sessions.get(0).setConfig(user, Map.of("SCRAM-SHA-256", "kept"));
        int writers = 4;
        int changes = 15;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            ClusterMetadataStore s = sessions.get(w % 2);
            String prefix = "writer" + w + ".";
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < changes; i++) {
                        String key = prefix + i;
                        s.updateConfig(user, current -> {
                            Map<String, String> next = new java.util.HashMap<>(current);
                            next.put(key, "v");
                            return next;
                        });
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(failures).isEmpty();
        Map<String, String> stored = sessions.get(1).config(user);
        assertThat(stored).hasSize(writers * changes + 1).containsEntry("SCRAM-SHA-256", "kept");
    }

    @Test
    public void aTopicIsCreatedWithItsConfigsInOneWriteAndATakenNameChangesNothing() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        Events events = new Events();
        b.addListener(events);
        // a config left over under the name (e.g. written by a tool) is replaced
        a.setConfig(ConfigEntity.topic("configured"), Map.of("segment.bytes", "2048"));
        assertThat(a.createTopic(assignment("configured", 2), Map.of("retention.ms", "60000", "max.message.bytes", "100")))
                .isEqualTo(WriteOutcome.WRITTEN_NEW);
        await("b hears of the topic", () -> events.saw("topics"));
        assertThat(b.topic("configured")).isPresent();
        assertThat(b.config(ConfigEntity.topic("configured")))
                .isEqualTo(Map.of("retention.ms", "60000", "max.message.bytes", "100"));

        assertThat(b.createTopic(assignment("configured", 5), Map.of("retention.ms", "1")))
                .isInstanceOf(WriteOutcome.AlreadyExists.class);
        assertThat(a.config(ConfigEntity.topic("configured")))
                .isEqualTo(Map.of("retention.ms", "60000", "max.message.bytes", "100"));
        assertThat(a.topic("configured").orElseThrow().value().partitionCount()).isEqualTo(2);

        assertThat(a.createTopic(assignment("plain", 1), Map.of())).isEqualTo(WriteOutcome.WRITTEN_NEW);
        assertThat(b.config(ConfigEntity.topic("plain"))).isEmpty();
    }

    @Test
    public void producerIdBlocksAreUniqueAcrossSessions() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        int size = 1000;
        ConcurrentLinkedQueue<Long> firsts = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (ClusterMetadataStore s : List.of(a, b)) {
            for (int t = 0; t < 2; t++) {
                Thread thread = new Thread(() -> {
                    for (int i = 0; i < 10; i++) {
                        firsts.add(s.reserveProducerIdBlock(s == a ? 1 : 2, size));
                    }
                });
                thread.start();
                threads.add(thread);
            }
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertThat(firsts).hasSize(40);
        Set<Long> distinct = new HashSet<>(firsts);
        assertThat(distinct).hasSize(40);
        // blocks never overlap: sorted, each starts at or after the previous one's end
        List<Long> sorted = distinct.stream().sorted().toList();
        for (int i = 1; i < sorted.size(); i++) {
            assertThat(sorted.get(i)).isGreaterThanOrEqualTo(sorted.get(i - 1) + size);
        }
        assertThat(sorted.get(0)).isGreaterThanOrEqualTo(0L);
    }

    @Test
    public void sessionExpiryDropsRegistrationAndControllershipAndIsReported() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        Events aEvents = new Events();
        a.addListener(aEvents);
        long firstEpoch = ((RegistrationOutcome.Registered) a.registerBroker(broker(1, 9092, null))).brokerEpoch();
        elected(a, 1);

        expire(a);
        await("a hears of its expiry", () -> aEvents.saw("expired"));
        await("a hears of its new session", () -> aEvents.saw("established"));
        List<String> order = new ArrayList<>(aEvents.seen);
        assertThat(order.indexOf("expired")).isLessThan(order.indexOf("established"));
        await("b sees broker 1 gone", () -> !b.liveBrokers().containsKey(1));
        assertThat(b.controllerId()).isEmpty();

        // the new session works: re-registration gives a newer epoch
        RegistrationOutcome again = a.registerBroker(broker(1, 9092, null));
        assertThat(((RegistrationOutcome.Registered) again).brokerEpoch()).isGreaterThan(firstEpoch);
        assertThat(b.liveBrokers()).containsKey(1);
        assertThat(elected(a, 1).epoch()).isGreaterThan(1);
    }

    @Test
    public void aclsAreWrittenConditionallyPerPatternAndEverySessionSeesThem() throws Exception {
        ClusterMetadataStore a = session();
        ClusterMetadataStore b = session();
        ConcurrentLinkedQueue<ResourcePattern> changed = new ConcurrentLinkedQueue<>();
        b.addListener(new ClusterListener() {
            @Override
            public void aclsChanged(ResourcePattern pattern) {
                changed.add(pattern);
            }
        });
        ResourcePattern orders = ResourcePattern.literal(ResourceType.TOPIC, "orders");
        ResourcePattern payments = ResourcePattern.prefixed(ResourceType.GROUP, "payments-");
        AccessControlEntry aliceReads = new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW);
        AccessControlEntry bobDenied = new AccessControlEntry("User:bob", "10.0.0.1", AclOperation.ALL, AclPermissionType.DENY);

        assertThat(a.writeAcls(orders, Set.of(aliceReads), -1)).isEqualTo(new WriteOutcome.Written(0));
        assertThat(a.writeAcls(orders, Set.of(bobDenied), -1)).isInstanceOf(WriteOutcome.VersionConflict.class);
        assertThat(b.writeAcls(payments, Set.of(bobDenied), -1)).isEqualTo(new WriteOutcome.Written(0));
        assertThat(b.writeAcls(orders, Set.of(aliceReads, bobDenied), 0)).isEqualTo(new WriteOutcome.Written(1));
        assertThat(a.writeAcls(orders, Set.of(aliceReads), 0)).isInstanceOf(WriteOutcome.VersionConflict.class);

        assertThat(a.acls()).containsOnlyKeys(orders, payments);
        assertThat(a.acls().get(orders)).isEqualTo(new Versioned<>(Set.of(aliceReads, bobDenied), 1));
        assertThat(a.acls().get(payments).value()).containsExactly(bobDenied);
        await("b saw both patterns change", () -> changed.contains(orders) && changed.contains(payments));

        assertThat(a.writeAcls(orders, Set.of(), 1).written()).isTrue();
        assertThat(b.acls()).containsOnlyKeys(payments);
    }
}
