package dev.sluice.broker.it;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.api.testing.ManualClock;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.partition.Partition;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker's housekeeping runs on the scheduler it is given: with a manual clock, retention
 * happens when (and only when) the test moves time past the retention check interval.
 */
class HousekeepingOnManualClockTest {
    private static final long CHECK_MS = 300_000; // log.retention.check.interval.ms default

    @TempDir
    Path dir;

    @Test
    void retentionRunsWhenTheManualClockPassesTheCheckInterval() throws Exception {
        ManualClock clock = new ManualClock(System.currentTimeMillis());
        BrokerConfig config = BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.resolve("data").toString(), "num.io.threads", "2", "num.network.threads", "1"));
        try (Broker broker = Broker.start(config, clock, name -> clock)) {
            try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
                admin.createTopics(List.of(new NewTopic("kept-small", 1, (short) 1).configs(Map.of(
                        "segment.bytes", "1024", "retention.bytes", "2048")))).all().get(20, TimeUnit.SECONDS);
            }
            try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrapServers(),
                    Map.of("linger.ms", 0, "batch.size", 1))) {
                for (int i = 0; i < 40; i++) {
                    producer.send(new ProducerRecord<>("kept-small", new byte[200])).get(20, TimeUnit.SECONDS);
                }
            }
            Partition partition = broker.partitions().partition(new TopicPartition("kept-small", 0)).orElseThrow();
            clock.advance(CHECK_MS - 1);
            assertThat(partition.logStartOffset()).isZero();
            clock.advance(1);
            assertThat(partition.logStartOffset()).isPositive();
        }
    }
}
