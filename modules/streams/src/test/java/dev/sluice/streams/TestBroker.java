package dev.sluice.streams;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An in-process broker on a free loopback port with its data in a test directory, tuned for quick groups and transactions. */
final class TestBroker implements AutoCloseable {
    private final Broker broker;

    private TestBroker(Broker broker) {
        this.broker = broker;
    }

    static TestBroker start(Path dir) throws IOException {
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
        settings.put("offsets.topic.num.partitions", "3");
        settings.put("transaction.state.log.num.partitions", "3");
        settings.put("group.initial.rebalance.delay.ms", "0");
        settings.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "500");
        return new TestBroker(Broker.start(BrokerConfig.of(settings)));
    }

    String bootstrap() {
        return broker.bootstrapServers();
    }

    void createTopics(NewTopic... topics) {
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(bootstrap()))) {
            admin.createTopics(List.of(topics)).join();
        }
    }

    @Override
    public void close() {
        broker.close();
    }
}
