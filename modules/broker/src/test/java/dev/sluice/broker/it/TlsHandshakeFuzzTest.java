package dev.sluice.broker.it;

import dev.sluice.broker.network.NetworkMetrics;
import dev.sluice.broker.testing.TestCertificates;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.tls.TlsContext;
import dev.sluice.protocol.tls.TlsSettings;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker's TLS listener under broken handshakes (the fuzz of the plaintext request path is
 * {@link BrokerFuzzTest}'s). Deterministic ({@link FuzzWire#SEED}).
 */
class TlsHandshakeFuzzTest {
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
     * The TLS listener against malformed and truncated handshakes, one connection each: a real ClientHello cut
     * at every kind of point, with flipped bytes, with a huge or zero record length, followed by garbage,
     * Kafka frames where a ClientHello belongs, and noise. Each closes its own connection (or waits for bytes
     * that never come until the client goes); afterwards the broker's threads are alive, its heap bounded,
     * every connection accounted for, and kafka-clients still produce and consume over SSL.
     */
    @Test
    void brokerSurvivesMalformedAndTruncatedTlsHandshakes() throws Exception {
        TestCertificates certs = TestCertificates.create(
                Files.createDirectories(dir.resolve("certs")));
        Map<String, String> settings = new HashMap<>(certs.brokerSettings());
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0");
        settings.put("num.network.threads", "2");
        broker = TestBroker.start(dir, settings);
        int sslPort = broker.broker().server().boundPort("SSL");
        byte[] hello = clientHello(certs);
        List<Thread> brokerThreads = FuzzWire.brokerThreads();
        long heapBefore = FuzzWire.usedHeapAfterGc();
        NetworkMetrics metrics = broker.broker().server().metrics();
        long acceptedBefore = metrics.connectionsAccepted();

        int handshakes = 600;
        AtomicInteger timedOut = new AtomicInteger();
        FuzzWire.inParallel(handshakes, i -> {
            if (brokenHandshake(sslPort, fuzzHandshake(new Random(FuzzWire.SEED ^ i), hello))) {
                timedOut.incrementAndGet();
            }
        });
        assertThat(metrics.tlsHandshakeFailures()).as("broken handshakes refused").isPositive();
        assertThat(metrics.tlsHandshakes()).as("no broken handshake completed").isZero();
        assertThat(metrics.connectionsAccepted() - acceptedBefore).isGreaterThanOrEqualTo(handshakes);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metrics.connectionsClosed() < metrics.connectionsAccepted() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(metrics.connectionsClosed()).as("every broken handshake's connection closed")
                .isEqualTo(metrics.connectionsAccepted());
        FuzzWire.assertAlive(brokerThreads);
        assertThat(FuzzWire.usedHeapAfterGc() - heapBefore).as("heap growth after gc").isLessThan(64L * 1024 * 1024);

        // still serves TLS clients
        Map<String, Object> ssl = new HashMap<>(certs.clientSettings(null));
        String bootstrap = "127.0.0.1:" + sslPort;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, ssl)) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("after-tls-fuzz", 0, null, ("rt-" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(20, TimeUnit.SECONDS);
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, ssl)) {
            consumer.assign(List.of(new TopicPartition("after-tls-fuzz", 0)));
            assertThat(KafkaClients.pollUntil(consumer, 20)).hasSize(20);
        }
    }

    /**
     * Sends the bytes on a fresh connection, half-closes it after 50 ms and reads whatever comes (an alert at
     * most: never a Kafka frame) until the broker closes; true if it had not closed within a second.
     */
    private static boolean brokenHandshake(int port, byte[] bytes) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            try {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
                Thread.sleep(50);
                socket.shutdownOutput();
            } catch (IOException e) {
                return false; // the broker closed first
            }
            socket.setSoTimeout(1_000);
            var in = socket.getInputStream();
            byte[] buffer = new byte[512];
            long received = 0;
            try {
                for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                    received += n;
                    assertThat(received).as("a TLS alert, not an answer").isLessThan(4096);
                }
                return false;
            } catch (SocketTimeoutException e) {
                socket.setSoLinger(true, 0);
                return true;
            } catch (IOException e) {
                return false; // reset by the broker
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The bytes a TLS client sends first (its ClientHello record), from a real JDK engine. */
    private static byte[] clientHello(TestCertificates certs) throws IOException {
        TlsSettings settings = TlsSettings.defaults().withTruststore(
                TestCertificates.TYPE, certs.store("truststore").toString(),
                TestCertificates.PASSWORD);
        SSLEngine engine = TlsContext.create(settings, false).clientEngine("localhost", 1);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        byte[] hello = new byte[out.flip().remaining()];
        out.get(hello);
        assertThat(hello[0]).as("a handshake record").isEqualTo((byte) 22);
        return hello;
    }

    /** One broken opening of a TLS connection. */
    private static byte[] fuzzHandshake(Random random, byte[] hello) {
        byte[] bytes = hello.clone();
        switch (random.nextInt(8)) {
            case 0 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length)); // truncated anywhere
            case 1 -> { // a few flipped bytes
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
                }
            }
            case 2 -> ByteBuffer.wrap(bytes).putShort(3, (short) (random.nextBoolean() ? 0xffff : 0)); // record length
            case 3 -> { // the handshake message's own length lies
                ByteBuffer.wrap(bytes).put(6, (byte) random.nextInt(256)).put(7, (byte) random.nextInt(256));
            }
            case 4 -> { // a whole ClientHello, then garbage where the client's next flight belongs
                byte[] garbage = new byte[1 + random.nextInt(2000)];
                random.nextBytes(garbage);
                bytes = FuzzWire.concat(bytes, garbage);
            }
            case 5 -> bytes = WireClient.frame(ApiKey.API_VERSIONS, (short) 3, 1, WireClient.apiVersions()); // plaintext Kafka
            case 6 -> { // noise, sometimes dressed as a handshake record
                bytes = new byte[1 + random.nextInt(4096)];
                random.nextBytes(bytes);
                if (random.nextBoolean() && bytes.length > 5) {
                    bytes[0] = 22;
                    bytes[1] = 3;
                    bytes[2] = (byte) random.nextInt(5);
                }
            }
            default -> bytes = FuzzWire.concat(Arrays.copyOf(bytes, 5 + random.nextInt(bytes.length - 5)), hello); // cut, then another
        }
        return bytes;
    }
}
