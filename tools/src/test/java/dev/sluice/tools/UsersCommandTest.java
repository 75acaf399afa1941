package dev.sluice.tools;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code sluice users} against a broker with a SASL_PLAINTEXT listener and the ACL authorizer: the command logs in
 * as the PLAIN super user {@code admin} with {@code --command-config}; the users it adds log in with SCRAM from
 * kafka-clients (a wrong password is SASL_AUTHENTICATION_FAILED), a new password replaces the old one, deleted users
 * cannot log in; mistakes are answered naming the fix.
 */
class UsersCommandTest {
    private static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_admin=\"admin-secret\";";
    @TempDir
    Path dir;
    private Broker broker;
    private Path adminConfig;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> config = new HashMap<>(Map.of("listeners", "SASL_PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.resolve("data").toString(), "num.io.threads", "2", "num.network.threads", "1",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS,
                "authorizer.class.name", "acl", "super.users", "User:admin",
                "connection.failed.authentication.delay.ms", "10"));
        broker = Broker.start(BrokerConfig.of(config));
        adminConfig = clientConfig("admin", "PLAIN", "admin", "admin-secret");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private Path clientConfig(String name, String mechanism, String user, String password) throws Exception {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return Files.writeString(dir.resolve(name + ".properties"), "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=" + mechanism
                + "\nsasl.jaas.config=" + module + " required username=\"" + user + "\" password=\"" + password + "\";\n"
                + "request.timeout.ms=10000\ndefault.api.timeout.ms=15000\n");
    }

