package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka's user quotas on a SASL listener: a quota set for user {@code alice} holds back the clients that
 * logged in as alice (their produce responses carry a throttle time), not those of another user with the
 * same client id, because the quota's user is the connection's principal, not ANONYMOUS.
 */
class SaslUserQuotaTest {
    @TempDir
    Path dir;
    private TestBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aUserQuotaThrottlesThatUsersLoginsOnly() throws Exception {
        broker = TestBroker.start(dir, Map.of("listeners", "SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", SaslAuthenticationTest.PLAIN_JAAS));
        try (Admin admin = SaslAuthenticationTest.admin(broker.bootstrap(),
                SaslAuthenticationTest.login("PLAIN", "admin", "admin-secret"))) {
            admin.createTopics(List.of(new NewTopic("limited", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
            admin.alterClientQuotas(List.of(new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "alice")),
                    List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1024.0))))).all().get(20, TimeUnit.SECONDS);
        }
        // 50 kB at once: measured over the 10 s minimum window that is 5 kB/s, far over alice's 1 kB/s
        assertThat(maxProduceThrottleMs("alice", "alice-secret")).as("alice is throttled").isPositive();
        assertThat(maxProduceThrottleMs("admin", "admin-secret")).as("admin is not").isZero();
    }

    /** Produces 50 kB once as {@code user} (client id "same" for everyone) and answers the largest throttle time the client was told. */
    private double maxProduceThrottleMs(String user, String password) throws Exception {
        Map<String, Object> settings = new java.util.HashMap<>(SaslAuthenticationTest.login("PLAIN", user, password));
        settings.put("client.id", "same");
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), settings)) {
            producer.send(new ProducerRecord<>("limited", new byte[50 * 1024])).get(20, TimeUnit.SECONDS);
            for (Map.Entry<MetricName, ? extends Metric> m : producer.metrics().entrySet()) {
                if (m.getKey().name().equals("produce-throttle-time-max") && m.getKey().group().equals("producer-metrics")) {
                    Object value = m.getValue().metricValue();
                    return value instanceof Double d && !d.isNaN() ? d : 0;
                }
            }
            throw new AssertionError("no produce-throttle-time-max metric");
        }
    }
}
