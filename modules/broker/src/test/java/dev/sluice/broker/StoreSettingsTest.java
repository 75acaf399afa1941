package dev.sluice.broker;

import dev.sluice.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster metadata store gets the broker's effective session timeout: the store once fell back
 * to its own default (18 s) while the broker used another, so the default a user saw documented was
 * not the one that decided when a broker counted as failed.
 */
class StoreSettingsTest {

    @Test
    void theStoreIsOpenedWithTheBrokersDefaultSessionTimeout() {
        BrokerConfig config = BrokerConfig.of(Map.of("zookeeper.connect", "localhost:2181/sluice"));
        assertThat(ComponentSettings.storeSettings(config))
                .containsEntry("zookeeper.session.timeout.ms", "6000")
                .containsEntry("zookeeper.connect", "localhost:2181/sluice");
    }

    @Test
    void anExplicitSessionTimeoutIsPassedOnAsGiven() {
        BrokerConfig config = BrokerConfig.of(Map.of("zookeeper.connect", "zk:2181", "zookeeper.session.timeout.ms", "9000"));
        assertThat(ComponentSettings.storeSettings(config)).containsEntry("zookeeper.session.timeout.ms", "9000");
    }
}
