package dev.sluice.broker.it;

import dev.sluice.broker.network.NetworkMetrics;
import dev.sluice.broker.testing.Await;
import dev.sluice.protocol.ApiKey;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker's SASL listener under broken logins (the fuzz of the plaintext request path is
 * {@link BrokerFuzzTest}'s). Deterministic ({@link FuzzWire#SEED}).
 */
class SaslLoginFuzzTest {
    @TempDir
    Path dir;
    TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * A SASL_PLAINTEXT listener under malformed logins: on each connection a SaslHandshake (valid, or
     * mutated; v0 or v1; a known or an unknown mechanism) followed by a SaslAuthenticate whose token —
     * PLAIN credentials, a SCRAM client-first or client-final — is flipped, truncated (the token, or the
     * whole frame) or noise, or after v0 a bare token so treated. Afterwards every broker thread lives,
     * every connection was closed or answered, and the right users still log in.
     */
    @Test
    void saslListenerSurvivesMalformedAndTruncatedLogins() throws Exception {
        broker = TestBroker.start(dir, Map.of("listeners", "SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", SaslAuthenticationTest.PLAIN_JAAS,
                "connection.failed.authentication.delay.ms", "0", "num.io.threads", "2", "num.network.threads", "2"));
        try (Admin admin = SaslAuthenticationTest.admin(broker.bootstrap(),
                SaslAuthenticationTest.login("PLAIN", "admin", "admin-secret"))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("bob",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256,
                            4096), "bob-secret"))).all().get();
        }
        List<Thread> brokerThreads = FuzzWire.brokerThreads();
        List<byte[]> tokens = List.of("\0admin\0admin-secret".getBytes(StandardCharsets.UTF_8),
                "n,,n=bob,r=fuzznonce".getBytes(StandardCharsets.UTF_8),
                "c=biws,r=fuzznonceSERVER,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=".getBytes(StandardCharsets.UTF_8));
        String[] mechanisms = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI", ""};
        int port = FuzzWire.port(broker.bootstrap());
        AtomicInteger timedOut = new AtomicInteger();
        int connections = 600;
        for (int i = 0; i < connections; i++) {
            Random random = new Random(FuzzWire.SEED + 1_000_000 + i);
            short handshakeVersion = (short) random.nextInt(2);
            byte[] handshake = WireClient.frame(ApiKey.SASL_HANDSHAKE, handshakeVersion, 1,
                    ApiKey.SASL_HANDSHAKE.newRequest().set("Mechanism", mechanisms[random.nextInt(mechanisms.length)]));
            byte[] token = FuzzWire.mutate(random, tokens.get(random.nextInt(tokens.size())).clone());
            byte[] second = handshakeVersion == 0
                    ? ByteBuffer.allocate(4 + token.length).putInt(token.length).put(token).array()
                    : WireClient.frame(ApiKey.SASL_AUTHENTICATE, (short) random.nextInt(3), 2,
                    ApiKey.SASL_AUTHENTICATE.newRequest().set("AuthBytes", ByteBuffer.wrap(token)));
            byte[] frames = switch (random.nextInt(4)) {
                case 0 -> FuzzWire.concat(FuzzWire.mutate(random, handshake), second);                      // a damaged handshake
                case 1 -> FuzzWire.concat(handshake, Arrays.copyOf(second, random.nextInt(second.length))); // a cut-off frame
                default -> FuzzWire.concat(handshake, second);                                     // a damaged token
            };
            if (FuzzWire.exchange(port, frames, 200).timedOut()) {
                timedOut.incrementAndGet();
            }
        }
        NetworkMetrics metrics = broker.broker().server().metrics();
        FuzzWire.assertAlive(brokerThreads);
        assertThat(metrics.connectionsAccepted()).isGreaterThanOrEqualTo(connections);
        // the broker counts a close when its processor sees it, a moment after the client's (the setup admin's too)
        Await.await("every connection but a timed-out one closed",
                () -> metrics.connectionsClosed() >= metrics.connectionsAccepted() - timedOut.get() - 1);
        for (var login : List.of(SaslAuthenticationTest.login("PLAIN", "alice", "alice-secret"),
                SaslAuthenticationTest.login("SCRAM-SHA-256", "bob", "bob-secret"))) {
            try (Admin admin = SaslAuthenticationTest.admin(broker.bootstrap(), login)) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
        }
    }
}
