package dev.sluice.broker.network;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static dev.sluice.broker.network.TestHandler.command;
import static dev.sluice.broker.network.TestHandler.seqOf;
import static org.assertj.core.api.Assertions.assertThat;

/** The frame pool as the server drives it: buffers come back on completion and on close, and are reused. */
class FramePoolServerTest {
    private static final Endpoint LOCAL = Endpoint.parse("PLAINTEXT://127.0.0.1:0");

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final TestHandler handler = new TestHandler();

    @AfterEach
    void tearDown() throws Exception {
        handler.close();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private SocketServer start(SocketServerConfig config) throws Exception {
        SocketServer server = new SocketServer(config, handler);
        toClose.add(server);
        server.start();
        return server;
    }

    private TestClient connect(SocketServer server) throws Exception {
        TestClient c = new TestClient(server.boundPort("PLAINTEXT"));
        toClose.add(c);
        return c;
    }

    private static void eventually(LongSupplier value, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (value.getAsLong() != expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(value.getAsLong()).isEqualTo(expected);
    }

    @Test
    void thousandsOfRequestsReuseAFewBuffersAndLeaveNoneInUse() throws Exception {
        SocketServer server = start(SocketServerConfig.defaults(LOCAL).withQueueLimits(500, 1 << 20, 5));
        FramePool pool = server.framePool();
        List<TestClient> clients = List.of(connect(server), connect(server), connect(server));
        int perClient = 3_000;
        for (int i = 0; i < perClient; i++) {
            for (TestClient c : clients) {
                c.send(ByteBuffer.allocate(100 + i % 2_000).put(command(i % 2 == 0 ? 'E' : 'D', 0, i)).array());
            }
            for (TestClient c : clients) {
                assertThat(seqOf(c.receive())).as("responses are echoes of intact frames").isEqualTo(i);
            }
            if (i == 100) {
                assertThat(pool.allocated()).as("warm: a buffer or two per class and client").isLessThanOrEqualTo(12);
            }
        }
        assertThat(pool.allocated()).as("9,000 requests, no new buffers after warm-up").isLessThanOrEqualTo(12);
        eventually(pool::inUseBytes, 0);
    }

    @Test
    void aConnectionClosedMidFrameGivesItsBufferBack() throws Exception {
        SocketServer server = start(SocketServerConfig.defaults(LOCAL));
        FramePool pool = server.framePool();
        TestClient client = connect(server);
        client.sendRaw(ByteBuffer.allocate(4 + 10).putInt(5_000).put(new byte[10]).array()); // 10 of 5,000 bytes
        eventually(pool::inUseBytes, 8 * 1024);
        client.close();
        eventually(pool::inUseBytes, 0);
        assertThat(pool.idleBytes()).isEqualTo(8 * 1024);

        TestClient next = connect(server);
        next.send(ByteBuffer.allocate(6_000).put(command('E', 0, 7)).array());
        assertThat(seqOf(next.receive())).isEqualTo(7);
        assertThat(pool.allocated()).as("the half-read frame's buffer served the next frame").isEqualTo(1);
    }

    @Test
    void requestsQueuedBehindAClosedConnectionStillRunThenReturnTheirBuffers() throws Exception {
        SocketServer server = start(SocketServerConfig.defaults(LOCAL));
        FramePool pool = server.framePool();
        TestClient client = connect(server);
        // the first request blocks its handler, so the next two are read but wait undispatched
        client.send(command('B', 0, 1));
        client.send(command('E', 0, 2));
        client.send(command('E', 0, 3));
        assertThat(handler.blocked.await(10, TimeUnit.SECONDS)).isTrue();
        eventually(pool::inUseBytes, 3 * 1024);
        client.close();
        // the client sent them completely before closing: they still run (an acks=0 producer closes
        // right after writing), so their buffers stay in use until they are handled
        Thread.sleep(200);
        assertThat(pool.inUseBytes()).isEqualTo(3 * 1024);
        assertThat(handler.handled.get()).isEqualTo(1);
        handler.release.countDown();
        eventually(() -> handler.handled.get(), 3);
        eventually(pool::inUseBytes, 0);
    }
}
