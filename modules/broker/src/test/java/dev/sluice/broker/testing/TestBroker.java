package dev.sluice.broker.testing;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * An in-process broker on a free loopback port (kept across restarts, so a client's bootstrap
 * address stays valid) with its data in a test directory; for the tests of the modules above the
 * broker (client, connect). Used by the test's thread.
 */
public final class TestBroker implements AutoCloseable {
    private final Map<String, String> settings;
    private Broker broker;

    private TestBroker(Map<String, String> settings) throws IOException {
        this.settings = settings;
        this.broker = Broker.start(BrokerConfig.of(settings));
    }

    public static TestBroker start(Path dir) throws IOException {
        return start(dir, Map.of());
    }

    public static TestBroker start(Path dir, Map<String, String> overrides) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Map<String, String> settings = new HashMap<>();
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        settings.put("log.dirs", dir.resolve("data").toString());
        settings.put("num.io.threads", "2");
        settings.put("num.network.threads", "1");
        settings.put("auto.create.topics.enable", "false");
        settings.putAll(overrides);
        return new TestBroker(settings);
    }

    public void stop() {
        broker.close();
    }

    /** Clean shutdown, then a new broker on the same data and port. */
    public void restart() {
        broker.close();
        try {
            broker = Broker.start(BrokerConfig.of(settings));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrap() {
        return broker.bootstrapServers();
    }

    public Broker broker() {
        return broker;
    }

    @Override
    public void close() {
        broker.close();
    }
}
