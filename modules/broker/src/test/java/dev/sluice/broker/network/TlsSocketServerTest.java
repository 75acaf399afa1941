package dev.sluice.broker.network;

import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.broker.testing.TestCertificates;
import dev.sluice.protocol.Send;
import dev.sluice.protocol.tls.TlsConfigException;
import dev.sluice.protocol.tls.TlsContext;
import dev.sluice.protocol.tls.TlsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static dev.sluice.broker.network.TestHandler.command;
import static dev.sluice.broker.network.TestHandler.seqOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The network layer over TLS: frames both ways through the SSLEngine, the client certificate's principal,
 * file slices encrypted on their way out, and every broken handshake closing only its own connection.
 */
class TlsSocketServerTest {
    @TempDir
    static Path certDir;
    static TestCertificates certs;

    private static final Endpoint SSL = Endpoint.parse("SSL://127.0.0.1:0");
    private static final Endpoint PLAIN = Endpoint.parse("PLAINTEXT://127.0.0.1:0");

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<KafkaPrincipal> principals = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void makeCertificates() {
        certs = TestCertificates.create(certDir);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private static TlsSettings serverTls(TlsSettings.ClientAuth auth) {
        return TlsSettings.defaults()
                .withKeystore(TestCertificates.TYPE, certs.store("broker").toString(), TestCertificates.PASSWORD, null)
                .withTruststore(TestCertificates.TYPE, certs.store("truststore").toString(), TestCertificates.PASSWORD)
                .withClientAuth(auth);
    }

    private static TlsSettings clientTls(String keystore, String truststore) {
        TlsSettings s = TlsSettings.defaults()
                .withTruststore(TestCertificates.TYPE, certs.store(truststore).toString(), TestCertificates.PASSWORD);
        return keystore == null ? s
                : s.withKeystore(TestCertificates.TYPE, certs.store(keystore).toString(), TestCertificates.PASSWORD, null);
    }

    /** An echo server recording each request's principal; its SSL listener first, a PLAINTEXT one second. */
    private SocketServer start(TlsSettings.ClientAuth auth, String mappingRules, RequestHandler handler) throws IOException {
        SocketServerConfig config = SocketServerConfig.defaults(SSL, PLAIN)
                .withSecurity(new ListenerSecurity(serverTls(auth), SslPrincipalMapper.parse(mappingRules)));
        SocketServer server = new SocketServer(config, handler);
        toClose.add(server);
        server.start();
        return server;
    }

    private SocketServer start(TlsSettings.ClientAuth auth, String mappingRules) throws IOException {
        return start(auth, mappingRules, request -> {
            principals.add(request.principal());
            assertThat(request.securityProtocol()).isEqualTo(SecurityProtocol.SSL);
            request.respond(TestHandler.echo(request.payload()));
        });
    }

    private TestClient tlsClient(SocketServer server, TlsSettings settings) throws IOException {
        SSLSocket socket = TlsContext.create(settings, false).connect("localhost", server.boundPort("SSL"), 5_000);
        TestClient client = new TestClient(socket);
        toClose.add(client);
        return client;
    }

    @Test
    void framesGoBothWaysThroughTlsPipelinedAndLarge() throws Exception {
        SocketServer server = start(TlsSettings.ClientAuth.NONE, "DEFAULT");
        TestClient client = tlsClient(server, clientTls(null, "truststore"));
        for (int seq = 0; seq < 50; seq++) {
            client.send(command('E', 0, seq));
        }
        for (int seq = 0; seq < 50; seq++) {
            assertThat(seqOf(client.receive())).isEqualTo(seq);
        }
        // a frame of many TLS records each way
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(3).nextBytes(big);
        ByteBuffer.wrap(big).put((byte) 'E').putInt(0).putInt(77);
        client.send(big);
        assertThat(client.receive()).isEqualTo(big);
        assertThat(principals).hasSize(51).containsOnly(KafkaPrincipal.ANONYMOUS);
        assertThat(server.metrics().tlsHandshakeFailures()).isZero();
    }

    @Test
    void aClientCertificateBecomesThePrincipalThroughTheMappingRules() throws Exception {
        SocketServer server = start(TlsSettings.ClientAuth.REQUIRED, "RULE:^CN=([^,]+),OU=eng,.*$/$1@ENG/U,DEFAULT");
        TestClient alice = tlsClient(server, clientTls("alice", "truststore"));
        alice.send(command('E', 0, 1));
        assertThat(seqOf(alice.receive())).isEqualTo(1);
        assertThat(principals).containsExactly(KafkaPrincipal.user("ALICE@ENG"));

        certs.client("bob", "CN=bob,OU=ops,O=Sluice");
        TestClient bob = tlsClient(server, clientTls("bob", "truststore"));
        bob.send(command('E', 0, 2));
        assertThat(seqOf(bob.receive())).isEqualTo(2);
        assertThat(principals).last().isEqualTo(KafkaPrincipal.user("CN=bob,OU=ops,O=Sluice")); // DEFAULT: the whole name
    }

    @Test
    void aSubjectNoRuleMatchesIsRefused() throws Exception {
        SocketServer server = start(TlsSettings.ClientAuth.REQUIRED, "RULE:^CN=(.*),OU=ops,.*$/$1/");
        SSLSocket socket = TlsContext.create(clientTls("alice", "truststore"), false)
                .connect("localhost", server.boundPort("SSL"), 5_000);
        TestClient alice = new TestClient(socket);
        toClose.add(alice);
        assertThat(alice.closedByServer()).isTrue();
        eventually(server.metrics()::tlsHandshakeFailures, 1);
        assertThat(principals).isEmpty();
    }

    @Test
    void requestedClientAuthAcceptsAClientWithoutACertificateAsAnonymous() throws Exception {
        SocketServer server = start(TlsSettings.ClientAuth.REQUESTED, "DEFAULT");
        TestClient anonymous = tlsClient(server, clientTls(null, "truststore"));
        anonymous.send(command('E', 0, 1));
        assertThat(seqOf(anonymous.receive())).isEqualTo(1);
        TestClient alice = tlsClient(server, clientTls("alice", "truststore"));
        alice.send(command('E', 0, 2));
        assertThat(seqOf(alice.receive())).isEqualTo(2);
        assertThat(principals).containsExactly(KafkaPrincipal.ANONYMOUS, KafkaPrincipal.user("CN=alice,OU=eng,O=Sluice"));
    }

    @Test
    void requiredClientAuthRefusesAClientWithoutACertificateOrWithAnExpiredOne() throws Exception {
        SocketServer server = start(TlsSettings.ClientAuth.REQUIRED, "DEFAULT");
        for (String keystore : new String[] {null, "expired"}) {
            assertThatThrownBy(() -> {
                // TLS 1.3: the client's handshake may end before the server's verdict; the first read then fails
                TestClient client = tlsClient(server, clientTls(keystore, "truststore"));
                client.send(command('E', 0, 1));
                client.receive();
            }).as(String.valueOf(keystore)).isInstanceOf(IOException.class);
        }
        eventually(server.metrics()::tlsHandshakeFailures, 2);
        assertThat(principals).isEmpty();
        // the server is unaffected
        TestClient alice = tlsClient(server, clientTls("alice", "truststore"));
        alice.send(command('E', 0, 3));
        assertThat(seqOf(alice.receive())).isEqualTo(3);
    }

    @Test
    void aClientThatDoesNotTrustTheBrokerFailsAndTheBrokerServesOthers() throws Exception {
        SocketServer server = start(TlsSettings.ClientAuth.NONE, "DEFAULT");
        assertThatThrownBy(() -> tlsClient(server, clientTls(null, "untrusted-truststore")))
                .isInstanceOf(SSLException.class);
        eventually(server.metrics()::tlsHandshakeFailures, 1);
        TestClient good = tlsClient(server, clientTls(null, "truststore"));
        good.send(command('E', 0, 1));
        assertThat(seqOf(good.receive())).isEqualTo(1);
    }

    @Test
    void plaintextSpokenToTheTlsPortClosesThatConnectionOnly() throws Exception {
        SocketServer server = start(TlsSettings.ClientAuth.NONE, "DEFAULT");
        TestClient plain = new TestClient(server.boundPort("SSL"));
        toClose.add(plain);
        plain.send(command('E', 0, 1)); // a Kafka frame where a ClientHello belongs
        // the server answers with a TLS alert at most, then closes: never a frame
        byte[] rest = plain.input().readAllBytes();
        assertThat(rest.length).isLessThan(16);
        eventually(server.metrics()::tlsHandshakeFailures, 1);
        assertThat(principals).isEmpty();
        TestClient good = tlsClient(server, clientTls(null, "truststore"));
        good.send(command('E', 0, 2));
        assertThat(seqOf(good.receive())).isEqualTo(2);
    }

    @Test
    void aFileSliceIsEncryptedOnItsWayOutIntactToASlowReader(@TempDir Path dir) throws Exception {
        int size = 8 * 1024 * 1024 + 123;
        Path file = dir.resolve("segment");
        byte[] data = new byte[size];
        new Random(11).nextBytes(data);
        CRC32 expected = new CRC32();
        expected.update(data);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                out.write(b);
            }
        }
        FileChannel slices = FileChannel.open(file, StandardOpenOption.READ);
        toClose.add(slices);
        SocketServer server = start(TlsSettings.ClientAuth.NONE, "DEFAULT", request -> {
            ByteBuffer header = ByteBuffer.allocate(8).putInt(0, 4 + size).putInt(4, request.payload().getInt(5));
            request.respond(Send.builder().add(header).add(new FileSlice(slices, size)).build());
        });
        TestClient client = tlsClient(server, clientTls(null, "truststore"));
        client.send(command('F', 0, 9));
        client.send(command('F', 0, 10));
        Thread.sleep(200); // the server fills the socket and waits for OP_WRITE with a record half sent
        for (int seq = 9; seq <= 10; seq++) {
            assertThat(client.input().readInt()).isEqualTo(4 + size);
            assertThat(client.input().readInt()).isEqualTo(seq);
            CRC32 actual = new CRC32();
            byte[] buffer = new byte[5000];
            int left = size;
            while (left > 0) {
                int n = client.input().read(buffer, 0, Math.min(buffer.length, left));
                assertThat(n).isPositive();
                actual.update(buffer, 0, n);
                left -= n;
            }
            assertThat(actual.getValue()).isEqualTo(expected.getValue());
        }
    }

    @Test
    void aTlsListenerWithoutUsableKeysFailsTheStartNamingTheSetting() {
        TlsSettings wrongPassword = serverTls(TlsSettings.ClientAuth.NONE)
                .withKeystore(TestCertificates.TYPE, certs.store("broker").toString(), "not-it", null);
        assertThatThrownBy(() -> new SocketServer(SocketServerConfig.defaults(SSL)
                .withSecurity(new ListenerSecurity(wrongPassword, SslPrincipalMapper.DEFAULT)), request -> { }))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("ssl.keystore");
        TlsSettings missing = serverTls(TlsSettings.ClientAuth.NONE)
                .withKeystore(TestCertificates.TYPE, certDir.resolve("nope.p12").toString(), TestCertificates.PASSWORD, null);
        assertThatThrownBy(() -> new SocketServer(SocketServerConfig.defaults(SSL)
                .withSecurity(new ListenerSecurity(missing, SslPrincipalMapper.DEFAULT)), request -> { }))
                .isInstanceOf(TlsConfigException.class).hasMessageContaining("ssl.keystore.location").hasMessageContaining("nope.p12");
    }

    private static void eventually(java.util.function.LongSupplier counter, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(counter.getAsLong()).isEqualTo(expected);
    }
}
