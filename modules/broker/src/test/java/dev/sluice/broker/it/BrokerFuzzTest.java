package dev.sluice.broker.it;

import dev.sluice.api.compression.CompressionCodecs;
import dev.sluice.api.record.Record;
import dev.sluice.api.record.RecordBatch;
import dev.sluice.api.record.RecordBatchBuilder;
import dev.sluice.api.record.RecordBatches;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.broker.network.NetworkMetrics;
import dev.sluice.broker.partition.Partition;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Throws a few thousand random and mutated request frames at the broker, one connection each:
 * valid requests of several APIs (Produce with real batches, Fetch, Metadata, CreateTopics,
 * ApiVersions) with flipped bytes, truncations, wrong and huge declared sizes, unknown API keys
 * and versions, and corrupted batches; plus pure noise. Deterministic (fixed seed), bounded in
 * count and time. Afterwards the broker must still serve kafka-clients, none of its threads may
 * have died, heap use must be bounded, every connection must be accounted for, and after a
 * restart every partition's log must hold only intact batches with dense offsets.
 */
class BrokerFuzzTest {
    private static final long SEED = 0x51_1CE_F022L;
    private static final int FRAMES = 3000;
    private static final int WORKERS = 4;
    private static final int MAX_REQUEST_BYTES = 1024 * 1024;
    private static final String TOPIC = "fuzz";

    @TempDir
    Path dir;
    TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void brokerSurvivesThousandsOfMalformedFrames() throws Exception {
        broker = TestBroker.start(dir, Map.of("socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES),
                "num.io.threads", "2", "num.network.threads", "2"));
        try (WireClient client = new WireClient(broker.bootstrap())) {
            Struct created = client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics(TOPIC, 2));
            assertThat(WireClient.error(created.getArray("Topics").get(0))).isEqualTo(Errors.NONE);
        }
        List<Seed> seeds = seeds();
        // the seeds are valid: each is answered
        for (Seed seed : seeds) {
            if (seed.answered) {
                assertThat(exchange(seed.frame, 10_000).responded).as("seed %s answered", seed.name).isTrue();
            }
        }
        List<Thread> brokerThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sluice-")).toList();
        assertThat(brokerThreads).isNotEmpty();
        long heapBefore = usedHeapAfterGc();

        AtomicInteger responded = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                done.add(workers.submit(() -> {
                    for (int i = worker; i < FRAMES; i += WORKERS) {
                        byte[] frame = fuzzFrame(new Random(SEED + i), seeds);
                        Outcome outcome = exchange(frame, 50);
                        if (outcome.responded) {
                            responded.incrementAndGet();
                        }
                        if (outcome.timedOut) {
                            timedOut.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
            assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }

        NetworkMetrics metrics = broker.broker().server().metrics();
        assertThat(responded.get()).as("some fuzzed requests were still valid").isPositive();
        assertThat(metrics.invalidFrames()).as("oversized frames were refused by size").isPositive();
        assertThat(metrics.connectionsAccepted()).isGreaterThanOrEqualTo(FRAMES);
        // every connection the client gave up on may still wait on a delayed fetch; all others are closed
        assertThat(metrics.connectionsClosed()).isGreaterThanOrEqualTo(metrics.connectionsAccepted() - timedOut.get() - 1);
        assertThat(brokerThreads).allSatisfy(t -> assertThat(t.isAlive()).as("thread %s alive", t.getName()).isTrue());
        assertThat(usedHeapAfterGc() - heapBefore).as("heap growth after gc").isLessThan(128L * 1024 * 1024);

        // still serves a normal client
        roundTrip("after-fuzz");

        // a clean shutdown closes everything, even connections parked on long fetches; then reopen the data
        broker = broker.restart();
        assertThat(metrics.activeConnections()).isZero();
        assertThat(metrics.connectionsClosed()).isEqualTo(metrics.connectionsAccepted());

        // every log holds only intact batches with dense offsets
        int partitions = 0;
        for (Partition partition : broker.broker().partitions().all()) {
            assertIntact(partition.log());
            partitions++;
        }
        assertThat(partitions).isGreaterThanOrEqualTo(3);
        long fuzzRecords = 0;
        for (int p = 0; p < 2; p++) {
            fuzzRecords += broker.broker().partitions().partition(new dev.sluice.api.storage.TopicPartition(TOPIC, p))
                    .orElseThrow().logEndOffset();
        }
        assertThat(fuzzRecords).as("valid produce seeds were appended").isPositive();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1)));
            List<ConsumerRecord<byte[], byte[]>> all = KafkaClients.pollUntil(consumer, (int) fuzzRecords);
            assertThat(all).hasSize((int) fuzzRecords);
            assertThat(all).allSatisfy(r -> assertThat(new String(r.value(), StandardCharsets.UTF_8)).startsWith("fuzz-value-"));
        }
        roundTrip("after-restart");
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
        dev.sluice.broker.testing.TestCertificates certs = dev.sluice.broker.testing.TestCertificates.create(
                java.nio.file.Files.createDirectories(dir.resolve("certs")));
        Map<String, String> settings = new java.util.HashMap<>(certs.brokerSettings());
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0");
        settings.put("num.network.threads", "2");
        broker = TestBroker.start(dir, settings);
        int sslPort = broker.broker().server().boundPort("SSL");
        byte[] hello = clientHello(certs);
        List<Thread> brokerThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sluice-")).toList();
        long heapBefore = usedHeapAfterGc();
        NetworkMetrics metrics = broker.broker().server().metrics();
        long acceptedBefore = metrics.connectionsAccepted();

