package dev.sluice.broker.network;

import dev.sluice.api.Time;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timestamps the request metrics split a request's time by (Kafka's queue, local, remote,
 * response queue, send): a handler that works 40 ms and lets another thread complete the request
 * 150 ms later shows at least that much local and remote time, in order, and the observer hears of
 * each request once its response is written, with the kind the handler tagged. Lower bounds only:
 * a loaded machine makes everything slower, never faster.
 */
class RequestTimingTest {
    private static final long LOCAL_MS = 40;
    private static final long REMOTE_MS = 150;
    private SocketServer server;
    private TestClient client;

    @AfterEach
    void close() throws Exception {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private record Done(NetworkRequest request, long endNanos) {
    }

    @Test
    void localAndRemoteTimeAreSplitAtTheHandlersReturn() throws Exception {
        BlockingQueue<Done> done = new LinkedBlockingQueue<>();
        RequestHandler handler = request -> {
            request.tag(7, (short) 3);
            Thread.sleep(LOCAL_MS); // the handler's own work
            CompletableFuture.runAsync(() -> { // purgatory: completed REMOTE_MS after the handler returned
                try {
                    while (request.handlerReturnedNanos() == 0) {
                        Thread.sleep(1);
                    }
                    Thread.sleep(REMOTE_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                request.respond(TestHandler.echo(request.payload()));
            });
        };
        server = new SocketServer(SocketServerConfig.defaults(Endpoint.parse("PLAINTEXT://127.0.0.1:0")), handler,
                Time.SYSTEM, (request, end) -> done.add(new Done(request, end)));
        server.start();
        client = new TestClient(server.boundPort("PLAINTEXT"));
        client.send(new byte[]{1, 2, 3});
        assertThat(client.receive()).containsExactly(1, 2, 3);

        Done d = done.poll(10, TimeUnit.SECONDS);
        assertThat(d).isNotNull();
        NetworkRequest r = d.request();
        assertThat(r.kind()).isEqualTo(7);
        assertThat(r.version()).isEqualTo((short) 3);
        long received = r.receivedNanos();
        assertThat(r.dequeuedNanos()).isGreaterThanOrEqualTo(received);
        assertThat(r.localDoneNanos() - r.dequeuedNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(LOCAL_MS));
        assertThat(r.completedNanos() - r.localDoneNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(REMOTE_MS));
        assertThat(r.responseDequeuedNanos()).isGreaterThanOrEqualTo(r.completedNanos());
        assertThat(d.endNanos()).isGreaterThanOrEqualTo(r.responseDequeuedNanos());
        assertThat(done).as("told once").isEmpty();
    }

    @Test
    void aRequestCompletedInsideItsHandlerHasNoRemoteTime() throws Exception {
        BlockingQueue<Done> done = new LinkedBlockingQueue<>();
        RequestHandler handler = request -> {
            request.respond(TestHandler.echo(request.payload()));
            Thread.sleep(LOCAL_MS); // work after answering is not the request's: the completion ends the local time
        };
        server = new SocketServer(SocketServerConfig.defaults(Endpoint.parse("PLAINTEXT://127.0.0.1:0")), handler,
                Time.SYSTEM, (request, end) -> done.add(new Done(request, end)));
        server.start();
        client = new TestClient(server.boundPort("PLAINTEXT"));
        client.send(new byte[]{9});
        assertThat(client.receive()).containsExactly(9);
        Done d = done.poll(10, TimeUnit.SECONDS);
        assertThat(d).isNotNull();
        assertThat(d.request().kind()).as("never tagged").isEqualTo(-1);
        assertThat(d.request().completedNanos() - d.request().localDoneNanos()).isZero();
    }
}
