package dev.sluice.broker.network;

import dev.sluice.protocol.Send;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import static dev.sluice.broker.network.TestHandler.command;
import static dev.sluice.broker.network.TestHandler.seqOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SocketServerTest {
    private static final Endpoint LOCAL = Endpoint.parse("PLAINTEXT://127.0.0.1:0");

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final TestHandler handler = new TestHandler();

    @AfterEach
    void tearDown() throws Exception {
        handler.close();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        assertThat(handler.violations).isEmpty();
        assertThat(liveServerThreads()).as("threads left running after close").isEmpty();
    }

    private static List<String> liveServerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith("sluice-")).toList();
    }

    /** Counters are bumped after the bytes hit the socket, so the client can be a moment ahead of them. */
    private static void eventually(java.util.function.LongSupplier counter, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(counter.getAsLong()).isEqualTo(expected);
    }

    private SocketServer start(SocketServerConfig config, RequestHandler h) throws IOException {
        SocketServer server = new SocketServer(config, h);
        toClose.add(server);
        server.start();
        return server;
    }

    private SocketServer start(SocketServerConfig config) throws IOException {
        return start(config, handler);
    }

    private static SocketServerConfig config() {
        return SocketServerConfig.defaults(LOCAL);
    }

    private TestClient connect(SocketServer server) throws IOException {
        TestClient c = new TestClient(server.boundPort("PLAINTEXT"));
        toClose.add(c);
        return c;
    }

    @Test
    void aThrottledResponseMutesOnlyItsConnectionForTheThrottleTime() throws Exception {
        SocketServer server = start(config());
        TestClient throttled = connect(server);
        TestClient other = connect(server);
        throttled.send(command('T', 600, 1));
        assertThat(seqOf(throttled.receive())).isEqualTo(1);
        long answered = System.nanoTime();
        throttled.send(command('E', 0, 2));
        // another client is served meanwhile
        other.send(command('E', 0, 3));
        assertThat(seqOf(other.receive())).isEqualTo(3);
        assertThat(seqOf(throttled.receive())).isEqualTo(2);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - answered);
        assertThat(waitedMs).as("the next request is read only after the throttle").isGreaterThanOrEqualTo(550);
        // and afterwards it is read at once again
        long before = System.nanoTime();
        throttled.send(command('E', 0, 4));
        assertThat(seqOf(throttled.receive())).isEqualTo(4);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before)).isLessThan(500);
    }

    @Test
    void aRequestCarriesItsListenersNameAndSecurityProtocol() throws Exception {
        Endpoint internal = Endpoint.parse("INTERNAL://127.0.0.1:0",
                java.util.Map.of("INTERNAL", dev.sluice.api.security.SecurityProtocol.PLAINTEXT));
        CompletableFuture<String> seen = new CompletableFuture<>();
        SocketServer server = start(SocketServerConfig.defaults(LOCAL, internal), request -> {
            seen.complete(request.listenerName() + "/" + request.securityProtocol());
            request.respond(Send.of(ByteBuffer.wrap(new byte[] {0, 0, 0, 1, 7})));
        });
        try (TestClient client = new TestClient(server.boundPort("INTERNAL"))) {
            client.send(command('E', 0, 1));
            client.receive();
        }
        assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo("INTERNAL/PLAINTEXT");
    }

    @Test
    void bindsPortZeroAndReportsTheBoundPort() throws IOException {
        SocketServer server = start(config());
        assertThat(server.boundPort("PLAINTEXT")).isPositive();
        assertThat(server.boundEndpoints()).singleElement()
                .satisfies(e -> assertThat(e.port()).isEqualTo(server.boundPort("PLAINTEXT")));
    }

    @Test
    void pipelinedResponsesKeepRequestOrderWhenHandlersFinishOutOfOrder() throws Exception {
        SocketServer server = start(config());
        TestClient client = connect(server);
        int n = 200;
        for (int seq = 0; seq < n; seq++) {
            client.send(command('D', (7 - seq % 8) * 3, seq)); // later requests of each group of 8 finish first
        }
        for (int seq = 0; seq < n; seq++) {
            assertThat(seqOf(client.receive())).isEqualTo(seq);
        }
        assertThat(handler.completionOrder()).hasSize(n).isNotEqualTo(handler.completionOrder().stream().sorted().toList());
        assertThat(server.metrics().requestsReceived()).isEqualTo(n);
        eventually(server.metrics()::responsesSent, n);
    }

    @Test
    void servesManyConnectionsConcurrently() throws Exception {
        SocketServer server = start(config().withThreads(2, 3));
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int base = c * 1000;
                results.add(clients.submit(() -> {
                    try (TestClient client = new TestClient(server.boundPort("PLAINTEXT"))) {
                        List<Integer> seen = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            client.send(command(i % 3 == 0 ? 'D' : 'E', 1, base + i));
                            if (i % 10 == 9) { // pipeline in bursts of 10
                                for (int k = 0; k < 10; k++) {
                                    seen.add(seqOf(client.receive()));
                                }
                            }
                        }
                        return seen;
                    }
                }));
            }
            for (int c = 0; c < 8; c++) {
                int base = c * 1000;
                List<Integer> expected = java.util.stream.IntStream.range(base, base + 100).boxed().toList();
                assertThat(results.get(c).get(30, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            clients.shutdownNow();
            assertThat(clients.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(server.metrics().connectionsAccepted()).isEqualTo(8);
    }

    @Test
    void oversizedDeclaredSizeClosesTheConnectionAndOthersAreStillServed() throws IOException {
        SocketServer server = start(config().withMaxRequestBytes(1024));
        TestClient healthy = connect(server);
        TestClient bad = connect(server);
        bad.sendRaw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
        assertThat(bad.closedByServer()).isTrue();
        assertThat(server.metrics().invalidFrames()).isEqualTo(1);

        TestClient justOver = connect(server);
        justOver.sendRaw(ByteBuffer.allocate(4).putInt(1025).array());
        assertThat(justOver.closedByServer()).isTrue();

        byte[] maxSized = ByteBuffer.allocate(1024).put(command('E', 0, 42)).array();
        healthy.send(maxSized);
        assertThat(healthy.receive()).isEqualTo(maxSized);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void nonPositiveSizeClosesTheConnection(int size) throws IOException {
        SocketServer server = start(config());
        TestClient client = connect(server);
        client.sendRaw(ByteBuffer.allocate(4).putInt(size).array());
        assertThat(client.closedByServer()).isTrue();
        assertThat(server.metrics().invalidFrames()).isEqualTo(1);
    }

    @Test
    void framesArrivingByteByByteAndFramesSharingOneWriteAreReassembled() throws Exception {
        SocketServer server = start(config());
        TestClient client = connect(server);
        byte[] first = TestClient.frame(command('E', 0, 1));
        for (byte b : first) {
            client.sendRaw(new byte[] {b});
            Thread.sleep(1); // let each byte travel in its own segment
        }
        assertThat(seqOf(client.receive())).isEqualTo(1);

        byte[] two = ByteBuffer.allocate(2 * first.length)
                .put(TestClient.frame(command('E', 0, 2))).put(TestClient.frame(command('E', 0, 3))).array();
        client.sendRaw(two);
        assertThat(seqOf(client.receive())).isEqualTo(2);
        assertThat(seqOf(client.receive())).isEqualTo(3);
    }

    @Test
    void respondNothingKeepsTheOrderOfTheOtherResponses() throws Exception {
        SocketServer server = start(config());
        TestClient client = connect(server);
        for (int seq = 0; seq < 30; seq++) {
            client.send(seq % 2 == 0 ? command('N', 0, seq) : command('D', (30 - seq) % 7, seq));
        }
        for (int seq = 1; seq < 30; seq += 2) {
            assertThat(seqOf(client.receive())).isEqualTo(seq);
        }
        eventually(server.metrics()::responsesSent, 15);
    }

    @Test
    void largeZeroCopyResponseReachesASlowReaderIntact(@TempDir Path dir) throws Exception {
        int size = 50 * 1024 * 1024;
        Path file = dir.resolve("segment");
        CRC32 expected = new CRC32();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Random random = new Random(7);
            ByteBuffer chunk = ByteBuffer.allocate(1024 * 1024);
            for (int i = 0; i < size / chunk.capacity(); i++) {
                random.nextBytes(chunk.array());
                expected.update(chunk.array());
                chunk.clear();
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
        }
        FileChannel slices = FileChannel.open(file, StandardOpenOption.READ);
        toClose.add(slices);
        RequestHandler sendFile = request -> {
            ByteBuffer header = ByteBuffer.allocate(8).putInt(0, 4 + size).putInt(4, request.payload().getInt(5));
            request.respond(Send.builder().add(header).add(new FileSlice(slices, size)).build());
        };
        SocketServer server = start(config().withSocketBuffers(16 * 1024, -1), sendFile);
        TestClient client = new TestClient(server.boundPort("PLAINTEXT"), 16 * 1024);
        toClose.add(client);
        client.send(command('F', 0, 9));
        client.send(command('F', 0, 10)); // a second response queued behind the first must follow it intact
        Thread.sleep(200); // let the server fill the socket buffers and wait for OP_WRITE
        for (int seq = 9; seq <= 10; seq++) {
            assertThat(client.input().readInt()).isEqualTo(4 + size);
            assertThat(client.input().readInt()).isEqualTo(seq);
            CRC32 actual = new CRC32();
            byte[] buffer = new byte[8192]; // a small reader: many reads, the server resumes the Send each time
            int left = size;
            while (left > 0) {
                int n = client.input().read(buffer, 0, Math.min(buffer.length, left));
                assertThat(n).isPositive();
                actual.update(buffer, 0, n);
                left -= n;
            }
            assertThat(actual.getValue()).isEqualTo(expected.getValue());
        }
        eventually(server.metrics()::bytesOut, 2L * (8 + size));
    }

    @Test
    void idleConnectionsAreClosedButOnesAwaitingAResponseAreNot() throws IOException {
        SocketServer server = start(config().withConnectionLimits(300, Integer.MAX_VALUE));
        TestClient idle = connect(server);
        TestClient waiting = connect(server);
        waiting.send(command('D', 1_000, 5)); // answered after more than the idle timeout
        assertThat(idle.closedByServer()).isTrue();
        assertThat(seqOf(waiting.receive())).isEqualTo(5);
    }

    @Test
    void connectionsBeyondMaxConnectionsAreRefused() throws IOException {
        SocketServer server = start(config().withConnectionLimits(60_000, 2));
        TestClient first = connect(server);
        TestClient second = connect(server);
        first.send(command('E', 0, 1));
        second.send(command('E', 0, 2));
        assertThat(seqOf(first.receive())).isEqualTo(1);
        assertThat(seqOf(second.receive())).isEqualTo(2);

        TestClient third = connect(server);
        assertThat(third.closedByServer()).isTrue();
        assertThat(server.metrics().connectionsRefused()).isEqualTo(1);

        first.close();
        TestClient fourth = null;
        while (fourth == null) { // the slot frees once the server notices the close
            TestClient attempt = connect(server);
            attempt.send(command('E', 0, 4));
            try {
                assertThat(seqOf(attempt.receive())).isEqualTo(4);
                fourth = attempt;
            } catch (IOException refused) {
                attempt.close();
            }
        }
    }

    @Test
    void aFailingHandlerClosesOnlyItsConnectionAndItsThreadLivesOn() throws IOException {
        SocketServer server = start(config().withThreads(1, 1));
        TestClient failing = connect(server);
        failing.send(command('X', 0, 1));
        assertThat(failing.closedByServer()).isTrue();
        TestClient other = connect(server);
        other.send(command('E', 0, 2));
        assertThat(seqOf(other.receive())).isEqualTo(2);
    }

    @Test
    void closeConnectionCompletionClosesTheSocket() throws Exception {
        SocketServer server = start(config());
        TestClient client = connect(server);
        client.send(command('C', 0, 1));
        assertThat(client.closedByServer()).isTrue();
        eventually(server.metrics()::connectionsClosed, 1);
    }

    @Test
    void stopsReadingAConnectionAtItsInFlightCap() throws Exception {
        SocketServer server = start(config().withQueueLimits(500, -1, 4));
        TestClient client = connect(server);
        for (int seq = 0; seq < 10; seq++) {
            client.send(command('H', 0, seq));
        }
        List<NetworkRequest> first = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            first.add(handler.held.poll(10, TimeUnit.SECONDS));
        }
        assertThat(handler.held.poll(200, TimeUnit.MILLISECONDS)).as("a fifth request while four are unanswered").isNull();
        assertThat(server.metrics().requestsReceived()).isEqualTo(4);

        // Completing in reverse order releases nothing until the oldest is answered, then everything in order.
        for (int i = 3; i >= 0; i--) {
            first.get(i).respond(TestHandler.echo(first.get(i).payload()));
        }
        for (int seq = 0; seq < 4; seq++) {
            assertThat(seqOf(client.receive())).isEqualTo(seq);
        }
        for (int seq = 4; seq < 10; seq++) {
            NetworkRequest r = handler.held.poll(10, TimeUnit.SECONDS);
            r.respond(TestHandler.echo(r.payload()));
            assertThat(seqOf(client.receive())).isEqualTo(seq);
        }
    }

    @Test
    void aFullHandlerQueueOrMemoryBudgetDelaysRequestsWithoutLosingThem() throws Exception {
        // One handler thread, a queue of two, and a budget of one 600-byte request at a time.
        SocketServer server = start(config().withThreads(2, 1).withQueueLimits(2, 1000, 8));
        List<TestClient> clients = new ArrayList<>();
        for (int c = 0; c < 6; c++) {
            TestClient client = connect(server);
            clients.add(client);
            for (int i = 0; i < 3; i++) {
                client.send(ByteBuffer.allocate(600).put(command('H', 0, c * 10 + i)).array());
            }
        }
        for (int served = 0; served < 18; served++) {
            NetworkRequest r = handler.held.poll(10, TimeUnit.SECONDS);
            assertThat(r).isNotNull();
            assertThat(handler.held).as("the budget admits one 600-byte request at a time").isEmpty();
            r.respond(TestHandler.echo(r.payload()));
        }
        for (int c = 0; c < 6; c++) {
            for (int i = 0; i < 3; i++) {
                assertThat(seqOf(clients.get(c).receive())).isEqualTo(c * 10 + i);
            }
        }
    }

    @Test
    void gracefulCloseLetsAnInFlightRequestFinishAndFlush() throws Exception {
        SocketServer server = start(config());
        TestClient client = connect(server);
        client.send(command('B', 0, 77));
        assertThat(handler.blocked.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
        while (true) { // the listener closes first, while the request is still in its handler
            try (TestClient late = new TestClient(server.boundPort("PLAINTEXT"))) {
                Thread.sleep(5);
            } catch (IOException refusedOrReset) {
                break;
            }
        }
        assertThat(closing).isNotDone();
        handler.release.countDown();
        assertThat(seqOf(client.receive())).isEqualTo(77);
        closing.get(10, TimeUnit.SECONDS);
        assertThat(client.closedByServer()).isTrue();
        assertThat(liveServerThreads()).isEmpty();
    }

    @Test
    void closeGivesUpOnUnansweredRequestsAfterTheShutdownTimeout() throws Exception {
        SocketServer server = start(config().withShutdownTimeoutMs(100));
        TestClient client = connect(server);
        client.send(command('H', 0, 1));
        NetworkRequest parked = handler.held.poll(10, TimeUnit.SECONDS);
        server.close();
        assertThat(client.closedByServer()).isTrue();
        parked.respond(TestHandler.echo(parked.payload())); // a late completion is harmless
        assertThatThrownBy(() -> parked.respondNothing()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWithoutStartReleasesThePorts() throws IOException {
        SocketServer server = new SocketServer(config(), handler);
        int port = server.boundPort("PLAINTEXT");
        server.close();
        assertThatThrownBy(() -> new TestClient(port).close()).isInstanceOf(ConnectException.class);
    }
}
