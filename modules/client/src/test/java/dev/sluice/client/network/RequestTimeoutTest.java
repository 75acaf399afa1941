package dev.sluice.client.network;

import dev.sluice.api.testing.ManualClock;
import dev.sluice.client.TimeoutException;
import dev.sluice.client.config.ClientConfig;
import dev.sluice.protocol.ApiKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A request's timeout on a manual clock: a "broker" that accepts the connection and never answers
 * keeps the request waiting exactly until its deadline, however long the test really takes.
 * Instead of sleeping, the test waits until the client's I/O loop has seen the moved time twice
 * (a ticker reports each loop's time; the timeout check runs after the tickers of a loop).
 */
class RequestTimeoutTest {
    private static final long TIMEOUT_MS = 5_000;

    private final ManualClock clock = new ManualClock();
    private final LinkedBlockingQueue<Long> ticks = new LinkedBlockingQueue<>();
    private ServerSocket silentBroker;
    private Socket accepted;
    private NetworkClient client;

    @AfterEach
    void close() throws Exception {
        if (client != null) {
            client.close();
        }
        if (accepted != null) {
            accepted.close();
        }
        silentBroker.close();
    }

    /** Moves the clock, wakes the I/O loop and returns once two loops have run at the new time. */
    private void advanceAndSettle(long ms) throws InterruptedException {
        clock.advance(ms);
        long now = clock.nanoseconds() / 1_000_000;
        int seen = 0;
        ticks.clear();
        while (seen < 2) {
            client.wakeup();
            Long tick = ticks.poll(10, TimeUnit.SECONDS);
            assertThat(tick).as("the I/O loop is alive").isNotNull();
            if (tick == now) {
                seen++;
            }
        }
    }

    @Test
    void aRequestFailsWithATimeoutExactlyAtItsDeadline() throws Exception {
        silentBroker = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Node node = new Node(-1, "127.0.0.1", silentBroker.getLocalPort());
        client = new NetworkClient(new ClientConfig(List.of("127.0.0.1:" + node.port()), "timeout-test", 30_000,
                100, 50, 1_000, 300_000, 5), "timeout-test-io", clock);
        client.addTicker(now -> {
            ticks.add(now);
            return 1_000;
        });
        client.start();

        CompletableFuture<Response> response = client.send(node, ApiKey.METADATA,
                v -> ApiKey.METADATA.newRequest(), TIMEOUT_MS, true);
        accepted = silentBroker.accept(); // connected; ApiVersions will never be answered
        advanceAndSettle(TIMEOUT_MS - 1);
        assertThat(response).isNotDone();

        advanceAndSettle(1);
        assertThatThrownBy(() -> response.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TimeoutException.class).hasMessageContaining("Metadata");
    }
}
