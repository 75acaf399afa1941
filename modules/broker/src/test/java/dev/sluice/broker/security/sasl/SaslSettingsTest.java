package dev.sluice.broker.security.sasl;

import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.config.ConfigException;
import dev.sluice.protocol.sasl.SaslClientSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The SASL settings read from Kafka's keys, and each mistake named at start-up. */
class SaslSettingsTest {
    private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"broker\" password=\"broker-pw\" user_broker=\"broker-pw\" user_alice=\"alice-pw\";";

    @Test
    void aSaslListenerGetsItsMechanismsUsersAndTheInterBrokerLogin() {
        BrokerConfig config = BrokerConfig.of(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:SASL_PLAINTEXT",
                "inter.broker.listener.name", "INTERNAL", "zookeeper.connect", "127.0.0.1:1",
                "sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN",
                "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.internal.plain.sasl.jaas.config", PLAIN,
                "connections.max.reauth.ms", "60000"));
        SaslSettings sasl = config.sasl();
        assertThat(sasl.listener("PLAINTEXT")).isEmpty();
        SaslSettings.ListenerSasl internal = sasl.listener("INTERNAL").orElseThrow();
        assertThat(internal.mechanisms()).containsExactly("SCRAM-SHA-512", "PLAIN");
        assertThat(internal.plainUsers()).containsExactlyInAnyOrderEntriesOf(Map.of("broker", "broker-pw", "alice", "alice-pw"));
        assertThat(internal.reauthMs()).isEqualTo(60_000);
        assertThat(sasl.interBrokerLogin("INTERNAL")).contains(new SaslClientSettings("PLAIN", "broker", "broker-pw"));
        assertThat(internal.toString()).doesNotContain("pw");
    }

    @Test
    void eachListenerMayOverrideTheMechanismsAndTheSessionLifetime() {
        BrokerConfig config = BrokerConfig.of(Map.of(
                "listeners", "EXTERNAL://127.0.0.1:0,INTERNAL://127.0.0.1:0",
                "listener.security.protocol.map", "EXTERNAL:SASL_PLAINTEXT,INTERNAL:SASL_PLAINTEXT",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256",
                "listener.name.external.plain.sasl.jaas.config", PLAIN,
                "listener.name.internal.sasl.enabled.mechanisms", "SCRAM-SHA-512",
                "connections.max.reauth.ms", "60000",
                "listener.name.internal.connections.max.reauth.ms", "0"));
        SaslSettings.ListenerSasl external = config.sasl().listener("EXTERNAL").orElseThrow();
        SaslSettings.ListenerSasl internal = config.sasl().listener("INTERNAL").orElseThrow();
        assertThat(external.mechanisms()).containsExactly("PLAIN", "SCRAM-SHA-256");
        assertThat(external.reauthMs()).isEqualTo(60_000);
        assertThat(internal.mechanisms()).as("its own, not the broker's").containsExactly("SCRAM-SHA-512");
        assertThat(internal.plainUsers()).isEmpty();
        assertThat(internal.reauthMs()).isZero();
    }

    @Test
    void everyMistakeIsNamedAtOnce() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "listeners", "SASL_PLAINTEXT://127.0.0.1:0,PLAINTEXT://127.0.0.1:0",
                "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config", "Broken",
                "listener.name.plaintext.plain.sasl.jaas.config", PLAIN)));
        List<String> problems = e.problems();
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("GSSAPI").contains("not supported")
                .contains("set sasl.enabled.mechanisms"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("listener.name.plaintext.plain.sasl.jaas.config")
                .contains("not a SASL listener"));
        assertThat(problems).allSatisfy(p -> assertThat(p).doesNotContain("broker-pw"));

        ConfigException plain = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "listeners", "SASL_PLAINTEXT://127.0.0.1:0", "sasl.enabled.mechanisms", "PLAIN")));
        assertThat(plain.problems()).singleElement().asString()
                .startsWith("listener.name.sasl_plaintext.plain.sasl.jaas.config must be set");

        ConfigException interBroker = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(Map.of(
                "listeners", "SASL_PLAINTEXT://127.0.0.1:0", "inter.broker.listener.name", "SASL_PLAINTEXT",
                "zookeeper.connect", "127.0.0.1:1",
                "sasl.enabled.mechanisms", "PLAIN", "sasl.mechanism.inter.broker.protocol", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_a=\"b\";")));
        assertThat(interBroker.problems()).singleElement().asString().contains("needs username=");
    }
}
