package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Client quotas through kafka-clients' Admin, kept across a restart, and a producer held to its byte rate. */
class ClientQuotasTest {
    @TempDir
    static Path dir;
    static TestBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        // a 2 s minimum window (3 samples of 1 s): a new client's first burst is 2 s worth of its quota
        broker = TestBroker.start(dir, Map.of("quota.window.num", "3"));
        admin = KafkaClients.admin(broker.bootstrap());
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static ClientQuotaEntity entity(String type, String name) {
        return new ClientQuotaEntity(Collections.singletonMap(type, name));
    }

    private static void alter(ClientQuotaEntity entity, String key, Double value) throws Exception {
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, List.of(new ClientQuotaAlteration.Op(key, value)))))
                .all().get(20, TimeUnit.SECONDS);
    }

    @Test
    void quotasOfUsersClientsAndDefaultsAreSetDescribedFilteredAndRemoved() throws Exception {
        ClientQuotaEntity client = entity(ClientQuotaEntity.CLIENT_ID, "reporting");
        ClientQuotaEntity defaultUser = entity(ClientQuotaEntity.USER, null);
        Map<String, String> both = new HashMap<>();
        both.put(ClientQuotaEntity.USER, "alice");
        both.put(ClientQuotaEntity.CLIENT_ID, "etl");
        ClientQuotaEntity userAndClient = new ClientQuotaEntity(both);
        alter(client, "consumer_byte_rate", 2048.0);
        alter(client, "request_percentage", 50.0);
        alter(defaultUser, "producer_byte_rate", 1_000_000.0);
        alter(userAndClient, "producer_byte_rate", 4096.0);

        Map<ClientQuotaEntity, Map<String, Double>> all = admin.describeClientQuotas(ClientQuotaFilter.all())
                .entities().get(20, TimeUnit.SECONDS);
        assertThat(all).containsEntry(client, Map.of("consumer_byte_rate", 2048.0, "request_percentage", 50.0))
                .containsEntry(defaultUser, Map.of("producer_byte_rate", 1_000_000.0))
                .containsEntry(userAndClient, Map.of("producer_byte_rate", 4096.0));
        // strict: only entities of exactly these types
        assertThat(admin.describeClientQuotas(ClientQuotaFilter.containsOnly(List.of(
                        ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.CLIENT_ID, "reporting"))))
                .entities().get(20, TimeUnit.SECONDS)).containsOnlyKeys(client);
        assertThat(admin.describeClientQuotas(ClientQuotaFilter.contains(List.of(
                        ClientQuotaFilterComponent.ofEntityType(ClientQuotaEntity.USER))))
                .entities().get(20, TimeUnit.SECONDS)).containsOnlyKeys(defaultUser, userAndClient);
        assertThat(admin.describeClientQuotas(ClientQuotaFilter.contains(List.of(
                        ClientQuotaFilterComponent.ofDefaultEntity(ClientQuotaEntity.USER))))
                .entities().get(20, TimeUnit.SECONDS)).containsOnlyKeys(defaultUser);

        alter(client, "request_percentage", null);
        alter(defaultUser, "producer_byte_rate", null);
        alter(userAndClient, "producer_byte_rate", null);
        assertThat(admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(20, TimeUnit.SECONDS))
                .isEqualTo(Map.of(client, Map.of("consumer_byte_rate", 2048.0)));
        alter(client, "consumer_byte_rate", null);
    }

    @Test
    void invalidKeysValuesAndEntityTypesAreRefusedWithTheReason() {
        ClientQuotaEntity client = entity(ClientQuotaEntity.CLIENT_ID, "bad");
        assertThatThrownBy(() -> alter(client, "producer_byte_rate", -5.0)).cause()
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("producer_byte_rate must be a positive number");
        assertThatThrownBy(() -> alter(client, "producer_byte_rate", 10.5)).cause()
                .hasMessageContaining("whole number of bytes per second");
        assertThatThrownBy(() -> alter(client, "controller_mutation_rate", 10.0)).cause()
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("Sluice enforces producer_byte_rate");
        assertThatThrownBy(() -> alter(entity(ClientQuotaEntity.IP, "10.0.0.1"), "connection_creation_rate", 10.0)).cause()
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("'user' and 'client-id'");
    }

    @Test
    void aProducerOverItsByteRateIsHeldToItWithinTwentyPercent() throws Exception {
        admin.createTopics(List.of(new NewTopic("throttled", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
        double quota = 200_000;
        alter(entity(ClientQuotaEntity.CLIENT_ID, "slow-producer"), "producer_byte_rate", quota);
        byte[] value = new byte[1000];
        // The rate is measured between the first and the last acknowledgement after the warm-up, not over a
        // fixed window: a throttled producer's acks come in bursts between throttle pauses, and a pause
        // straddling a window's end cut up to a second (20%) out of a 5 s window (CI, loaded machine)
        AtomicLong ackedAfterFirst = new AtomicLong();
        AtomicLong firstAck = new AtomicLong();
        AtomicLong lastAck = new AtomicLong();
        long warmupMs = 2_000;
        long measuredMs = 8_000;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(broker.bootstrap(), Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "slow-producer", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 128 * 1024, ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000))) {
            long start = System.nanoTime();
            long warm = start + TimeUnit.MILLISECONDS.toNanos(warmupMs);
            long end = warm + TimeUnit.MILLISECONDS.toNanos(measuredMs);
            while (System.nanoTime() < end) {
                producer.send(new ProducerRecord<>("throttled", value), (metadata, error) -> {
                    long now = System.nanoTime();
                    if (error == null && now > warm && now <= end) { // the producer's I/O thread, one at a time
                        if (firstAck.get() == 0) {
                            firstAck.set(now);
                        } else {
                            ackedAfterFirst.addAndGet(value.length);
                        }
                        lastAck.set(now);
                    }
                });
            }
            producer.flush();
            // Kafka's quota metrics of the entity: its byte rate near the quota, and throttled responses
            broker.broker().metrics().registry().tick();
            javax.management.ObjectName sensor = new javax.management.ObjectName("kafka.server:type=Produce,client-id=slow-producer");
            javax.management.MBeanServer mbeans = java.lang.management.ManagementFactory.getPlatformMBeanServer();
            assertThat((Double) mbeans.getAttribute(sensor, "byte-rate")).isBetween(quota * 0.5, quota * 1.5);
            assertThat((Double) mbeans.getAttribute(sensor, "throttle-time")).as("mean throttle time, ms").isPositive();
            assertThat(broker.broker().metrics().registry().scrape())
                    .containsPattern("kafka_server_produce_throttle_time\\{user=\"\",client_id=\"slow-producer\"\\} [0-9.]+");
        } finally {
            alter(entity(ClientQuotaEntity.CLIENT_ID, "slow-producer"), "producer_byte_rate", null);
        }
        assertThat(lastAck.get() - firstAck.get()).as("acknowledgements span most of the measured time")
                .isGreaterThan(TimeUnit.MILLISECONDS.toNanos(measuredMs / 2));
        double rate = ackedAfterFirst.get() * 1e9 / (lastAck.get() - firstAck.get());
        assertThat(rate).as("bytes per second acknowledged after the first %d ms", warmupMs)
                .isBetween(quota * 0.8, quota * 1.2);
    }
}
