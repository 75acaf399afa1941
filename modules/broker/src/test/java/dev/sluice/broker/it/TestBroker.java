package dev.sluice.broker.it;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
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

    @Override
    public void close() {
        broker.close();
    }
}
