package dev.sluice.connect.mirror;

import dev.sluice.connect.api.ConfigException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MirrorConfigTest {
    private static Map<String, String> twoClusters() {
        Map<String, String> s = new HashMap<>();
        s.put("clusters", "a, b");
        s.put("a.bootstrap.servers", "127.0.0.1:1");
        s.put("b.bootstrap.servers", "127.0.0.1:2");
        return s;
    }

    @Test
    void readsMirrorMakerTwosNamesWithFlowSettingsOverTopLevelOnes() {
        Map<String, String> s = twoClusters();
        s.put("a->b.enabled", "true");
        s.put("b->a.enabled", "false");
        s.put("topics", "orders.*");
        s.put("a->b.topics", "payments, orders.*");
        s.put("a.security.protocol", "PLAINTEXT");
        s.put("a.producer.linger.ms", "5");
        s.put("a.offset.storage.topic", "not-a-client-setting");
        s.put("sync.group.offsets.enabled", "true");
        s.put("emit.checkpoints.interval.seconds", "5");

        MirrorConfig config = MirrorConfig.parse(s);

        assertThat(config.flows()).hasSize(1);
        MirrorConfig.Flow flow = config.flows().get(0);
        assertThat(flow.name()).isEqualTo("a->b");
        assertThat(flow.copies("payments")).isTrue();
        assertThat(flow.copies("orders-eu")).isTrue();
        assertThat(flow.copies("other")).isFalse();
        assertThat(flow.syncGroupOffsets()).isTrue();
        assertThat(flow.checkpointInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(flow.offsetLagMax()).isEqualTo(100);
        assertThat(flow.offsetsTopic()).isEqualTo("mm2-offsets.a.internal");
        assertThat(flow.offsetSyncsTopic()).isEqualTo("mm2-offset-syncs.b.internal");
        assertThat(flow.checkpointsTopic()).isEqualTo("a.checkpoints.internal");
        MirrorConfig.Cluster a = config.clusters().get("a");
        assertThat(a.producerProperties()).containsEntry("bootstrap.servers", "127.0.0.1:1")
                .containsEntry("security.protocol", "PLAINTEXT").containsEntry("linger.ms", "5")
                .doesNotContainKey("offset.storage.topic");
        assertThat(a.consumerProperties()).doesNotContainKey("linger.ms");
    }

    @Test
    void defaultsExcludeInternalTopicsAndTheTargetsOwnTopicsComingBack() {
        Map<String, String> s = twoClusters();
        s.put("a->b.enabled", "true");
        MirrorConfig.Flow flow = MirrorConfig.parse(s).flows().get(0);

        assertThat(flow.copies("orders")).isTrue();
        assertThat(flow.copies("c.orders")).isTrue(); // from a third cluster: a.c.orders on b
        assertThat(flow.copies("b.orders")).isFalse(); // came from b: copying it back would loop
        assertThat(flow.copies("c.b.orders")).isFalse();
        assertThat(flow.copies("__consumer_offsets")).isFalse();
        assertThat(flow.copies("mm2-offsets.b.internal")).isFalse();
        assertThat(flow.copies("b.checkpoints.internal")).isFalse();
        assertThat(flow.checkpoints("billing")).isTrue();
        assertThat(flow.checkpoints("console-consumer-1234")).isFalse();
        assertThat(flow.policy().remoteTopic("a", "orders")).isEqualTo("a.orders");
    }

    @Test
    void theSeparatorAndTheIdentityPolicy() {
        Map<String, String> s = twoClusters();
        s.put("a->b.enabled", "true");
        s.put("replication.policy.separator", "_");
        assertThat(MirrorConfig.parse(s).flows().get(0).policy().remoteTopic("a", "orders")).isEqualTo("a_orders");
        assertThat(MirrorConfig.parse(s).flows().get(0).copies("b_orders")).isFalse();

        s.put("replication.policy.class", "org.apache.kafka.connect.mirror.IdentityReplicationPolicy");
        MirrorConfig.Flow identity = MirrorConfig.parse(s).flows().get(0);
        assertThat(identity.policy().remoteTopic("a", "orders")).isEqualTo("orders");
        assertThat(identity.copies("b_orders")).isTrue();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Map<String, String> s = new HashMap<>();
        s.put("clusters", "a, b");
        s.put("a.bootstrap.servers", "127.0.0.1:1");
        s.put("a->b.enabled", "true");
        s.put("a->c.enabled", "true");
        s.put("a->b.topics", "orders[");
        s.put("offset.lag.max", "many");
        s.put("replication.policy.class", "com.example.MyPolicy");

        assertThatThrownBy(() -> MirrorConfig.parse(s)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems()).hasSize(5))
                .hasMessageContaining("b.bootstrap.servers is required")
                .hasMessageContaining("a->c.enabled: a flow between clusters not listed")
                .hasMessageContaining("topics is not a regular expression")
                .hasMessageContaining("offset.lag.max 'many' is not a number")
                .hasMessageContaining("com.example.MyPolicy is not supported");
    }

    @Test
    void noEnabledFlowIsAnError() {
        assertThatThrownBy(() -> MirrorConfig.parse(twoClusters())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no flow is enabled: set e.g. a->b.enabled = true");
    }
}