    private BrokerTestBase.Result sluice(String stdin, Path commandConfig, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-server", broker.bootstrapServers(), "--command-config", commandConfig.toString()));
        return BrokerTestBase.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), all.toArray(String[]::new));
    }

    private BrokerTestBase.Result asAdmin(String... args) {
        return sluice("", adminConfig, args);
    }

    /** Produces one record as {@code user} logged in with {@code mechanism}; the failure's cause if the producer fails. */
    private Throwable produceAs(String mechanism, String user, String password) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", broker.bootstrapServers());
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", mechanism);
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";");
        props.put("max.block.ms", 10_000);
        props.put("delivery.timeout.ms", 15_000);
        props.put("request.timeout.ms", 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("orders", "from " + user)).get(20, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    @Test
    void aUserAddedWithTheCommandLogsInWithScramUntilItIsDeleted() throws Exception {
        assertThat(asAdmin("topics", "--create", "--topic", "orders", "--partitions", "1").exitCode()).isZero();
        BrokerTestBase.Result added = asAdmin("users", "--add", "--user", "alice", "--password", "alice-secret");
        assertThat(added.exitCode()).as(added.err()).isZero();
        assertThat(added.lines()).containsExactly("Completed updating config for user alice.");
        assertThat(asAdmin("acls", "--add", "--allow-principal", "User:alice", "--operation", "Write", "--topic", "orders")
                .exitCode()).isZero();

        BrokerTestBase.Result listed = asAdmin("users", "--list");
        assertThat(listed.lines()).containsExactly(
                "SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=4096, SCRAM-SHA-512=iterations=4096");
        assertThat(produceAs("SCRAM-SHA-256", "alice", "alice-secret")).isNull();
        assertThat(produceAs("SCRAM-SHA-512", "alice", "alice-secret")).isNull();
        assertThat(produceAs("SCRAM-SHA-256", "alice", "wrong")).isInstanceOf(SaslAuthenticationException.class);

        // a new password, from stdin, for one mechanism: the old one no longer works there
        BrokerTestBase.Result altered = sluice("alice-2\n", adminConfig, "users", "--alter", "--user", "alice", "--password-stdin",
                "--mechanism", "SCRAM-SHA-512", "--iterations", "8192");
        assertThat(altered.exitCode()).as(altered.err()).isZero();
        assertThat(produceAs("SCRAM-SHA-512", "alice", "alice-secret")).isInstanceOf(SaslAuthenticationException.class);
        assertThat(produceAs("SCRAM-SHA-512", "alice", "alice-2")).isNull();
        assertThat(asAdmin("users", "--list", "--user", "alice", "--format", "json").out().strip()).isEqualTo(
                "[{\"user\":\"alice\",\"credentials\":[{\"mechanism\":\"SCRAM-SHA-256\",\"iterations\":4096},"
                        + "{\"mechanism\":\"SCRAM-SHA-512\",\"iterations\":8192}]}]");

        BrokerTestBase.Result deletedOne = asAdmin("users", "--delete", "--user", "alice", "--mechanism", "SCRAM-SHA-256");
        assertThat(deletedOne.lines()).containsExactly("Deleted the SCRAM-SHA-256 credential of user alice.",
                "Completed updating config for user alice.");
        assertThat(produceAs("SCRAM-SHA-256", "alice", "alice-secret")).isInstanceOf(SaslAuthenticationException.class);
        assertThat(produceAs("SCRAM-SHA-512", "alice", "alice-2")).isNull();
        assertThat(asAdmin("users", "--delete", "--user", "alice").exitCode()).isZero();
        assertThat(produceAs("SCRAM-SHA-512", "alice", "alice-2")).isInstanceOf(SaslAuthenticationException.class);
        assertThat(asAdmin("users", "--list").lines()).containsExactly(
                "No SCRAM users. Add one with sluice users --add --user U --password-stdin.");
    }

    @Test
    void mistakesAreAnsweredNamingTheFix() throws Exception {
        assertThat(asAdmin("users", "--add", "--user", "bob", "--password", "bob-secret", "--mechanism", "SCRAM-SHA-256")
                .exitCode()).isZero();

        BrokerTestBase.Result again = asAdmin("users", "--add", "--user", "bob", "--password", "other");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("user 'bob' already has a SCRAM-SHA-256 password: give it a new one with --alter");
        BrokerTestBase.Result noPassword = asAdmin("users", "--add", "--user", "carol");
        assertThat(noPassword.exitCode()).isEqualTo(2);
        assertThat(noPassword.err()).contains("give --password P or --password-stdin");
        BrokerTestBase.Result plain = asAdmin("users", "--add", "--user", "carol", "--password", "x", "--mechanism", "PLAIN");
        assertThat(plain.exitCode()).isEqualTo(2);
        assertThat(plain.err()).contains("listener.name.<listener>.plain.sasl.jaas.config");
        BrokerTestBase.Result iterations = asAdmin("users", "--add", "--user", "carol", "--password", "x", "--iterations", "100");
        assertThat(iterations.exitCode()).isEqualTo(2);
        assertThat(iterations.err()).contains("--iterations takes 4096 to 16384");
        BrokerTestBase.Result unknown = asAdmin("users", "--delete", "--user", "nobody");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("no SCRAM user 'nobody'");
        BrokerTestBase.Result wrongMechanism = asAdmin("users", "--delete", "--user", "bob", "--mechanism", "SCRAM-SHA-512");
        assertThat(wrongMechanism.exitCode()).isEqualTo(1);
        assertThat(wrongMechanism.err()).contains("user 'bob' has no SCRAM-SHA-512 password; it has SCRAM-SHA-256");
        BrokerTestBase.Result missing = asAdmin("users", "--list", "--user", "bob", "--user", "nobody");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.lines()).containsExactly("SCRAM credential configs for user-principal 'bob' are SCRAM-SHA-256=iterations=4096");
        assertThat(missing.err()).contains("no SCRAM user 'nobody'");

        // bob is not a super user and has no ACL on the cluster
        Path bobConfig = clientConfig("bob", "SCRAM-SHA-256", "bob", "bob-secret");
        BrokerTestBase.Result refused = sluice("", bobConfig, "users", "--add", "--user", "mallory", "--password", "x");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("managing users needs Alter on the cluster")
                .contains("sluice acls --add --allow-principal User:<you> --operation Alter --cluster");
        // and a wrong password of the command's own login says so
        BrokerTestBase.Result badLogin = sluice("", clientConfig("bad", "SCRAM-SHA-256", "bob", "wrong"), "users", "--list");
        assertThat(badLogin.exitCode()).isEqualTo(1);
        assertThat(badLogin.err()).contains("Authentication failed");
        assertThat(asAdmin("users", "--list").exitCode()).isZero();
    }
}
