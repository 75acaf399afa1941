package dev.sluice.broker.network;

import dev.sluice.api.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static dev.sluice.broker.network.TestHandler.command;
import static dev.sluice.broker.network.TestHandler.seqOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19.5: clients that announce large frames and then send nothing, or trickle, must not pin
 * the server's memory nor starve other clients, and the memory must come back afterwards.
 */
class SlowLorisTest {
    private static final Endpoint LOCAL = Endpoint.parse("PLAINTEXT://127.0.0.1:0");
    private static final int MIB = 1 << 20;
    private static final long BUDGET = 4L * MIB;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final TestHandler handler = new TestHandler();

    @AfterEach
    void tearDown() throws Exception {
        handler.close();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private SocketServer start(SocketServerConfig config, Time time) throws Exception {
        SocketServer server = new SocketServer(config, handler, time);
        toClose.add(server);
        server.start();
        return server;
    }

    private SocketChannel attacker(SocketServer server, int frameSize, int bytesSent) throws IOException {
        SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.boundPort("PLAINTEXT")));
        toClose.add(ch);
        ByteBuffer head = ByteBuffer.allocate(4 + bytesSent).putInt(frameSize).flip().limit(4 + bytesSent);
        while (head.hasRemaining()) {
            ch.write(head);
        }
        return ch;
    }

    private TestClient client(SocketServer server) throws IOException {
        TestClient c = new TestClient(server.boundPort("PLAINTEXT"));
        toClose.add(c);
        return c;
    }

    private static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() < deadline).as(what).isTrue();
            Thread.sleep(5);
        }
    }

    @Test
    void hundredsOfConnectionsAnnouncingLargeFramesHoldNoMemoryAndANormalClientIsServed() throws Exception {
        SocketServer server = start(SocketServerConfig.defaults(LOCAL).withQueueLimits(500, BUDGET, 5), Time.SYSTEM);
        FramePool pool = server.framePool();
        int attackers = 300;
        for (int i = 0; i < attackers; i++) {
            attacker(server, MIB, 0);
        }
        eventually("every announcement read", () -> server.metrics().bytesIn() >= attackers * 4L);
        assertThat(pool.inUseBytes() + pool.idleBytes()).as("no memory for frames whose bytes are not coming").isZero();

        TestClient normal = client(server);
        long start = System.nanoTime();
        normal.send(ByteBuffer.allocate(2_000).put(command('E', 0, 42)).array());
        assertThat(seqOf(normal.receive())).isEqualTo(42);
        assertThat(System.nanoTime() - start).as("served at once").isLessThan(TimeUnit.SECONDS.toNanos(2));
        assertThat(server.metrics().activeConnections()).as("the announcers are still connected").isEqualTo(attackers + 1);
    }

    @Test
    void framesTricklingInAreBoundedByTheBudgetDoNotStarveSmallRequestsAndTimeOut() throws Exception {
        SocketServerConfig config = SocketServerConfig.defaults(LOCAL).withQueueLimits(500, BUDGET, 5)
                .withRequestReceiveTimeoutMs(3_000);
        SocketServer server = start(config, Time.SYSTEM);
        FramePool pool = server.framePool();
        int attackers = 6; // each sends 100 bytes of a 1 MiB frame: large frames may take 7/8 of the budget, three of them
        List<SocketChannel> channels = new ArrayList<>();
        for (int i = 0; i < attackers; i++) {
            channels.add(attacker(server, MIB, 100));
        }
        eventually("the budget's share for large frames taken", () -> pool.inUseBytes() >= 3L * MIB);

        TestClient normal = client(server);
        normal.send(ByteBuffer.allocate(2_000).put(command('E', 0, 7)).array());
        assertThat(seqOf(normal.receive())).as("the normal client is served").isEqualTo(7);
        assertThat(server.metrics().framesTimedOut()).as("at once, not after the trickling frames timed out").isZero();

        long maxUsed = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (server.metrics().framesTimedOut() < attackers && System.nanoTime() < deadline) {
            maxUsed = Math.max(maxUsed, pool.inUseBytes() + pool.idleBytes());
            Thread.sleep(1);
        }
        assertThat(server.metrics().framesTimedOut()).as("every trickling frame timed out").isEqualTo(attackers);
        assertThat(maxUsed).as("frame memory never exceeds queued.max.request.bytes").isLessThanOrEqualTo(BUDGET);
        for (SocketChannel ch : channels) {
            ch.configureBlocking(true);
            assertThat(ch.read(ByteBuffer.allocate(1))).as("closed by the server").isEqualTo(-1);
        }
        eventually("no frame memory in use", () -> pool.inUseBytes() == 0);
    }

    @Test
    void idlePooledMemoryIsGivenBackAfterTheBurst() throws Exception {
        AtomicLong nanos = new AtomicLong(System.nanoTime());
        Time manual = new Time() {
            @Override
            public long milliseconds() {
                return TimeUnit.NANOSECONDS.toMillis(nanos.get());
            }

            @Override
            public long nanoseconds() {
                return nanos.get();
            }
        };
        SocketServer server = start(SocketServerConfig.defaults(LOCAL).withQueueLimits(500, 64L * MIB, 5), manual);
        FramePool pool = server.framePool();
        List<TestClient> burst = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TestClient c = client(server);
            c.send(ByteBuffer.allocate(MIB - 100).put(command('E', 0, i)).array());
            burst.add(c);
        }
        for (int i = 0; i < burst.size(); i++) {
            assertThat(seqOf(burst.get(i).receive())).isEqualTo(i);
            burst.get(i).close();
        }
        eventually("frames released", () -> pool.inUseBytes() == 0);
        assertThat(pool.idleBytes()).as("kept for reuse for now").isGreaterThanOrEqualTo(MIB);

        long interval = FramePool.DEFAULT_TRIM_INTERVAL_NANOS;
        nanos.addAndGet(interval + 1); // first trim: the burst's buffers were not idle for a whole interval yet
        Thread.sleep(700);
        nanos.addAndGet(interval + 1); // second: they were, and nothing needed them
        eventually("idle memory given back", () -> pool.idleBytes() == 0);
        assertThat(pool.inUseBytes()).isZero();

        TestClient after = client(server);
        after.send(command('E', 0, 99));
        assertThat(seqOf(after.receive())).as("the pool still serves").isEqualTo(99);
    }
}
