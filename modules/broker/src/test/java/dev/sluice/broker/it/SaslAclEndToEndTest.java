package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.it.SaslAuthenticationTest.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ACLs end to end with real logins: kafka-clients 4.1 over SASL_PLAINTEXT as PLAIN and SCRAM users of a broker
 * with {@code authorizer.class.name=acl}. The principals come from the logins (the sasl part), the decisions
 * from the ACLs an admin (a super user) created with the Admin API: alice may write and read {@code secured}
 * in group {@code readers}; bob (SCRAM) may only describe it; an unauthenticated-looking user gets nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SaslAclEndToEndTest {
    @TempDir
    Path dir;
    private TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static AclBinding allow(String user, ResourceType type, String name, AclOperation op) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
    }

    @Test
    void saslUsersGetWhatTheirAclsAllowAndNothingElse() throws Exception {
        broker = TestBroker.start(dir, Map.of("listeners", "SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", SaslAuthenticationTest.PLAIN_JAAS,
                "authorizer.class.name", "kafka.security.authorizer.AclAuthorizer", "super.users", "User:admin"));
        String bootstrap = broker.bootstrap();
        try (Admin admin = SaslAuthenticationTest.admin(bootstrap, login("PLAIN", "admin", "admin-secret"))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "bob-secret"))).all().get(20, TimeUnit.SECONDS);
            admin.createTopics(List.of(new NewTopic("secured", 1, (short) 1), new NewTopic("other", 1, (short) 1)))
                    .all().get(20, TimeUnit.SECONDS);
            admin.createAcls(List.of(allow("alice", ResourceType.TOPIC, "secured", AclOperation.WRITE),
                    allow("alice", ResourceType.TOPIC, "secured", AclOperation.READ),
                    allow("alice", ResourceType.GROUP, "readers", AclOperation.READ),
                    allow("bob", ResourceType.TOPIC, "secured", AclOperation.DESCRIBE))).all().get(20, TimeUnit.SECONDS);
        }

        try (KafkaProducer<byte[], byte[]> alice = KafkaClients.producer(bootstrap, login("PLAIN", "alice", "alice-secret"))) {
            alice.send(new ProducerRecord<>("secured", "from-alice".getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS);
        }
        Map<String, Object> aliceReading = new HashMap<>(login("PLAIN", "alice", "alice-secret"));
        aliceReading.put(ConsumerConfig.GROUP_ID_CONFIG, "readers");
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, aliceReading)) {
            consumer.subscribe(List.of("secured"));
            assertThat(KafkaClients.pollUntil(consumer, 1)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("from-alice");
            consumer.commitSync();
        }

        Map<String, Object> bob = login("SCRAM-SHA-256", "bob", "bob-secret");
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, bob)) {
            // idempotent by default: bob has no WRITE anywhere, so InitProducerId is refused first
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("secured", new byte[1])).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(ClusterAuthorizationException.class);
        }
        Map<String, Object> bobPlain = new HashMap<>(bob);
        bobPlain.put("enable.idempotence", false);
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, bobPlain)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("secured", new byte[1])).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);
        }
        Map<String, Object> bobReading = new HashMap<>(bob);
        bobReading.put(ConsumerConfig.GROUP_ID_CONFIG, "readers");
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, bobReading)) {
            consumer.subscribe(List.of("secured"));
            assertThatThrownBy(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(GroupAuthorizationException.class);
        }
        try (Admin admin = SaslAuthenticationTest.admin(bootstrap, bob)) {
            assertThat(admin.listTopics().names().get(20, TimeUnit.SECONDS)).containsExactly("secured");
        }
        try (Admin admin = SaslAuthenticationTest.admin(bootstrap, login("PLAIN", "alice", "alice-secret"))) {
            assertThat(admin.listTopics().names().get(20, TimeUnit.SECONDS)).containsExactly("secured");
            assertThatThrownBy(() -> admin.createAcls(List.of(allow("alice", ResourceType.TOPIC, "other", AclOperation.ALL)))
                    .all().get(20, TimeUnit.SECONDS)).cause().isInstanceOf(ClusterAuthorizationException.class);
        }
    }
}
