package dev.sluice.broker.it;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.txn.TxnMetadata;
import dev.sluice.broker.txn.TxnState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** An in-process broker on a free loopback port with its data in a test directory. */
final class TestBroker implements AutoCloseable {
    private final Map<String, String> settings;
    private final Broker broker;

    private TestBroker(Map<String, String> settings, Broker broker) {
        this.settings = settings;
        this.broker = broker;
    }

    static TestBroker start(Path dataDir, Map<String, String> overrides) throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:0");
        settings.put("log.dirs", dataDir.resolve("data").toString());
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        settings.putAll(overrides);
        return new TestBroker(settings, Broker.start(BrokerConfig.of(settings)));
    }

    /** Clean shutdown, then a new broker on the same data (and a new port). */
    TestBroker restart() {
        broker.close();
        try {
            return new TestBroker(settings, Broker.start(BrokerConfig.of(settings)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    int nodeId() {
        return broker.config().nodeId();
    }

    Broker broker() {
        return broker;
    }

    /**
     * Waits (up to 20 s) until this broker's transaction coordinator has {@code transactionalId} in
     * {@code state}. commitTransaction and abortTransaction return once the coordinator wrote
     * PrepareCommit/PrepareAbort; the markers that end the transaction on its partitions (and move
     * their last stable offsets) are written after, and CompleteCommit/CompleteAbort once they are.
     */
    TxnMetadata awaitTransaction(String transactionalId, TxnState state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        TxnMetadata current = null;
        while (System.nanoTime() < deadline) {
            current = broker.transactionCoordinator().state(transactionalId);
            if (current != null && current.state() == state) {
                return current;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(transactionalId + " did not reach " + state + ": " + current);
    }

    @Override
    public void close() {
        broker.close();
    }
}
