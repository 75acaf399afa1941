package dev.sluice.broker.config;

import dev.sluice.broker.network.ListenerSecurity;
import dev.sluice.protocol.tls.TlsSettings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Kafka's per-listener TLS settings: {@code listener.name.<listener>.ssl.*} wins over {@code ssl.*} for that
 * listener alone, key by key; the broker logs in to the others with its inter-broker listener's settings.
 */
class ListenerTlsConfigTest {
    private static Map<String, String> twoTlsListeners() {
        Map<String, String> m = new HashMap<>();
        m.put("listeners", "EXTERNAL://127.0.0.1:9093,INTERNAL://127.0.0.1:9094");
        m.put("listener.security.protocol.map", "EXTERNAL:SSL,INTERNAL:SSL");
        m.put("inter.broker.listener.name", "INTERNAL");
        m.put("ssl.keystore.location", "/etc/sluice/external.p12");
        m.put("ssl.truststore.location", "/etc/sluice/truststore.p12");
        return m;
    }

    @Test
    void aListenersOwnSslSettingsOverrideTheBrokersKeyByKey() {
        Map<String, String> m = twoTlsListeners();
        m.put("listener.name.internal.ssl.keystore.location", "/etc/sluice/internal.p12");
        m.put("listener.name.internal.ssl.client.auth", "required");
        m.put("listener.name.internal.ssl.principal.mapping.rules", "RULE:^CN=([^,]+),.*$/$1/L,DEFAULT");
        BrokerConfig c = BrokerConfig.of(m);
        ListenerSecurity security = c.socketServerConfig().security();

        TlsSettings internal = security.of("INTERNAL").settings();
        assertThat(internal.keystoreLocation()).isEqualTo("/etc/sluice/internal.p12");
        assertThat(internal.clientAuth()).isEqualTo(TlsSettings.ClientAuth.REQUIRED);
        assertThat(internal.truststoreLocation()).as("not overridden: the broker's").isEqualTo("/etc/sluice/truststore.p12");
        assertThat(security.of("INTERNAL").principalMapper().userName("CN=Replica-1,O=Sluice")).isEqualTo("replica-1");

        TlsSettings external = security.of("EXTERNAL").settings();
        assertThat(external.keystoreLocation()).isEqualTo("/etc/sluice/external.p12");
        assertThat(external.clientAuth()).isEqualTo(TlsSettings.ClientAuth.NONE);
        assertThat(security.of("EXTERNAL").principalMapper().userName("CN=Replica-1,O=Sluice"))
                .isEqualTo("CN=Replica-1,O=Sluice");

        assertThat(c.interBrokerTls()).as("the broker as a client of the others").isEqualTo(internal);
    }

    @Test
    void aTlsListenerMayHaveOnlyItsOwnKeystore() {
        BrokerConfig c = BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:9092,INTERNAL://127.0.0.1:9094",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:SSL",
                "listener.name.internal.ssl.keystore.location", "/etc/sluice/internal.p12"));
        assertThat(c.socketServerConfig().security().of("INTERNAL").settings().keystoreLocation())
                .isEqualTo("/etc/sluice/internal.p12");
    }

    @Test
    void overridesOfNonTlsListenersUnknownKeysBadValuesAndAMissingKeystoreAreRefused() {
        Map<String, String> m = twoTlsListeners();
        m.remove("ssl.keystore.location");
        m.put("listeners", "EXTERNAL://127.0.0.1:9093,INTERNAL://127.0.0.1:9094,PLAINTEXT://127.0.0.1:9092");
        m.put("listener.security.protocol.map", "EXTERNAL:SSL,INTERNAL:SSL,PLAINTEXT:PLAINTEXT");
        m.put("listener.name.internal.ssl.keystore.location", "/etc/sluice/internal.p12");
        m.put("listener.name.plaintext.ssl.keystore.location", "/etc/sluice/other.p12");
        m.put("listener.name.internal.ssl.client.auth", "always");
        m.put("listener.name.internal.ssl.keystore.colour", "blue");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> BrokerConfig.of(m));
        assertThat(e.problems()).hasSize(4);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("listener.name.plaintext.ssl.keystore.location")
                .contains("not a TLS listener"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("listener.name.internal.ssl.keystore.colour"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("listener.name.internal.", "ssl.client.auth", "always"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("ssl.keystore.location", "EXTERNAL"));
    }
}
