package dev.sluice.client.network;

import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.config.ClientConfig;
import dev.sluice.protocol.ApiKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A request whose body the negotiated version cannot carry (here Fetch v15+ with the old top-level
 * ReplicaId set) fails alone: the I/O thread lives on and the next request is answered. It used to
 * throw out of the I/O loop, failing every request of the client from then on.
 */
class UnwritableRequestTest {
    @TempDir
    Path dir;

    @Test
    void aBodyTheVersionCannotCarryFailsOnlyItsOwnRequest() throws Exception {
        try (TestBroker broker = TestBroker.start(dir)) {
            Node node = Node.parse(-1, broker.bootstrap());
            NetworkClient client = new NetworkClient(new ClientConfig(List.of(broker.bootstrap()), "unwritable-test",
                    30_000, 100, 50, 1_000, 300_000, 5), "unwritable-test-io");
            client.start();
            try {
                CompletableFuture<Response> bad = client.send(node, ApiKey.FETCH,
                        v -> ApiKey.FETCH.newRequest().set("ReplicaId", v >= 15 ? 7 : -1));
                assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasMessageContaining("ReplicaId");
                Response metadata = client.send(node, ApiKey.METADATA, v -> ApiKey.METADATA.newRequest())
                        .get(10, TimeUnit.SECONDS);
                assertThat(metadata.body()).isNotNull();
            } finally {
                client.close();
            }
        }
    }
}
