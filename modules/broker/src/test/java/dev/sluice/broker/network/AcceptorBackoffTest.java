package dev.sluice.broker.network;

import dev.sluice.api.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.sluice.broker.network.TestHandler.command;
import static dev.sluice.broker.network.TestHandler.seqOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19.3: when accepting fails with "Too many open files" the acceptor must pause, not spin
 * and log in a tight loop, resume by itself, and never stop a shutdown from completing.
 */
class AcceptorBackoffTest {
    private static final Endpoint LOCAL = Endpoint.parse("PLAINTEXT://127.0.0.1:0");

    private final TestHandler handler = new TestHandler();
    private final AtomicBoolean failing = new AtomicBoolean(true);
    private final AtomicInteger attempts = new AtomicInteger();
    private SocketServer server;
    private TestClient client;

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        handler.close();
    }

    private SocketServer start() throws IOException {
        server = new SocketServer(SocketServerConfig.defaults(LOCAL), handler, Time.SYSTEM, (ServerSocketChannel l) -> {
            attempts.incrementAndGet();
            if (failing.get()) {
                throw new IOException("Too many open files");
            }
            return l.accept();
        });
        server.start();
        return server;
    }

    @Test
    void aFailingAcceptPausesAcceptingInsteadOfSpinningAndResumesOnItsOwn() throws Exception {
        start();
        client = new TestClient(server.boundPort("PLAINTEXT")); // waits in the listen backlog
        Thread.sleep(1_200);
        long failures = server.metrics().acceptFailures();
        assertThat(failures).as("a pause of %d ms after each failure", Acceptor.ACCEPT_BACKOFF_MS).isBetween(1L, 4L);
        assertThat(attempts.get()).isEqualTo((int) failures);

        failing.set(false);
        client.send(command('E', 0, 5));
        assertThat(seqOf(client.receive())).as("accepted once the failures stop").isEqualTo(5);
    }

    @Test
    void shutdownCompletesPromptlyWhileAcceptsKeepFailing() throws Exception {
        start();
        client = new TestClient(server.boundPort("PLAINTEXT"));
        Thread.sleep(300);
        assertThat(server.metrics().acceptFailures()).isPositive();
        long start = System.nanoTime();
        server.close();
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(2));
    }
}
