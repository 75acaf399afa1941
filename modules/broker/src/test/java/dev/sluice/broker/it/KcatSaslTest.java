package dev.sluice.broker.it;

import dev.sluice.broker.testing.TestCertificates;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * kcat (librdkafka) against one broker with a SASL_PLAINTEXT, a SASL_SSL and an SSL listener (server certificate
 * only; mutual TLS is {@link TlsBrokerTest}'s): produce and consume logged in with PLAIN, SCRAM-SHA-256 and
 * SCRAM-SHA-512 over both SASL protocols and without a login over SSL; a wrong password is refused with a clear
 * error on every protocol and mechanism while a logged-in consumer on the same listener keeps receiving.
 */
class KcatSaslTest {
    private static final long TIMEOUT_SECONDS = 30;
    @TempDir
    static Path dir;
    static TestCertificates certs;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Kcat.installed(), "kcat is not installed");
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Map<String, String> settings = new HashMap<>(certs.brokerSettings());
        settings.put("listeners", "SASL_PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0,SSL://127.0.0.1:0");
        settings.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512");
        settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", SaslAuthenticationTest.PLAIN_JAAS);
        settings.put("listener.name.sasl_ssl.plain.sasl.jaas.config", SaslAuthenticationTest.PLAIN_JAAS);
        settings.put("connection.failed.authentication.delay.ms", "50");
        broker = TestBroker.start(dir, settings);
        try (Admin admin = SaslAuthenticationTest.admin(bootstrap("SASL_PLAINTEXT"),
                SaslAuthenticationTest.login("PLAIN", "admin", "admin-secret"))) {
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "bob-secret"),
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "bob-secret")))
                    .all().get();
            List<NewTopic> topics = new ArrayList<>();
            for (String protocol : List.of("SASL_PLAINTEXT", "SASL_SSL")) {
                for (String mechanism : List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")) {
                    topics.add(new NewTopic(topic(protocol, mechanism), 1, (short) 1));
                }
            }
            topics.add(new NewTopic("kcat-ssl", 1, (short) 1));
            topics.add(new NewTopic("kcat-watched", 1, (short) 1));
            admin.createTopics(topics).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String bootstrap(String listener) {
        return "127.0.0.1:" + broker.broker().server().boundPort(listener);
    }

    private static String topic(String protocol, String mechanism) {
        return "kcat-" + protocol + "-" + mechanism;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"SASL_PLAINTEXT,PLAIN,alice,alice-secret", "SASL_PLAINTEXT,SCRAM-SHA-256,bob,bob-secret",
            "SASL_PLAINTEXT,SCRAM-SHA-512,bob,bob-secret", "SASL_SSL,PLAIN,alice,alice-secret",
            "SASL_SSL,SCRAM-SHA-256,bob,bob-secret", "SASL_SSL,SCRAM-SHA-512,bob,bob-secret"})
    void kcatProducesAndConsumesLoggedIn(String protocol, String mechanism, String user, String password) throws Exception {
        List<String> login = login(protocol, mechanism, user, password);
        String topic = topic(protocol, mechanism);
        Result produced = kcat("one\ntwo\nthree\n", protocol, login, "-P", "-t", topic, "-p", "0");
        assertThat(produced.exitCode).as(produced.toString()).isZero();
        Result consumed = kcat(null, protocol, login, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q");
        assertThat(consumed.exitCode).as(consumed.toString()).isZero();
        assertThat(consumed.stdout.lines().toList()).containsExactly("one", "two", "three");
    }

    @Test
    void kcatProducesAndConsumesOverTlsTrustingTheBrokerOnly() throws Exception {
        List<String> tls = List.of("-X", "security.protocol=ssl", "-X", "ssl.ca.location=" + certs.caPem());
        Result produced = kcat("a\nb\n", "SSL", tls, "-P", "-t", "kcat-ssl", "-p", "0");
        assertThat(produced.exitCode).as(produced.toString()).isZero();
        Result consumed = kcat(null, "SSL", tls, "-C", "-t", "kcat-ssl", "-p", "0", "-o", "beginning", "-e", "-q");
        assertThat(consumed.exitCode).as(consumed.toString()).isZero();
        assertThat(consumed.stdout.lines().toList()).containsExactly("a", "b");
        // trusting another authority, librdkafka does not trust the broker, and says so
        Result untrusted = kcat(null, "SSL", List.of("-X", "security.protocol=ssl", "-X", "ssl.ca.location="
                + certs.pem("rogue-broker")[0], "-m", "5"), "-L");
        assertThat(untrusted.exitCode).as(untrusted.toString()).isNotZero();
        assertThat(untrusted.stderr).as(untrusted.toString()).containsIgnoringCase("certificate verify failed");
    }

    @Test
    void aWrongPasswordIsReportedByKcatAndTheBrokerServesTheOthers() throws Exception {
        Path watcherErr = dir.resolve("watcher.err");
        List<String> watcherArgs = new ArrayList<>(List.of("-b", bootstrap("SASL_SSL")));
        watcherArgs.addAll(login("SASL_SSL", "SCRAM-SHA-512", "bob", "bob-secret"));
        watcherArgs.addAll(List.of("-C", "-t", "kcat-watched", "-p", "0", "-o", "beginning", "-u", "-q"));
        List<String> alice = login("SASL_PLAINTEXT", "PLAIN", "alice", "alice-secret");
        try (Kcat watcher = Kcat.start(watcherErr, watcherArgs.toArray(String[]::new))) {
            assertThat(kcat("before\n", "SASL_PLAINTEXT", alice, "-P", "-t", "kcat-watched", "-p", "0").exitCode).isZero();
            awaitLines(watcher, 1); // logged in and fetching before the refusals start
            // every protocol and mechanism refused at once, each with the broker's reason in Kafka's words
            Map<String, Running> refusals = new java.util.LinkedHashMap<>();
            for (String protocol : List.of("SASL_PLAINTEXT", "SASL_SSL")) {
                for (String mechanism : List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")) {
                    String user = mechanism.equals("PLAIN") ? "alice" : "bob";
                    refusals.put(protocol + " " + mechanism + " wrong password", start(null, protocol,
                            login(protocol, mechanism, user, "wrong"), "-L", "-m", "5"));
                    refusals.put(protocol + " " + mechanism + " unknown user", start(null, protocol,
                            login(protocol, mechanism, "nobody", "x"), "-L", "-m", "5"));
                }
            }
            try {
                for (Map.Entry<String, Running> e : refusals.entrySet()) {
                    Result refused = e.getValue().finish();
                    String mechanism = e.getKey().split(" ")[1];
                    String reason; // Kafka's: SCRAM tells an unknown user from a wrong proof, PLAIN does not
                    if (mechanism.equals("PLAIN")) {
                        reason = "Authentication failed: Invalid username or password";
                    } else if (e.getKey().endsWith("unknown user")) {
                        reason = "Authentication failed: Invalid user credentials";
                    } else {
                        reason = "Authentication failed during authentication due to invalid credentials with SASL mechanism " + mechanism;
                    }
                    assertThat(refused.exitCode).as(e.getKey() + ": " + refused).isNotZero();
                    assertThat(refused.stderr).as(e.getKey() + ": " + refused).contains(reason);
                }
            } finally {
                refusals.values().forEach(r -> r.process().destroyForcibly());
            }
            // the logged-in consumer kept its connection and receives what is produced after the refusals
            Result produced = kcat("after-1\nafter-2\n", "SASL_PLAINTEXT", alice, "-P", "-t", "kcat-watched", "-p", "0");
            assertThat(produced.exitCode).as(produced.toString()).isZero();
            awaitLines(watcher, 3);
            assertThat(watcher.lines()).containsExactly("before", "after-1", "after-2");
            assertThat(watcher.isAlive()).isTrue();
        }
    }

    private static void awaitLines(Kcat kcat, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (kcat.lines().size() < count && System.nanoTime() < deadline && kcat.isAlive()) {
            Thread.sleep(50);
        }
        assertThat(kcat.lines()).as(kcat.stderr()).hasSizeGreaterThanOrEqualTo(count);
    }

    private static List<String> login(String protocol, String mechanism, String user, String password) {
        List<String> args = new ArrayList<>(List.of("-X", "security.protocol=" + protocol.toLowerCase(java.util.Locale.ROOT),
                "-X", "sasl.mechanisms=" + mechanism, "-X", "sasl.username=" + user, "-X", "sasl.password=" + password));
        if (protocol.equals("SASL_SSL")) {
            args.addAll(List.of("-X", "ssl.ca.location=" + certs.caPem()));
        }
        return args;
    }

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    private static Result kcat(String stdin, String listener, List<String> security, String... args)
            throws IOException, InterruptedException {
        return start(stdin, listener, security, args).finish();
    }

    /** A kcat started with {@code stdin} written and closed. */
    private static Running start(String stdin, String listener, List<String> security, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", bootstrap(listener)));
        command.addAll(security);
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "kcat", ".out");
        Path err = Files.createTempFile(dir, "kcat", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        return new Running(process, out, err);
    }

    private record Running(Process process, Path out, Path err) {
        Result finish() throws IOException, InterruptedException {
            try {
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    throw new AssertionError("kcat did not finish in " + TIMEOUT_SECONDS + " s; stderr: " + Files.readString(err));
                }
                return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                process.destroyForcibly();
            }
        }
    }
}
