package dev.sluice.broker.security;

import dev.sluice.broker.Broker;
import dev.sluice.broker.PrincipalsByClientId;
import dev.sluice.broker.api.Authorization;
import dev.sluice.broker.config.BrokerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The ACL matrix with kafka-clients 4.1: for each API the principal an ACL allows succeeds and another gets
 * Kafka's *_AUTHORIZATION_FAILED (as the client's exception), with prefixed and deny ACLs, a super user and
 * topics hidden from Metadata. Connections get their principals from their client ids
 * ({@link PrincipalsByClientId}: {@code as-alice-…} is {@code User:alice}), the seam a SASL login uses.
 *
 * <p>Who may do what: {@code admin} is a super user; {@code alice} owns topic {@code orders} (read, write,
 * describe configs, delete records, alter), group {@code g-alice}, transactional id {@code tx-alice} and may
 * create topics prefixed {@code alice-}; {@code bob} may only describe {@code orders} and read group
 * {@code g-bob}; {@code carol} may do everything on topics prefixed {@code pay-} but is denied writing
 * {@code pay-secret}; {@code dave} has CREATE on the cluster.
 */
class AclMatrixTest {
    @TempDir
    static Path dir;
    static Broker broker;
    static String bootstrap;
    static final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        broker = PrincipalsByClientId.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.toString(), "num.io.threads", "2", "num.network.threads", "1",
                "authorizer.class.name", "acl", "super.users", "User:admin", "group.initial.rebalance.delay.ms", "0")));
        bootstrap = broker.bootstrapServers();
        Admin admin = admin("admin");
        admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1), new NewTopic("hidden", 1, (short) 1),
                new NewTopic("pay-1", 1, (short) 1), new NewTopic("pay-secret", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
        admin.createAcls(List.of(
                allow("alice", ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.READ),
                allow("alice", ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.WRITE),
                allow("alice", ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.DESCRIBE_CONFIGS),
                allow("alice", ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.DELETE),
                allow("alice", ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.ALTER),
                allow("alice", ResourceType.TOPIC, "alice-", PatternType.PREFIXED, AclOperation.CREATE),
                allow("alice", ResourceType.GROUP, "g-alice", PatternType.LITERAL, AclOperation.READ),
                allow("alice", ResourceType.TRANSACTIONAL_ID, "tx-alice", PatternType.LITERAL, AclOperation.WRITE),
                allow("bob", ResourceType.TOPIC, "orders", PatternType.LITERAL, AclOperation.DESCRIBE),
                allow("bob", ResourceType.GROUP, "g-bob", PatternType.LITERAL, AclOperation.READ),
                allow("carol", ResourceType.TOPIC, "pay-", PatternType.PREFIXED, AclOperation.ALL),
                new AclBinding(new ResourcePattern(ResourceType.TOPIC, "pay-secret", PatternType.LITERAL),
                        new AccessControlEntry("User:carol", "*", AclOperation.WRITE, AclPermissionType.DENY)),
                allow("dave", ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL, AclOperation.CREATE)))
                .all().get(20, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static AclBinding allow(String user, ResourceType type, String name, PatternType pattern, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, pattern), new AccessControlEntry("User:" + user, "*", op,
                AclPermissionType.ALLOW));
    }

    private static Admin admin(String user) {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, PrincipalsByClientId.clientIdOf(user, "admin"),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
        clients.add(admin);
        return admin;
    }

    private static KafkaProducer<String, String> producer(String user, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, PrincipalsByClientId.clientIdOf(user, "producer" + clients.size()),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
        config.putAll(extra);
        KafkaProducer<String, String> producer = new KafkaProducer<>(config);
        clients.add(producer);
        return producer;
    }

    private static KafkaConsumer<String, String> consumer(String user, String group) {
        Map<String, Object> config = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.CLIENT_ID_CONFIG, PrincipalsByClientId.clientIdOf(user, "consumer" + clients.size()),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config);
        clients.add(consumer);
        return consumer;
    }

    private static void assertRefused(KafkaFuture<?> future, Class<? extends Throwable> expected) {
        assertThatThrownBy(() -> future.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOf(expected);
    }

    @Test
    void produceNeedsWriteOnTheTopicAndTransactionsWriteOnTheirId() throws Exception {
        producer("alice", Map.of()).send(new ProducerRecord<>("orders", "k", "by alice")).get(20, TimeUnit.SECONDS);

        // bob may describe orders (Metadata answers) but not write: Produce itself refuses
        KafkaProducer<String, String> bob = producer("bob", Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.ACKS_CONFIG, "1"));
        assertThatThrownBy(() -> bob.send(new ProducerRecord<>("orders", "k", "by bob")).get(20, TimeUnit.SECONDS))
                .cause().isInstanceOf(TopicAuthorizationException.class);
        // an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic (InitProducerId)
        KafkaProducer<String, String> bobIdempotent = producer("bob", Map.of());
        assertThatThrownBy(() -> bobIdempotent.send(new ProducerRecord<>("orders", "k", "v")).get(20, TimeUnit.SECONDS))
                .cause().isInstanceOf(ClusterAuthorizationException.class);

        KafkaProducer<String, String> transactional = producer("alice", Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-alice"));
        transactional.initTransactions();
        transactional.beginTransaction();
        transactional.send(new ProducerRecord<>("orders", "k", "in a transaction"));
        transactional.commitTransaction();
        KafkaProducer<String, String> impostor = producer("bob", Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-alice"));
        assertThatThrownBy(impostor::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
    }

    @Test
    void consumingNeedsReadOnTheTopicAndTheGroup() throws Exception {
        producer("alice", Map.of()).send(new ProducerRecord<>("orders", 0, "k", "to read")).get(20, TimeUnit.SECONDS);
        KafkaConsumer<String, String> alice = consumer("alice", "g-alice");
        alice.subscribe(List.of("orders"));
        ConsumerRecords<String, String> records = ConsumerRecords.empty();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (records.isEmpty() && System.nanoTime() < deadline) {
            records = alice.poll(Duration.ofMillis(200));
        }
        assertThat(records.isEmpty()).isFalse();
        alice.commitSync();

        KafkaConsumer<String, String> bobFetching = consumer("bob", null);
        bobFetching.assign(List.of(new TopicPartition("orders", 0)));
        bobFetching.seekToBeginning(List.of(new TopicPartition("orders", 0)));
        assertThatThrownBy(() -> pollUntilFailure(bobFetching)).isInstanceOf(TopicAuthorizationException.class);

        KafkaConsumer<String, String> bobInAlicesGroup = consumer("bob", "g-alice");
        bobInAlicesGroup.subscribe(List.of("orders"));
        assertThatThrownBy(() -> pollUntilFailure(bobInAlicesGroup)).isInstanceOf(GroupAuthorizationException.class);

        // bob's own group, alice's topic: the commit names a topic bob may not read
        KafkaConsumer<String, String> bobCommitting = consumer("bob", "g-bob");
        assertThatThrownBy(() -> bobCommitting.commitSync(Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(1))))
                .isInstanceOf(TopicAuthorizationException.class);
    }

    private static void pollUntilFailure(KafkaConsumer<String, String> consumer) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200));
        }
        throw new AssertionError("the consumer was never refused");
    }

    @Test
    void metadataHidesTopicsThePrincipalMayNotDescribe() throws Exception {
        assertThat(admin("bob").listTopics().names().get(20, TimeUnit.SECONDS)).containsExactly("orders");
        assertThat(admin("carol").listTopics().names().get(20, TimeUnit.SECONDS)).containsExactlyInAnyOrder("pay-1", "pay-secret");
        assertThat(admin("admin").listTopics().names().get(20, TimeUnit.SECONDS)).contains("orders", "hidden", "pay-1");
        assertRefused(admin("bob").describeTopics(List.of("hidden")).allTopicNames(), TopicAuthorizationException.class);
        // a name that does not exist is refused the same way: existence is not disclosed
        assertRefused(admin("bob").describeTopics(List.of("no-such-topic")).allTopicNames(), TopicAuthorizationException.class);
    }

    @Test
    void creatingTopicsNeedsCreateOnTheTopicOrTheCluster() throws Exception {
        admin("alice").createTopics(List.of(new NewTopic("alice-new", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
        assertRefused(admin("alice").createTopics(List.of(new NewTopic("bob-new", 1, (short) 1))).all(),
                TopicAuthorizationException.class);
        admin("dave").createTopics(List.of(new NewTopic("anything-dave", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
        assertRefused(admin("bob").createTopics(List.of(new NewTopic("bob-new", 1, (short) 1))).all(),
                TopicAuthorizationException.class);
        // auto-creation through Metadata is creation too
        KafkaProducer<String, String> bob = producer("bob", Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false));
        assertThatThrownBy(() -> bob.send(new ProducerRecord<>("bob-auto", "v")).get(20, TimeUnit.SECONDS))
                .cause().isInstanceOf(TopicAuthorizationException.class);
        assertThat(admin("admin").listTopics().names().get(20, TimeUnit.SECONDS)).doesNotContain("bob-new", "bob-auto");
    }

    @Test
    void topicAdministrationNeedsItsOperationOnTheTopic() throws Exception {
        Admin alice = admin("alice");
        Admin bob = admin("bob");
        ConfigResource orders = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
        assertThat(alice.describeConfigs(List.of(orders)).all().get(20, TimeUnit.SECONDS)).containsKey(orders);
        assertRefused(bob.describeConfigs(List.of(orders)).all(), TopicAuthorizationException.class);
        assertRefused(alice.incrementalAlterConfigs(Map.of(orders, List.of(new AlterConfigOp(new ConfigEntry("retention.ms",
                "100000"), AlterConfigOp.OpType.SET)))).all(), TopicAuthorizationException.class);
        TopicPartition p0 = new TopicPartition("orders", 0);
        assertThat(bob.listOffsets(Map.of(p0, OffsetSpec.latest())).all().get(20, TimeUnit.SECONDS)).containsKey(p0);
        assertRefused(admin("carol").listOffsets(Map.of(p0, OffsetSpec.latest())).all(), TopicAuthorizationException.class);
        alice.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(0))).all().get(20, TimeUnit.SECONDS);
        assertRefused(bob.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(0))).all(), TopicAuthorizationException.class);
        assertRefused(bob.createPartitions(Map.of("orders", NewPartitions.increaseTo(3))).all(), TopicAuthorizationException.class);
        alice.createPartitions(Map.of("orders", NewPartitions.increaseTo(3))).all().get(20, TimeUnit.SECONDS);
        assertRefused(bob.describeProducers(List.of(p0)).all(), TopicAuthorizationException.class);
        assertRefused(bob.deleteTopics(List.of("orders")).all(), TopicAuthorizationException.class);
        admin("carol").deleteTopics(List.of("pay-1")).all().get(20, TimeUnit.SECONDS);
        admin("admin").createTopics(List.of(new NewTopic("pay-1", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
    }

    @Test
    void denyWinsOverAPrefixedAllow() throws Exception {
        KafkaProducer<String, String> carol = producer("carol", Map.of());
        carol.send(new ProducerRecord<>("pay-1", "v")).get(20, TimeUnit.SECONDS);
        assertThatThrownBy(() -> carol.send(new ProducerRecord<>("pay-secret", "v")).get(20, TimeUnit.SECONDS))
                .cause().isInstanceOf(TopicAuthorizationException.class);
    }

    @Test
    void groupAdministrationNeedsItsOperationOnTheGroup() throws Exception {
        consumer("alice", "g-alice").commitSync(Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(0)));
        Admin bob = admin("bob");
        assertRefused(bob.describeConsumerGroups(List.of("g-alice")).all(), GroupAuthorizationException.class);
        assertRefused(bob.listConsumerGroupOffsets("g-alice").partitionsToOffsetAndMetadata(), GroupAuthorizationException.class);
        assertRefused(bob.deleteConsumerGroups(List.of("g-alice")).all(), GroupAuthorizationException.class);
        assertThat(admin("alice").describeConsumerGroups(List.of("g-alice")).all().get(20, TimeUnit.SECONDS)).containsKey("g-alice");
        assertThat(admin("alice").listConsumerGroupOffsets("g-alice").partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS))
                .containsKey(new TopicPartition("orders", 0));
        // ListGroups shows a principal only the groups it may describe
        assertThat(bob.listConsumerGroups().all().get(20, TimeUnit.SECONDS)).noneMatch(g -> g.groupId().equals("g-alice"));
        assertThat(admin("admin").listConsumerGroups().all().get(20, TimeUnit.SECONDS)).anyMatch(g -> g.groupId().equals("g-alice"));
    }

    @Test
    void clusterOperationsNeedTheirOperationOnTheCluster() throws Exception {
        Admin bob = admin("bob");
        assertRefused(bob.describeLogDirs(List.of(broker.config().nodeId())).allDescriptions(), ClusterAuthorizationException.class);
        assertRefused(bob.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "0"))).all(),
                ClusterAuthorizationException.class);
        assertRefused(bob.describeAcls(AclBindingFilter.ANY).values(), ClusterAuthorizationException.class);
        assertRefused(bob.createAcls(List.of(allow("bob", ResourceType.TOPIC, "*", PatternType.LITERAL, AclOperation.ALL))).all(),
                ClusterAuthorizationException.class);
        assertRefused(bob.electLeaders(org.apache.kafka.common.ElectionType.PREFERRED, Set.of(new TopicPartition("orders", 0)))
                .all(), ClusterAuthorizationException.class);
        assertRefused(bob.listPartitionReassignments().reassignments(), ClusterAuthorizationException.class);
        assertRefused(bob.alterPartitionReassignments(Map.of(new TopicPartition("orders", 0), java.util.Optional.empty())).all(),
                ClusterAuthorizationException.class);
        assertRefused(bob.alterReplicaLogDirs(Map.of(new org.apache.kafka.common.TopicPartitionReplica("orders", 0,
                broker.config().nodeId()), "/nowhere")).all(), ClusterAuthorizationException.class);
        assertThat(admin("admin").describeAcls(AclBindingFilter.ANY).values().get(20, TimeUnit.SECONDS)).hasSizeGreaterThan(10);
    }

    @Test
    void aSuperUserIsAllowedEverythingEvenWhenEveryoneIsDenied() throws Exception {
        Admin admin = admin("admin");
        AclBinding denyAll = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "hidden", PatternType.LITERAL),
                new AccessControlEntry("User:*", "*", AclOperation.ALL, AclPermissionType.DENY));
        admin.createAcls(List.of(denyAll)).all().get(20, TimeUnit.SECONDS);
        try {
            producer("admin", Map.of()).send(new ProducerRecord<>("hidden", "v")).get(20, TimeUnit.SECONDS);
            assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "hidden"))).all()
                    .get(20, TimeUnit.SECONDS)).hasSize(1);
        } finally {
            admin.deleteAcls(List.of(denyAll.toFilter())).all().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void everyDenialIsWrittenToTheAuditLog() throws Exception {
        ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
        Logger audit = Logger.getLogger(Authorization.AUDIT_LOGGER);
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        audit.addHandler(capture);
        try {
            assertRefused(admin("bob").describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "orders"))).all(),
                    TopicAuthorizationException.class);
        } finally {
            audit.removeHandler(capture);
        }
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("Principal = User:bob is Denied operation = DescribeConfigs")
                .contains("Topic:LITERAL:orders").contains("DescribeConfigs"));
    }
}
