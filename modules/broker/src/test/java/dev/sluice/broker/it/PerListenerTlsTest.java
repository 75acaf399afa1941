package dev.sluice.broker.it;

import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.broker.interbroker.BlockingConnection;
import dev.sluice.broker.interbroker.InterBrokerSecurity;
import dev.sluice.broker.testing.TestCertificates;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.tls.TlsContext;
import dev.sluice.protocol.tls.TlsSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two TLS listeners of one broker with different settings, Kafka's way: EXTERNAL with the broker-wide
 * {@code ssl.*} (the test authority's certificate, no client certificate asked for), INTERNAL with its own
 * {@code listener.name.internal.ssl.keystore.*} (a certificate of another authority) and
 * {@code listener.name.internal.ssl.client.auth=required}. Each listener presents its own certificate and
 * asks for client certificates as its own settings say.
 */
class PerListenerTlsTest {
    @TempDir
    static Path dir;
    static TestCertificates certs;
    static TestBroker broker;

    @BeforeAll
    static void start() throws IOException {
        certs = TestCertificates.create(Files.createDirectories(dir.resolve("certs")));
        Map<String, String> settings = new HashMap<>(certs.brokerSettings());
        settings.put("listeners", "EXTERNAL://127.0.0.1:0,INTERNAL://127.0.0.1:0");
        settings.put("listener.security.protocol.map", "EXTERNAL:SSL,INTERNAL:SSL");
        settings.put("listener.name.internal.ssl.keystore.location", certs.store("rogue-broker").toString());
        settings.put("listener.name.internal.ssl.client.auth", "required");
        broker = TestBroker.start(dir, settings);
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void eachListenerPresentsItsOwnCertificate() throws Exception {
        assertThat(serverSubject("EXTERNAL", "truststore")).contains("O=Sluice");
        assertThat(serverSubject("INTERNAL", "untrusted-truststore")).contains("O=Rogue");
        // the test authority's truststore does not trust INTERNAL's certificate: it is not the broker-wide one
        assertThatThrownBy(() -> serverSubject("INTERNAL", "truststore")).isInstanceOf(IOException.class);
    }

    @Test
    void onlyTheListenerThatRequiresClientCertificatesRefusesAClientWithout() throws Exception {
        try (BlockingConnection external = connection("EXTERNAL", "truststore", null)) {
            assertThat(external.exchange(ApiKey.METADATA, (short) 1, ApiKey.METADATA.newRequest()).body()
                    .getArray("Brokers")).hasSize(1);
        }
        try (BlockingConnection internal = connection("INTERNAL", "untrusted-truststore", "alice")) {
            assertThat(internal.exchange(ApiKey.METADATA, (short) 1, ApiKey.METADATA.newRequest()).body()
                    .getArray("Brokers")).hasSize(1);
        }
        assertThatThrownBy(() -> {
            try (BlockingConnection internal = connection("INTERNAL", "untrusted-truststore", null)) {
                internal.exchange(ApiKey.METADATA, (short) 1, ApiKey.METADATA.newRequest()); // TLS 1.3: refused after the handshake
            }
        }).isInstanceOf(IOException.class);
    }

    private static TlsSettings client(String truststore, String keystore) {
        TlsSettings s = TlsSettings.defaults().withEndpointIdentification("")
                .withTruststore(TestCertificates.TYPE, certs.store(truststore).toString(), TestCertificates.PASSWORD);
        return keystore == null ? s : s.withKeystore(TestCertificates.TYPE, certs.store(keystore).toString(),
                TestCertificates.PASSWORD, TestCertificates.PASSWORD);
    }

    private static int port(String listener) {
        return broker.broker().server().boundPort(listener);
    }

    private static String serverSubject(String listener, String truststore) throws IOException {
        try (SSLSocket socket = TlsContext.create(client(truststore, null), false).connect("127.0.0.1", port(listener), 10_000)) {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    private static BlockingConnection connection(String listener, String truststore, String keystore) throws IOException {
        BlockingConnection c = new InterBrokerSecurity(listener, SecurityProtocol.SSL,
                TlsContext.create(client(truststore, keystore), false), InterBrokerSecurity.Authenticator.NONE)
                .connection("per-listener-test", 10_000);
        try {
            c.connect("127.0.0.1", port(listener));
        } catch (IOException e) {
            c.close();
            throw e;
        }
        return c;
    }
}
