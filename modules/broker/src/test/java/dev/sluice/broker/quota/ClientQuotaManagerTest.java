package dev.sluice.broker.quota;

import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ConfigEntity;
import dev.sluice.api.cluster.InProcessClusterState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Which quota applies to a client, and the throttle time Kafka's formula gives, on a hand-moved clock. */
class ClientQuotaManagerTest {
    private final ClusterMetadataStore store = new InProcessClusterState().connect();
    private final ClientQuotas quotas = ClientQuotas.load(store);
    private final ClientQuotaManager manager = new ClientQuotaManager(quotas, new ClientQuotaManager.Settings(11, 1000));

    @AfterEach
    void close() {
        store.close();
    }

    private void set(QuotaEntity entity, QuotaType type, Double value) {
        Map<QuotaType, Double> change = new HashMap<>();
        change.put(type, value);
        quotas.alter(entity, change);
    }

    @Test
    void withoutQuotasNothingIsRecordedOrThrottled() {
        assertThat(manager.active()).isFalse();
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "c", 1e9, 0)).isZero();
    }

    @Test
    void aRateAboveTheLimitIsThrottledUntilTheWindowAverageFallsBackToIt() {
        set(new QuotaEntity(null, "c"), QuotaType.PRODUCE, 1000.0);
        assertThat(manager.active()).isTrue();
        // a new client's first burst is measured over the minimum window: 10 whole samples of 1 s
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "c", 10_000, 0)).isZero();
        // 20,000 bytes over 10 s = 2,000 B/s: (2000 - 1000) / 1000 × 10 s = 10 s
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "c", 10_000, 0)).isEqualTo(10_000);
        // another client id is not limited, nor is the same client's fetch
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "other", 1e6, 0)).isZero();
        assertThat(manager.recordAndThrottleMs(QuotaType.FETCH, "c", 1e6, 0)).isZero();
        // after the whole window the old samples are gone
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "c", 5_000, 12_000)).isZero();
    }

    @Test
    void theThrottleIsAtMostTheWholeWindow() {
        set(new QuotaEntity(null, "c"), QuotaType.FETCH, 1.0);
        assertThat(manager.recordAndThrottleMs(QuotaType.FETCH, "c", 1e9, 0)).isEqualTo(11_000);
    }

    @Test
    void theMostSpecificEntityWinsInKafkasOrderAndUsersAreAnonymousWithoutAuthentication() {
        set(new QuotaEntity(null, QuotaEntity.DEFAULT), QuotaType.PRODUCE, 100.0);
        set(new QuotaEntity(null, "special"), QuotaType.PRODUCE, 1e6);
        // the default client quota: 2,000 bytes over 10 s = 200 B/s against 100
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "anyone", 2_000, 0)).isEqualTo(10_000);
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "special", 2_000, 0)).isZero();
        // a user quota of ANONYMOUS comes before any client quota
        set(new QuotaEntity(ClientQuotaManager.ANONYMOUS, null), QuotaType.PRODUCE, 1e6);
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "anyone", 2_000, 1)).isZero();
        // and the user-and-client quota before that
        set(new QuotaEntity(ClientQuotaManager.ANONYMOUS, "anyone"), QuotaType.PRODUCE, 10.0);
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "anyone", 1_000, 2)).isEqualTo(11_000);
    }

    @Test
    void aUserQuotaAppliesToThatPrincipalsClientsAndTheDefaultUserQuotaToEachUser() {
        set(new QuotaEntity("alice", null), QuotaType.PRODUCE, 1000.0);
        // alice's client ids share her rate: 20,000 bytes over 10 s = 2,000 B/s against 1,000
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "alice", "a", 10_000, 0)).isZero();
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "alice", "b", 10_000, 0)).isEqualTo(10_000);
        // another user, or an unauthenticated client, with the same client id is not hers
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "bob", "a", 1e6, 0)).isZero();
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "a", 1e6, 0)).isZero();
        // the default user quota: each user measured on their own
        set(new QuotaEntity(QuotaEntity.DEFAULT, null), QuotaType.FETCH, 1000.0);
        assertThat(manager.recordAndThrottleMs(QuotaType.FETCH, "alice", "a", 20_000, 0)).isEqualTo(10_000);
        assertThat(manager.recordAndThrottleMs(QuotaType.FETCH, "bob", "a", 10_000, 0)).isZero();
    }

    @Test
    void aUserQuotaIsSharedByAllItsClientIdsADefaultClientQuotaIsPerClient() {
        set(new QuotaEntity(QuotaEntity.DEFAULT, null), QuotaType.PRODUCE, 1000.0);
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "a", 10_000, 0)).isZero();
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "b", 10_000, 0)).isEqualTo(10_000); // one user, one rate
        set(new QuotaEntity(QuotaEntity.DEFAULT, null), QuotaType.PRODUCE, null);
        set(new QuotaEntity(null, QuotaEntity.DEFAULT), QuotaType.PRODUCE, 1000.0);
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "a", 10_000, 0)).isZero();
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "b", 10_000, 0)).isZero(); // each client its own
    }

    @Test
    void sensorsMeasureTheRateAndTheMeanThrottleTimeAsKafkasQuotaMetrics() {
        set(new QuotaEntity(null, "c"), QuotaType.PRODUCE, 1000.0);
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "c", 10_000, 0)).isZero();
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "c", 10_000, 0)).isEqualTo(10_000);
        assertThat(manager.sensors()).hasSize(1);
        QuotaSensor sensor = manager.sensors().iterator().next();
        assertThat(sensor.type()).isEqualTo(QuotaType.PRODUCE);
        assertThat(sensor.user()).as("a client-id quota: no user tag").isEmpty();
        assertThat(sensor.clientId()).isEqualTo("c");
        assertThat(sensor.measured(0)).as("byte-rate: 20,000 bytes over the 10 s minimum window").isEqualTo(2000.0);
        assertThat(sensor.throttleTimeMs(0)).as("throttle-time: the mean of throttled responses").isEqualTo(10_000.0);
        set(new QuotaEntity(null, "busy"), QuotaType.REQUEST, 10.0);
        manager.recordAndThrottleMs(QuotaType.REQUEST, "busy", 1_000, 0);
        QuotaSensor request = manager.sensors().stream().filter(s -> s.type() == QuotaType.REQUEST).findFirst().orElseThrow();
        assertThat(request.measured(0)).as("request-time: percent of one handler thread").isEqualTo(10.0);
        // without any quota nothing is measured, and the sensors go
        set(new QuotaEntity(null, "c"), QuotaType.PRODUCE, null);
        set(new QuotaEntity(null, "busy"), QuotaType.REQUEST, null);
        manager.recordAndThrottleMs(QuotaType.PRODUCE, "c", 1, 1);
        assertThat(manager.sensors()).isEmpty();
    }

    @Test
    void sensorsOfClientsIdleForAnHourExpireSoMemoryStaysBounded() {
        set(new QuotaEntity(null, QuotaEntity.DEFAULT), QuotaType.PRODUCE, 1e9); // one rate per client id
        for (int i = 0; i < 1000; i++) {
            manager.recordAndThrottleMs(QuotaType.PRODUCE, "client-" + i, 10, 1_000);
        }
        assertThat(manager.sensors()).hasSize(1000);
        assertThat(manager.resolvedClients()).isEqualTo(1000);
        long hour = ClientQuotaManager.INACTIVE_EXPIRY_MS;
        manager.recordAndThrottleMs(QuotaType.PRODUCE, "client-0", 10, hour); // not idle an hour yet: all stay
        assertThat(manager.sensors()).hasSize(1000);
        manager.recordAndThrottleMs(QuotaType.PRODUCE, "client-0", 10, 1_000 + hour + 30_000);
        assertThat(manager.sensors()).extracting(QuotaSensor::clientId).containsExactly("client-0");
        assertThat(manager.resolvedClients()).isEqualTo(1);
        // a client coming back is measured afresh
        assertThat(manager.recordAndThrottleMs(QuotaType.PRODUCE, "client-7", 10, 2 * hour)).isZero();
        assertThat(manager.sensors()).hasSize(2);
    }

    @Test
    void clientsIdleForAnHourAreForgottenEvenWhileTheRateTheyShareStaysInUse() {
        set(new QuotaEntity(QuotaEntity.DEFAULT, null), QuotaType.PRODUCE, 1e9); // one rate shared by every client id
        for (int i = 0; i < 1000; i++) {
            manager.recordAndThrottleMs(QuotaType.PRODUCE, "client-" + i, 10, 1_000);
        }
        assertThat(manager.sensors()).hasSize(1);
        assertThat(manager.resolvedClients()).isEqualTo(1000);
        long hour = ClientQuotaManager.INACTIVE_EXPIRY_MS;
        for (long now = 2_000; now <= 1_000 + hour + 30_000; now += 60_000) { // client-0 keeps the shared rate busy
            manager.recordAndThrottleMs(QuotaType.PRODUCE, "client-0", 10, now);
        }
        manager.recordAndThrottleMs(QuotaType.PRODUCE, "client-0", 10, 1_000 + hour + 60_000);
        assertThat(manager.sensors()).hasSize(1);
        assertThat(manager.resolvedClients()).as("the clients gone for an hour are not kept").isEqualTo(1);
    }

    @Test
    void requestPercentageIsAShareOfOneHandlerThread() {
        set(new QuotaEntity(null, "busy"), QuotaType.REQUEST, 10.0); // 100 ms per second
        assertThat(manager.recordAndThrottleMs(QuotaType.REQUEST, "busy", 1_000, 0)).isZero();
        // 2,000 ms over 10 s = 200 ms/s against 100: 10 s
        assertThat(manager.recordAndThrottleMs(QuotaType.REQUEST, "busy", 1_000, 0)).isEqualTo(10_000);
    }

    @Test
    void namesAreStoredSanitizedInKafkasLayoutAndReadBack() {
        set(new QuotaEntity("CN=alice,O=x", "app/1 *"), QuotaType.FETCH, 5.0);
        assertThat(store.configs(ConfigEntity.Type.USER)).containsOnlyKeys(
                new ConfigEntity(ConfigEntity.Type.USER, "CN%3Dalice%2CO%3Dx/clients/app%2F1%20%2A"));
        ClientQuotas reread = ClientQuotas.load(store);
        assertThat(reread.current().quotas()).isEqualTo(Map.of(new QuotaEntity("CN=alice,O=x", "app/1 *"),
                Map.of(QuotaType.FETCH, 5.0)));
    }
}
