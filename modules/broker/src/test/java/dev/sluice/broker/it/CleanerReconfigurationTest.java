package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static dev.sluice.broker.testing.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log cleaner's thread settings change at run time through AlterConfigs on the broker, as in
 * Kafka: {@code log.cleaner.backoff.ms} wakes a thread that was sleeping a long backoff (a dirty
 * topic then gets cleaned at once), {@code log.cleaner.threads} adds threads and takes them away
 * again, and DescribeConfigs shows the settings as dynamic broker settings.
 */
class CleanerReconfigurationTest {
    private static final String TOPIC = "reconfigured";

    @TempDir
    Path dir;
    TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void threadsAndBackoffChangeAtRunTime() throws Exception {
        broker = TestBroker.start(dir, Map.of("log.cleaner.backoff.ms", "600000"));
        try (Admin admin = KafkaClients.admin(broker.bootstrap());
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of())) {
            assertThat(cleanerThreads()).containsExactly("sluice-log-cleaner-0");
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of("cleanup.policy", "compact",
                    "segment.bytes", "1024", "min.cleanable.dirty.ratio", "0.01")))).all().get();
            for (int i = 0; i < 200; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, bytes("key-" + i % 10), bytes("value-" + i + "-" + "v".repeat(40)))).get();
            }
            Thread.sleep(1000);
            assertThat(KafkaClients.recordsFromTheStart(broker.bootstrap(), TOPIC)).as("nothing cleaned while the only thread sleeps its 10 minutes").isEqualTo(200);

            alter(admin, Map.of("log.cleaner.backoff.ms", "100", "log.cleaner.threads", "3"));
            await("three cleaner threads", () -> cleanerThreads().size() == 3);
            assertThat(cleanerThreads()).containsExactly("sluice-log-cleaner-0", "sluice-log-cleaner-1", "sluice-log-cleaner-2");
            await("the topic cleaned after the new backoff", () -> KafkaClients.recordsFromTheStart(broker.bootstrap(), TOPIC) < 100);

            alter(admin, Map.of("log.cleaner.threads", "1", "log.cleaner.io.max.bytes.per.second", "5000000"));
            await("surplus cleaner threads gone", () -> cleanerThreads().size() == 1);
            assertThat(cleanerThreads()).containsExactly("sluice-log-cleaner-0");

            ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker.nodeId()));
            Config described = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            for (String name : List.of("log.cleaner.threads", "log.cleaner.backoff.ms", "log.cleaner.io.max.bytes.per.second")) {
                ConfigEntry entry = described.get(name);
                assertThat(entry.source()).as(name).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG);
                assertThat(entry.isReadOnly()).as(name).isFalse();
            }
            assertThat(described.get("log.cleaner.threads").value()).isEqualTo("1");
            assertThat(described.get("log.cleaner.enable").isReadOnly()).isTrue();
        }
    }

    private void alter(Admin admin, Map<String, String> settings) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(broker.nodeId()));
        List<AlterConfigOp> ops = settings.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET)).toList();
        admin.incrementalAlterConfigs(Map.of(resource, ops)).all().get(20, TimeUnit.SECONDS);
    }

    private static TreeSet<String> cleanerThreads() {
        TreeSet<String> names = new TreeSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith("sluice-log-cleaner-")) {
                names.add(thread.getName());
            }
        }
        return names;
    }



    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
