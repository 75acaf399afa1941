package dev.sluice.broker.it;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** kcat (librdkafka) over SASL_PLAINTEXT with PLAIN and SCRAM: produce and consume, and a wrong password refused. */
class KcatSaslTest {
    private static final long TIMEOUT_SECONDS = 30;
    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Kcat.installed(), "kcat is not installed");
        broker = TestBroker.start(dir, Map.of("listeners", "SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", SaslAuthenticationTest.PLAIN_JAAS));
        try (Admin admin = SaslAuthenticationTest.admin(broker.bootstrap(), SaslAuthenticationTest.login("PLAIN", "admin", "admin-secret"))) {
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "bob-secret"),
                    new UserScramCredentialUpsertion("bob", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "bob-secret")))
                    .all().get();
            admin.createTopics(List.of(new NewTopic("kcat-sasl-PLAIN", 1, (short) 1), new NewTopic("kcat-sasl-SCRAM-SHA-256", 1, (short) 1),
                    new NewTopic("kcat-sasl-SCRAM-SHA-512", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"PLAIN,alice,alice-secret", "SCRAM-SHA-256,bob,bob-secret", "SCRAM-SHA-512,bob,bob-secret"})
    void kcatProducesAndConsumesLoggedIn(String mechanism, String user, String password) throws Exception {
        String topic = "kcat-sasl-" + mechanism;
        Result produced = kcat("one\ntwo\nthree\n", mechanism, user, password, "-P", "-t", topic, "-p", "0");
        assertThat(produced.exitCode).as(produced.toString()).isZero();
        Result consumed = kcat(null, mechanism, user, password, "-C", "-t", topic, "-p", "0", "-o", "beginning", "-e", "-q");
        assertThat(consumed.exitCode).as(consumed.toString()).isZero();
        assertThat(consumed.stdout.lines().toList()).containsExactly("one", "two", "three");
    }

    @Test
    void aWrongPasswordIsReportedByKcatAsAnAuthenticationFailure() throws Exception {
        for (String mechanism : List.of("PLAIN", "SCRAM-SHA-256")) {
            Result refused = kcat(null, mechanism, mechanism.equals("PLAIN") ? "alice" : "bob", "wrong", "-L", "-m", "5");
            assertThat(refused.exitCode).as(refused.toString()).isNotZero();
            assertThat(refused.stderr).as(refused.toString()).contains("Authentication failed");
        }
    }

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
        }
    }

    private static Result kcat(String stdin, String mechanism, String user, String password, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kcat", "-b", broker.bootstrap(), "-X", "security.protocol=SASL_PLAINTEXT",
                "-X", "sasl.mechanisms=" + mechanism, "-X", "sasl.username=" + user, "-X", "sasl.password=" + password));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "kcat", ".out");
        Path err = Files.createTempFile(dir, "kcat", ".err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("kcat did not finish in " + TIMEOUT_SECONDS + " s; stderr: " + Files.readString(err));
            }
            return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            process.destroyForcibly();
        }
    }
}
