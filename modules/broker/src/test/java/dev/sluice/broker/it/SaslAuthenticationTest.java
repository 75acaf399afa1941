package dev.sluice.broker.it;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SASL on a SASL_PLAINTEXT listener with Apache Kafka's own clients (kafka-clients 4.1.1) and hand-made
 * requests: PLAIN users from the listener's JAAS text, SCRAM-SHA-256/512 users created with
 * AlterUserScramCredentials, refusals (wrong password, unknown mechanism, requests before the login),
 * the failed-login delay, KIP-152 sessions and re-authentication.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SaslAuthenticationTest {
    static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";";

    @TempDir
    Path dir;
    private TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private TestBroker start(Map<String, String> extra) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "SASL_PLAINTEXT://127.0.0.1:0");
        settings.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
        settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS);
        settings.put("connection.failed.authentication.delay.ms", "300");
        settings.putAll(extra);
        broker = TestBroker.start(dir, settings);
        return broker;
    }

    static Map<String, Object> login(String mechanism, String user, String password) {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        Map<String, Object> props = new HashMap<>();
        props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        props.put(SaslConfigs.SASL_MECHANISM, mechanism);
        props.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + user + "\" password=\"" + password + "\";");
        return props;
    }

    static Admin admin(String bootstrap, Map<String, Object> login) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        props.putAll(login);
        return Admin.create(props);
    }

    @Test
    void kafkaClientsProduceAndConsumeAsPlainAndScramUsers() throws Exception {
        start(Map.of());
        try (Admin admin = admin(broker.bootstrap(), login("PLAIN", "alice", "alice-secret"))) {
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "bob-secret"),
                    new UserScramCredentialUpsertion("carol", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), "carol-secret")))
                    .all().get();
            admin.createTopics(List.of(new NewTopic("secured", 1, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(),
                login("SCRAM-SHA-256", "bob", "bob-secret"))) {
            producer.send(new ProducerRecord<>("secured", "from-bob".getBytes(StandardCharsets.UTF_8))).get();
        }
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(),
                login("PLAIN", "alice", "alice-secret"))) {
            producer.send(new ProducerRecord<>("secured", "from-alice".getBytes(StandardCharsets.UTF_8))).get();
        }
        Map<String, Object> consumerProps = new HashMap<>(login("SCRAM-SHA-512", "carol", "carol-secret"));
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), consumerProps)) {
            consumer.assign(List.of(new org.apache.kafka.common.TopicPartition("secured", 0)));
            assertThat(KafkaClients.pollUntil(consumer, 2)).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly("from-bob", "from-alice");
        }
    }

    @Test
    void wrongPasswordsAreRefusedWithTheReasonAfterTheDelayAndTheBrokerServesOn() throws Exception {
        start(Map.of());
        try (Admin admin = admin(broker.bootstrap(), login("PLAIN", "admin", "admin-secret"))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "bob-secret"))).all().get();
        }
        for (Map<String, Object> wrong : List.of(login("PLAIN", "alice", "not-her-password"),
                login("PLAIN", "mallory", "alice-secret"), login("SCRAM-SHA-256", "bob", "not-his-password"),
                login("SCRAM-SHA-256", "nobody", "bob-secret"), login("SCRAM-SHA-512", "bob", "bob-secret"))) {
            try (Admin admin = admin(broker.bootstrap(), wrong)) {
                assertThatThrownBy(() -> admin.describeCluster().clusterId().get())
                        .isInstanceOf(ExecutionException.class).cause()
                        .isInstanceOf(SaslAuthenticationException.class).hasMessageContaining("Authentication failed");
            }
        }
        try (RawSasl raw = new RawSasl(broker.bootstrap())) {
            assertThat(raw.handshake("PLAIN", 1).getShort("ErrorCode")).isEqualTo(Errors.NONE.code());
            long start = System.nanoTime();
            Struct refused = raw.authenticate(("\0alice\0wrong").getBytes(StandardCharsets.UTF_8), 1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(300);
            assertThat(refused.getShort("ErrorCode")).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(refused.getString("ErrorMessage")).isEqualTo("Authentication failed: Invalid username or password");
            assertThat(raw.closedAfter(ApiKey.API_VERSIONS, 0, ApiKey.API_VERSIONS.newRequest())).isTrue();
        }
        try (Admin admin = admin(broker.bootstrap(), login("SCRAM-SHA-256", "bob", "bob-secret"))) {
            assertThat(admin.describeCluster().clusterId().get()).isEqualTo(broker.broker().clusterId());
        }
    }

    @Test
    void anUnknownMechanismIsRefusedWithTheEnabledOnes() throws Exception {
        start(Map.of("sasl.enabled.mechanisms", "PLAIN"));
        try (Admin admin = admin(broker.bootstrap(), login("SCRAM-SHA-256", "admin", "admin-secret"))) {
            assertThatThrownBy(() -> admin.describeCluster().clusterId().get()).cause()
                    .isInstanceOf(UnsupportedSaslMechanismException.class);
        }
        try (RawSasl raw = new RawSasl(broker.bootstrap())) {
            Struct answer = raw.handshake("GSSAPI", 1);
            assertThat(answer.getShort("ErrorCode")).isEqualTo(Errors.UNSUPPORTED_SASL_MECHANISM.code());
            assertThat(answer.<String>getList("Mechanisms")).containsExactly("PLAIN");
        }
    }

    @Test
    void beforeTheLoginOnlyApiVersionsAndTheSaslApisAreAnswered() throws Exception {
        start(Map.of());
        try (RawSasl raw = new RawSasl(broker.bootstrap())) {
            assertThat(raw.call(ApiKey.API_VERSIONS, 3, ApiKey.API_VERSIONS.newRequest()
                    .set("ClientSoftwareName", "raw").set("ClientSoftwareVersion", "1")).getShort("ErrorCode")).isZero();
            assertThat(raw.closedAfter(ApiKey.METADATA, 12, ApiKey.METADATA.newRequest())).isTrue();
        }
        try (RawSasl raw = new RawSasl(broker.bootstrap())) { // SaslAuthenticate before SaslHandshake
            Struct answer = raw.authenticate("\0admin\0admin-secret".getBytes(StandardCharsets.UTF_8), 1);
            assertThat(answer.getShort("ErrorCode")).isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
        }
        try (RawSasl raw = new RawSasl(broker.bootstrap())) { // SaslHandshake v0: bare tokens follow, as before KIP-152
            assertThat(raw.handshake("PLAIN", 0).getShort("ErrorCode")).isZero();
            assertThat(raw.client.rawExchange("\0admin\0admin-secret".getBytes(StandardCharsets.UTF_8))).isEmpty();
            assertThat(raw.call(ApiKey.METADATA, 12, ApiKey.METADATA.newRequest()).getArray("Brokers")).hasSize(1);
        }
        try (RawSasl raw = new RawSasl(broker.bootstrap())) { // ... a wrong one closes the connection
            raw.handshake("PLAIN", 0);
            assertThatThrownBy(() -> raw.client.rawExchange("\0admin\0wrong".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(IOException.class);
        }
        try (RawSasl raw = new RawSasl(broker.bootstrap())) { // after the login everything passes, as the user
            raw.handshake("PLAIN", 1);
            Struct ok = raw.authenticate("\0admin\0admin-secret".getBytes(StandardCharsets.UTF_8), 1);
            assertThat(ok.getShort("ErrorCode")).isZero();
            assertThat(ok.getLong("SessionLifetimeMs")).isZero();
            assertThat(raw.call(ApiKey.METADATA, 12, ApiKey.METADATA.newRequest()).getArray("Brokers")).hasSize(1);
            Struct again = raw.authenticate("\0admin\0admin-secret".getBytes(StandardCharsets.UTF_8), 1);
            assertThat(again.getShort("ErrorCode")).isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
        }
    }

    @Test
    void malformedAndTruncatedTokensFailTheLoginAndNeverTheBroker() throws Exception {
        start(Map.of("connection.failed.authentication.delay.ms", "0"));
        List<byte[]> plainTokens = List.of(new byte[0], "admin".getBytes(StandardCharsets.UTF_8),
                "\0admin".getBytes(StandardCharsets.UTF_8), "\0admin\0".getBytes(StandardCharsets.UTF_8),
                "a\0b\0c\0d".getBytes(StandardCharsets.UTF_8), new byte[]{0, (byte) 0xff, 0, (byte) 0xfe});
        for (byte[] token : plainTokens) {
            try (RawSasl raw = new RawSasl(broker.bootstrap())) {
                raw.handshake("PLAIN", 1);
                assertThat(raw.authenticate(token, 1).getShort("ErrorCode")).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            }
        }
        List<String> scramFirst = List.of("", "n", "n,,", "n,,n=", "n,,n=bob", "n,,n=bob,r=", "p=tls,,n=bob,r=abc",
                "n,,n=b=ob,r=abc", "x,,n=bob,r=abc", "n,a=eve,n=bob,r=abc");
        for (String first : scramFirst) {
            try (RawSasl raw = new RawSasl(broker.bootstrap())) {
                raw.handshake("SCRAM-SHA-256", 1);
                assertThat(raw.authenticate(first.getBytes(StandardCharsets.UTF_8), 2).getShort("ErrorCode"))
                        .as(first).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            }
        }
        try (Admin admin = admin(broker.bootstrap(), login("PLAIN", "admin", "admin-secret"))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "bob-secret"))).all().get();
        }
        List<String> scramFinal = List.of("", "c=biws", "c=biws,r=wrong,p=AAAA", "c=!!,r=NONCE,p=AAAA",
                "c=biws,r=NONCE,p=not-base64!", "c=biws,r=NONCE,p=AAAA", "c=eSws,r=NONCE,p=AAAA");
        for (String last : scramFinal) {
            try (RawSasl raw = new RawSasl(broker.bootstrap())) {
                raw.handshake("SCRAM-SHA-256", 1);
                Struct first = raw.authenticate("n,,n=bob,r=clientnonce".getBytes(StandardCharsets.UTF_8), 2);
                assertThat(first.getShort("ErrorCode")).isZero();
                String serverFirst = StandardCharsets.UTF_8.decode(first.getBytes("AuthBytes")).toString();
                String nonce = serverFirst.substring(2, serverFirst.indexOf(','));
                assertThat(nonce).startsWith("clientnonce").hasSizeGreaterThan("clientnonce".length());
                assertThat(raw.authenticate(last.replace("NONCE", nonce).getBytes(StandardCharsets.UTF_8), 2)
                        .getShort("ErrorCode")).as(last).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            }
        }
        try (Admin admin = admin(broker.bootstrap(), login("SCRAM-SHA-256", "bob", "bob-secret"))) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
    }

    @Test
    void aSessionIsClosedOnceConnectionsMaxReauthMsPassedWithoutReauthentication() throws Exception {
        start(Map.of("connections.max.reauth.ms", "1500"));
        try (RawSasl raw = new RawSasl(broker.bootstrap())) {
            raw.handshake("PLAIN", 1);
            Struct ok = raw.authenticate("\0admin\0admin-secret".getBytes(StandardCharsets.UTF_8), 1);
            assertThat(ok.getLong("SessionLifetimeMs")).isEqualTo(1500);
            assertThat(raw.call(ApiKey.METADATA, 12, ApiKey.METADATA.newRequest()).getArray("Brokers")).hasSize(1);
            Thread.sleep(1000);
            // re-authentication within the session (KIP-152): the same mechanism and user, a new session
            assertThat(raw.handshake("PLAIN", 1).getShort("ErrorCode")).isZero();
            assertThat(raw.authenticate("\0admin\0admin-secret".getBytes(StandardCharsets.UTF_8), 1)
                    .getShort("ErrorCode")).isZero();
            Thread.sleep(1000); // past the first session's end, within the second's
            assertThat(raw.call(ApiKey.METADATA, 12, ApiKey.METADATA.newRequest()).getArray("Brokers")).hasSize(1);
            Thread.sleep(1000); // past the second's
            assertThat(raw.closedAfter(ApiKey.METADATA, 12, ApiKey.METADATA.newRequest())).isTrue();
        }
        try (RawSasl raw = new RawSasl(broker.bootstrap())) { // re-authenticating as someone else is refused
            raw.handshake("PLAIN", 1);
            raw.authenticate("\0admin\0admin-secret".getBytes(StandardCharsets.UTF_8), 1);
            raw.handshake("PLAIN", 1);
            Struct refused = raw.authenticate("\0alice\0alice-secret".getBytes(StandardCharsets.UTF_8), 1);
            assertThat(refused.getShort("ErrorCode")).isEqualTo(Errors.SASL_AUTHENTICATION_FAILED.code());
            assertThat(refused.getString("ErrorMessage")).contains("Cannot change principals");
        }
    }

    @Test
    void kafkaClientsReauthenticateOnTheirConnectionsAndKeepWorking() throws Exception {
        // Sessions of 4 s: a client re-authenticates at 85-95% of its session, so 2 s left it 100-300 ms,
        // less than a loaded 2-core machine delays a thread, and a late client is rightly closed (as by Kafka)
        start(Map.of("connections.max.reauth.ms", "4000"));
        try (Admin admin = admin(broker.bootstrap(), login("PLAIN", "admin", "admin-secret"))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "bob-secret"))).all().get();
            admin.createTopics(List.of(new NewTopic("reauth", 1, (short) 1))).all().get();
        }
        for (Map<String, Object> login : List.of(login("PLAIN", "alice", "alice-secret"), login("SCRAM-SHA-512", "bob", "bob-secret"))) {
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), login)) {
                producer.send(new ProducerRecord<>("reauth", new byte[]{1})).get();
                long accepted = broker.broker().server().metrics().connectionsAccepted();
                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(9_000);
                int sent = 0;
                while (System.nanoTime() < end) {
                    producer.send(new ProducerRecord<>("reauth", new byte[]{2})).get();
                    sent++;
                    Thread.sleep(100);
                }
                assertThat(sent).isGreaterThan(20);
                // sessions of 4 s over 9 s: had the broker closed them, the producer would have reconnected
                assertThat(broker.broker().server().metrics().connectionsAccepted()).isEqualTo(accepted);
            }
        }
    }

    @Test
    void scramCredentialsAreDescribedAlteredCheckedAndStoredWithoutThePassword() throws Exception {
        start(Map.of());
        try (Admin admin = admin(broker.bootstrap(), login("PLAIN", "admin", "admin-secret"))) {
            assertThat(admin.describeUserScramCredentials().all().get()).isEmpty();
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "bob-secret-1"),
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 10000), "bob-secret-2"),
                    new UserScramCredentialUpsertion("carol", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "carol-pw")))
                    .all().get();
            Map<String, UserScramCredentialsDescription> all = admin.describeUserScramCredentials().all().get();
            assertThat(all).containsOnlyKeys("bob", "carol");
            assertThat(all.get("bob").credentialInfos()).containsExactlyInAnyOrder(
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 10000));
            assertThatThrownBy(() -> admin.describeUserScramCredentials(List.of("dave")).description("dave").get()).cause()
                    .isInstanceOf(ResourceNotFoundException.class);

            var refused = admin.alterUserScramCredentials(List.<UserScramCredentialAlteration>of(
                    new UserScramCredentialUpsertion("erin", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 100), "pw"),
                    new UserScramCredentialDeletion("carol", ScramMechanism.SCRAM_SHA_512))).values();
            assertThatThrownBy(() -> refused.get("erin").get()).cause().isInstanceOf(UnacceptableCredentialException.class)
                    .hasMessageContaining("Too few iterations");
            assertThatThrownBy(() -> refused.get("carol").get()).cause().isInstanceOf(ResourceNotFoundException.class);

            admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("carol", ScramMechanism.SCRAM_SHA_256)))
                    .all().get();
            assertThat(admin.describeUserScramCredentials().all().get()).containsOnlyKeys("bob");
        }
        // salted and hashed on disk, never the password; and still there after a restart
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(text).as(f.toString()).doesNotContain("bob-secret");
            }
        }
        broker = broker.restart();
        try (Admin admin = admin(broker.bootstrap(), login("SCRAM-SHA-512", "bob", "bob-secret-2"))) {
            assertThat(admin.describeUserScramCredentials().all().get()).containsOnlyKeys("bob");
        }
    }

    /** Hand-made SASL requests over one connection. */
    static final class RawSasl implements AutoCloseable {
        final RawClient client;

        RawSasl(String bootstrap) throws IOException {
            client = new RawClient(bootstrap);
        }

        Struct call(ApiKey api, int version, Struct body) throws IOException {
            return client.call(api, version, body);
        }

        Struct handshake(String mechanism, int version) throws IOException {
            return client.call(ApiKey.SASL_HANDSHAKE, version, ApiKey.SASL_HANDSHAKE.newRequest().set("Mechanism", mechanism));
        }

        Struct authenticate(byte[] token, int version) throws IOException {
            return client.call(ApiKey.SASL_AUTHENTICATE, version, ApiKey.SASL_AUTHENTICATE.newRequest()
                    .set("AuthBytes", ByteBuffer.wrap(token)));
        }

        /** True if the broker closes the connection instead of answering. */
        boolean closedAfter(ApiKey api, int version, Struct body) {
            try {
                client.call(api, version, body);
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            client.close();
        }
    }
}
