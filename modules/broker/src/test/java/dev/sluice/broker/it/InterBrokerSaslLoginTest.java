package dev.sluice.broker.it;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.interbroker.BlockingConnection;
import dev.sluice.broker.interbroker.InterBrokerSecurity;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A broker's own connection to another broker's SASL listener ({@link InterBrokerSecurity#from} a broker's
 * settings): it logs in with {@code sasl.mechanism.inter.broker.protocol} and the username and password of
 * the inter-broker listener's JAAS text before its first request, and a wrong password fails the connect with
 * the broker's reason (so it is retried later) instead of sending requests the listener would refuse.
 */
class InterBrokerSaslLoginTest {
    @TempDir
    Path dir;
    private TestBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("listeners", "SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", SaslAuthenticationTest.PLAIN_JAAS));
        try (Admin admin = SaslAuthenticationTest.admin(broker.bootstrap(),
                SaslAuthenticationTest.login("PLAIN", "admin", "admin-secret"))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("replicator",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "replicator-secret"))).all().get(20, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void aBrokerLogsInWithTheInterBrokerMechanismAndTheListenersJaasCredentials() throws Exception {
        for (String[] login : List.of(new String[] {"PLAIN", "admin", "admin-secret"},
                new String[] {"SCRAM-SHA-512", "replicator", "replicator-secret"})) {
            try (BlockingConnection connection = connection(login[0], login[1], login[2])) {
                connect(connection);
                Struct metadata = connection.exchange(ApiKey.METADATA, (short) 1, ApiKey.METADATA.newRequest()).body();
                assertThat(metadata.getArray("Brokers")).as(login[0]).hasSize(1);
            }
        }
    }

    @Test
    void aWrongPasswordFailsTheConnectWithTheBrokersReason() {
        for (String mechanism : List.of("PLAIN", "SCRAM-SHA-512")) {
            try (BlockingConnection connection = connection(mechanism, mechanism.equals("PLAIN") ? "admin" : "replicator", "wrong")) {
                assertThatThrownBy(() -> connect(connection)).as(mechanism).isInstanceOf(IOException.class)
                        .hasMessageContaining("login as '").hasMessageContaining("failed");
                assertThat(connection.isConnected()).isFalse();
            }
        }
    }

    /** The inter-broker connection of a broker configured to log in to this listener as {@code user}. */
    private BlockingConnection connection(String mechanism, String user, String password) {
        String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "SASL_PLAINTEXT://127.0.0.1:0");
        settings.put("log.dirs", dir.resolve("other").toString());
        settings.put("sasl.enabled.mechanisms", mechanism);
        settings.put("sasl.mechanism.inter.broker.protocol", mechanism);
        settings.put("listener.name.sasl_plaintext." + mechanism.toLowerCase() + ".sasl.jaas.config", module
                + " required username=\"" + user + "\" password=\"" + password + "\""
                + (mechanism.equals("PLAIN") ? " user_" + user + "=\"" + password + "\";" : ";"));
        return InterBrokerSecurity.from(BrokerConfig.of(settings)).connection("sluice-broker-9", 10_000);
    }

    private void connect(BlockingConnection connection) throws IOException {
        String[] hostPort = broker.bootstrap().split(":");
        connection.connect(hostPort[0], Integer.parseInt(hostPort[1]));
    }
}