        int handshakes = 600;
        AtomicInteger timedOut = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                done.add(workers.submit(() -> {
                    for (int i = worker; i < handshakes; i += WORKERS) {
                        if (brokenHandshake(sslPort, fuzzHandshake(new Random(SEED ^ i), hello))) {
                            timedOut.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
            assertThat(workers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(metrics.tlsHandshakeFailures()).as("broken handshakes refused").isPositive();
        assertThat(metrics.tlsHandshakes()).as("no broken handshake completed").isZero();
        assertThat(metrics.connectionsAccepted() - acceptedBefore).isGreaterThanOrEqualTo(handshakes);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metrics.connectionsClosed() < metrics.connectionsAccepted() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(metrics.connectionsClosed()).as("every broken handshake's connection closed")
                .isEqualTo(metrics.connectionsAccepted());
        assertThat(brokerThreads).allSatisfy(t -> assertThat(t.isAlive()).as("thread %s alive", t.getName()).isTrue());
        assertThat(usedHeapAfterGc() - heapBefore).as("heap growth after gc").isLessThan(64L * 1024 * 1024);

        // still serves TLS clients
        Map<String, Object> ssl = new java.util.HashMap<>(certs.clientSettings(null));
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
    private static byte[] clientHello(dev.sluice.broker.testing.TestCertificates certs) throws IOException {
        dev.sluice.protocol.tls.TlsSettings settings = dev.sluice.protocol.tls.TlsSettings.defaults().withTruststore(
                dev.sluice.broker.testing.TestCertificates.TYPE, certs.store("truststore").toString(),
                dev.sluice.broker.testing.TestCertificates.PASSWORD);
        javax.net.ssl.SSLEngine engine = dev.sluice.protocol.tls.TlsContext.create(settings, false).clientEngine("localhost", 1);
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
                bytes = concat(bytes, garbage);
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
            default -> bytes = concat(Arrays.copyOf(bytes, 5 + random.nextInt(bytes.length - 5)), hello); // cut, then another
        }
        return bytes;
    }

    // ---- frames

    /** A valid request frame (size prefix included); {@code answered} unless it is an acks=0 produce. */
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
        try (org.apache.kafka.clients.admin.Admin admin = SaslAuthenticationTest.admin(broker.bootstrap(),
                SaslAuthenticationTest.login("PLAIN", "admin", "admin-secret"))) {
            admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion("bob",
                    new org.apache.kafka.clients.admin.ScramCredentialInfo(org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_256,
                            4096), "bob-secret"))).all().get();
        }
        List<Thread> brokerThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sluice-")).toList();
        List<byte[]> tokens = List.of("\0admin\0admin-secret".getBytes(StandardCharsets.UTF_8),
                "n,,n=bob,r=fuzznonce".getBytes(StandardCharsets.UTF_8),
                "c=biws,r=fuzznonceSERVER,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=".getBytes(StandardCharsets.UTF_8));
        String[] mechanisms = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI", ""};
        AtomicInteger timedOut = new AtomicInteger();
        int connections = 600;
        for (int i = 0; i < connections; i++) {
            Random random = new Random(SEED + 1_000_000 + i);
            short handshakeVersion = (short) random.nextInt(2);
            byte[] handshake = WireClient.frame(ApiKey.SASL_HANDSHAKE, handshakeVersion, 1,
                    ApiKey.SASL_HANDSHAKE.newRequest().set("Mechanism", mechanisms[random.nextInt(mechanisms.length)]));
            byte[] token = mutate(random, tokens.get(random.nextInt(tokens.size())).clone());
            byte[] second = handshakeVersion == 0
                    ? ByteBuffer.allocate(4 + token.length).putInt(token.length).put(token).array()
                    : WireClient.frame(ApiKey.SASL_AUTHENTICATE, (short) random.nextInt(3), 2,
                    ApiKey.SASL_AUTHENTICATE.newRequest().set("AuthBytes", ByteBuffer.wrap(token)));
            byte[] frames = switch (random.nextInt(4)) {
                case 0 -> concat(mutate(random, handshake), second);                      // a damaged handshake
                case 1 -> concat(handshake, Arrays.copyOf(second, random.nextInt(second.length))); // a cut-off frame
                default -> concat(handshake, second);                                     // a damaged token
            };
            if (exchange(frames, 200).timedOut) {
                timedOut.incrementAndGet();
            }
        }
        NetworkMetrics metrics = broker.broker().server().metrics();
        assertThat(brokerThreads).allSatisfy(t -> assertThat(t.isAlive()).as("thread %s alive", t.getName()).isTrue());
        assertThat(metrics.connectionsAccepted()).isGreaterThanOrEqualTo(connections);
        // the broker counts a close when its processor sees it, a moment after the client's (the setup admin's too)
        dev.sluice.broker.testing.Await.await("every connection but a timed-out one closed",
                () -> metrics.connectionsClosed() >= metrics.connectionsAccepted() - timedOut.get() - 1);
        for (var login : List.of(SaslAuthenticationTest.login("PLAIN", "alice", "alice-secret"),
                SaslAuthenticationTest.login("SCRAM-SHA-256", "bob", "bob-secret"))) {
            try (org.apache.kafka.clients.admin.Admin admin = SaslAuthenticationTest.admin(broker.bootstrap(), login)) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
        }
    }

    /** Flips bytes, truncates, or replaces with noise (sizes inside the bytes are not kept consistent). */
    private static byte[] mutate(Random random, byte[] bytes) {
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int n = 1 + random.nextInt(3); n > 0 && bytes.length > 0; n--) {
                    bytes[random.nextInt(bytes.length)] ^= (byte) (1 + random.nextInt(255));
                }
                return bytes;
            }
            case 1 -> {
                return Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
            }
            case 2 -> {
                byte[] noise = new byte[random.nextInt(64)];
                random.nextBytes(noise);
                return noise;
            }
            default -> {
                return bytes;
            }
        }
    }

    record Seed(String name, byte[] frame, boolean answered, int batchStart, int batchSize) {
    }

    private static List<Seed> seeds() {
        List<Seed> seeds = new ArrayList<>();
        seeds.add(seed("apiVersions-v3", ApiKey.API_VERSIONS, (short) 3, WireClient.apiVersions()));
        seeds.add(seed("apiVersions-v0", ApiKey.API_VERSIONS, (short) 0, ApiKey.API_VERSIONS.newRequest()));
        seeds.add(seed("metadata", ApiKey.METADATA, WireClient.METADATA_V, WireClient.metadata(TOPIC)));
        seeds.add(seed("metadata-all", ApiKey.METADATA, (short) 1, ApiKey.METADATA.newRequest().set("Topics", null)));
        Struct create = WireClient.createTopics("fuzz-created", 1).set("validateOnly", true);
        seeds.add(seed("createTopics-validateOnly", ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, create));
        seeds.add(seed("fetch", ApiKey.FETCH, WireClient.FETCH_V, WireClient.fetch(TOPIC, 0, 0, 64 * 1024).set("MaxWaitMs", 50)
                .set("MinBytes", 1)));
        seeds.add(seed("fetch-v4", ApiKey.FETCH, (short) 4, WireClient.fetch(TOPIC, 1, 0, 64 * 1024).set("MaxWaitMs", 20)));
        CompressionCodecs codecs = CompressionCodecs.installed();
        String[] codecNames = {null, "gzip", "snappy", "lz4", "zstd"};
        for (String codec : codecNames) {
            RecordBatchBuilder builder = new RecordBatchBuilder(codec == null ? null : codecs.forName(codec));
            for (int r = 0; r < 4; r++) {
                builder.append(1_700_000_000_000L + r, ("k" + r).getBytes(StandardCharsets.UTF_8),
                        ("fuzz-value-" + r + "-" + codec).getBytes(StandardCharsets.UTF_8),
                        List.of(new dev.sluice.api.record.Header("h", "v".getBytes(StandardCharsets.UTF_8))));
            }
            seeds.add(produceSeed("produce-" + codec, builder.build(), (short) 1, codec == null ? 0 : 1));
        }
        ByteBuffer acksZero = new RecordBatchBuilder(null).append(1L, null, "fuzz-value-acks0".getBytes(StandardCharsets.UTF_8)).build();
        seeds.add(produceSeed("produce-acks0", acksZero, (short) 0, 1));
        return seeds;
    }

    private static Seed seed(String name, ApiKey api, short version, Struct body) {
        return new Seed(name, WireClient.frame(api, version, 1, body), true, -1, 0);
    }

    private static Seed produceSeed(String name, ByteBuffer batch, short acks, int partition) {
        byte[] batchBytes = new byte[batch.remaining()];
        batch.duplicate().get(batchBytes);
        byte[] frame = WireClient.frame(ApiKey.PRODUCE, WireClient.PRODUCE_V, 1,
                WireClient.produce(TOPIC, partition, acks, ByteBuffer.wrap(batchBytes)));
        int start = indexOf(frame, batchBytes);
        assertThat(start).isPositive();
        return new Seed(name, frame, acks != 0, start, batchBytes.length);
    }

    /** One fuzzed frame: mostly a mutated seed, sometimes noise. */
    private static byte[] fuzzFrame(Random random, List<Seed> seeds) {
        Seed seed = seeds.get(random.nextInt(seeds.size()));
        byte[] frame = seed.frame.clone();
        int op = random.nextInt(10);
        switch (op) {
            case 0 -> { // flip a few bytes anywhere after the size
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    int at = 4 + random.nextInt(frame.length - 4);
                    frame[at] ^= (byte) (1 + random.nextInt(255));
                }
            }
            case 1 -> { // truncate (the declared size stays: the broker waits for bytes that never come)
                frame = Arrays.copyOf(frame, random.nextInt(frame.length));
            }
            case 2 -> { // declared size wrong: a little off, negative, or anything
                int size = switch (random.nextInt(3)) {
                    case 0 -> frame.length - 4 + random.nextInt(21) - 10;
                    case 1 -> -1 - random.nextInt(Integer.MAX_VALUE);
                    default -> random.nextInt(MAX_REQUEST_BYTES);
                };
                ByteBuffer.wrap(frame).putInt(0, size);
            }
            case 3 -> { // huge declared length, then whatever follows
                int size = random.nextBoolean() ? Integer.MAX_VALUE - random.nextInt(1000) : MAX_REQUEST_BYTES + 1 + random.nextInt(1 << 28);
                ByteBuffer.wrap(frame).putInt(0, size);
            }
            case 4 -> { // unknown API key or version
                ByteBuffer b = ByteBuffer.wrap(frame);
                if (random.nextBoolean()) {
                    b.putShort(4, (short) random.nextInt(Short.MAX_VALUE));
                } else {
                    b.putShort(6, (short) (random.nextInt(60) - 10));
                }
            }
            case 5 -> { // a produce whose batch is corrupted: its CRC no longer matches
                Seed produce = seeds.stream().filter(s -> s.batchStart > 0).toList()
                        .get(random.nextInt((int) seeds.stream().filter(s -> s.batchStart > 0).count()));
                frame = produce.frame.clone();
                int at = produce.batchStart + RecordBatch.CRC_OFFSET + random.nextInt(produce.batchSize - RecordBatch.CRC_OFFSET);
                frame[at] ^= (byte) (1 + random.nextInt(255));
            }
            case 6 -> { // a produce batch with a wrong length or record count, CRC intact or not
                Seed produce = seeds.stream().filter(s -> s.batchStart > 0).toList()
                        .get(random.nextInt((int) seeds.stream().filter(s -> s.batchStart > 0).count()));
                frame = produce.frame.clone();
                ByteBuffer b = ByteBuffer.wrap(frame);
                if (random.nextBoolean()) {
                    b.putInt(produce.batchStart + RecordBatch.LENGTH_OFFSET, random.nextInt());
                } else {
                    b.putInt(produce.batchStart + RecordBatch.RECORDS_COUNT_OFFSET, random.nextInt());
                }
            }
            case 7 -> { // pure noise with a plausible size
                int length = random.nextInt(512);
                frame = new byte[4 + length];
                random.nextBytes(frame);
                ByteBuffer.wrap(frame).putInt(0, length);
            }
            case 8 -> { // a valid request followed by a mutated one on the same connection
                byte[] second = seed.frame.clone();
                second[4 + random.nextInt(second.length - 4)] ^= (byte) (1 + random.nextInt(255));
                frame = concat(seeds.get(random.nextInt(seeds.size())).frame, second);
            }
            default -> { // a run of random bytes overwritten in the body
                int at = 4 + random.nextInt(frame.length - 4);
                int length = Math.min(frame.length - at, 1 + random.nextInt(16));
                byte[] noise = new byte[length];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, frame, at, length);
            }
        }
        return frame;
    }

    record Outcome(boolean responded, boolean timedOut) {
    }

    /**
     * Sends the bytes on a fresh connection and waits up to {@code answerWaitMs} for a whole response
     * frame. Without one, half-closes the connection (a broker waiting for the rest of a truncated
     * frame then sees the end of the stream) and reads until the broker closes, for at most a second.
     */
    private Outcome exchange(byte[] bytes, int answerWaitMs) {
        int colon = broker.bootstrap().lastIndexOf(':');
        return exchange(Integer.parseInt(broker.bootstrap().substring(colon + 1)), bytes, answerWaitMs);
    }

    private static Outcome exchange(int port, byte[] bytes, int answerWaitMs) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                return new Outcome(false, false); // the broker closed first
            }
            DataInputStream in = new DataInputStream(socket.getInputStream());
            try {
                socket.setSoTimeout(answerWaitMs);
                int size = in.readInt();
                socket.setSoTimeout(5_000);
                in.readFully(new byte[size]);
                return new Outcome(true, false);
            } catch (SocketTimeoutException e) {
                // no answer (yet): fall through to the half-close
            } catch (IOException e) {
                return new Outcome(false, false); // closed by the broker
            }
            try {
                socket.shutdownOutput();
                socket.setSoTimeout(1_000);
                while (in.read() != -1) {
                    // drain until the broker closes
                }
                return new Outcome(false, false);
            } catch (SocketTimeoutException e) {
                socket.setSoLinger(true, 0); // reset rather than linger
                return new Outcome(false, true);
            } catch (IOException e) {
                return new Outcome(false, false);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- checks

    private void roundTrip(String topic) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(),
                Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            for (int i = 0; i < 50; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, ("rt-" + i).getBytes(StandardCharsets.UTF_8))).get(20, TimeUnit.SECONDS);
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(broker.bootstrap(), Map.of())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            List<ConsumerRecord<byte[], byte[]>> records = KafkaClients.pollUntil(consumer, 50);
            assertThat(records).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 50).mapToObj(i -> "rt-" + i).toList());
        }
    }

    /** Reads the whole log through the storage SPI: every batch valid and decodable, offsets dense. */
    private static void assertIntact(LogStorage log) throws IOException {
        CompressionCodecs codecs = CompressionCodecs.installed();
        long next = log.logStartOffset();
        long end = log.logEndOffset();
        RecordBatch batch = new RecordBatch();
        while (next < end) {
            ByteBuffer chunk = log.read(next, end, 256 * 1024, true).toBuffer();
            assertThat(chunk.hasRemaining()).as("%s: data at offset %d", log.topicPartition(), next).isTrue();
            int whole = RecordBatches.completeBatchesSize(chunk);
            for (int position = chunk.position(); position < chunk.position() + whole; position += batch.sizeInBytes()) {
                batch.wrap(chunk, position);
                batch.validate(chunk.limit() - position);
                assertThat(batch.baseOffset()).as("%s: dense offsets", log.topicPartition()).isEqualTo(next);
                List<Record> records = RecordBatches.records(batch, codecs);
                assertThat(records).hasSize(batch.recordCount());
                next = batch.nextOffset();
            }
        }
        assertThat(next).isEqualTo(end);
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
