package dev.sluice.broker.config;

import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.broker.network.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Named listeners with Kafka's settings: protocol map, advertised listeners, the inter-broker listener. */
class ListenerConfigTest {

    @Test
    void aListenerNamedAfterAProtocolHasThatProtocolAndCustomNamesComeFromTheMap() {
        BrokerConfig c = BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092,internal://127.0.0.1:9093",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT, INTERNAL:PLAINTEXT"));
        assertThat(c.listeners()).extracting(Endpoint::listenerName, Endpoint::securityProtocol).containsExactly(
                org.assertj.core.groups.Tuple.tuple("PLAINTEXT", SecurityProtocol.PLAINTEXT),
                org.assertj.core.groups.Tuple.tuple("INTERNAL", SecurityProtocol.PLAINTEXT));
        assertThat(c.socketServerConfig().listeners()).isEqualTo(c.listeners());
    }

    @Test
    void anUnmappedCustomListenerNameIsRefusedSayingHowToMapIt() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> BrokerConfig.of(Map.of("listeners", "PLAINTEXT://:9092,REPLICATION://:9093")));
        assertThat(e.problems()).singleElement().asString()
                .contains("REPLICATION://:9093", "listener.security.protocol.map", "REPLICATION:SSL");
    }

    @Test
    void aMalformedProtocolMapIsRefusedEntryByEntry() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:TLS,EXTERNAL")));
        assertThat(e.problems()).hasSize(2);
        assertThat(e.problems().get(0)).contains("INTERNAL:TLS", "PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
        assertThat(e.problems().get(1)).contains("EXTERNAL");
    }

    @Test
    void theInterBrokerListenerIsNamedOrFollowsTheInterBrokerProtocol() {
        Map<String, String> listeners = Map.of("listeners", "CLIENT://127.0.0.1:9092,PLAINTEXT://127.0.0.1:9093",
                "listener.security.protocol.map", "CLIENT:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        assertThat(BrokerConfig.of(listeners).interBrokerListener()).isEqualTo("PLAINTEXT");
        assertThat(BrokerConfig.of(with(listeners, "inter.broker.listener.name", "client")).interBrokerListener())
                .isEqualTo("CLIENT");
        assertThat(BrokerConfig.of(with(listeners, "security.inter.broker.protocol", "PLAINTEXT")).interBrokerListener())
                .isEqualTo("PLAINTEXT");
        BrokerConfig c = BrokerConfig.of(with(listeners, "inter.broker.listener.name", "CLIENT"));
        assertThat(c.interBrokerEndpoint(List.of(Endpoint.parse("CLIENT://127.0.0.1:9092",
                Map.of("CLIENT", SecurityProtocol.PLAINTEXT))))).isEqualTo(c.advertisedListeners().get(0));
    }

    @Test
    void withNeitherSettingAndNoPlaintextListenerTheFirstListenerServesBrokers() {
        BrokerConfig c = BrokerConfig.of(Map.of("listeners", "CLIENT://127.0.0.1:9092,REPL://127.0.0.1:9093",
                "listener.security.protocol.map", "CLIENT:PLAINTEXT,REPL:PLAINTEXT"));
        assertThat(c.interBrokerListener()).isEqualTo("CLIENT");
    }

    @Test
    void theInterBrokerListenerMustBeAdvertisedAndIsSetOneWayOnly() {
        ConfigException unknown = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "listeners", "PLAINTEXT://:9092", "inter.broker.listener.name", "INTERNAL")));
        assertThat(unknown.problems()).singleElement().asString().contains("inter.broker.listener.name", "INTERNAL",
                "[PLAINTEXT]");
        ConfigException both = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "listeners", "PLAINTEXT://:9092", "inter.broker.listener.name", "PLAINTEXT",
                "security.inter.broker.protocol", "PLAINTEXT")));
        assertThat(both.problems()).singleElement().asString().contains("Only one of");
        ConfigException missing = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "listeners", "CLIENT://:9092", "listener.security.protocol.map", "CLIENT:PLAINTEXT",
                "security.inter.broker.protocol", "PLAINTEXT")));
        assertThat(missing.problems()).singleElement().asString().contains("security.inter.broker.protocol");
    }

    @Test
    void aListenerOfAProtocolThisBuildDoesNotServeIsRefusedNotOpenedUnprotected() {
        for (SecurityProtocol p : SecurityProtocol.values()) {
            if (Listeners.SERVED.contains(p)) {
                continue;
            }
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                    "listeners", p.name() + "://127.0.0.1:9092")));
            assertThat(e).as(p.name()).isNotNull();
            assertThat(e.problems()).anySatisfy(problem -> assertThat(problem).contains(p.name(), "not implemented"));
        }
    }

    private static Map<String, String> with(Map<String, String> base, String key, String value) {
        Map<String, String> m = new java.util.HashMap<>(base);
        m.put(key, value);
        return m;
    }
}
