package dev.sluice.client;

import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.ClusterDescription;
import dev.sluice.client.admin.ConfigEntry;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminTest {
    @TempDir
    Path dir;

    @Test
    void topicLifecycleConfigsAndCluster() throws Exception {
        try (TestBroker broker = TestBroker.start(dir);
             SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("a", 3), new NewTopic("b", 1, (short) 1, Map.of("retention.ms", "12345")))).join();
            assertThat(admin.listTopics().join()).contains("a", "b");

            TopicDescription a = admin.describeTopics(List.of("a")).join().get("a");
            assertThat(a.partitions()).hasSize(3);
            assertThat(a.topicId().getMostSignificantBits() | a.topicId().getLeastSignificantBits()).isNotZero();
            assertThat(a.partitions().get(0).leader()).isGreaterThanOrEqualTo(0);

            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("a", 1))).join())
                    .isInstanceOf(CompletionException.class).cause().isInstanceOf(ApiException.class)
                    .satisfies(e -> assertThat(((ApiException) e).errorName()).isEqualTo("TOPIC_ALREADY_EXISTS"));

            admin.createPartitions(Map.of("a", 5)).join();
            assertThat(admin.describeTopics(List.of("a")).join().get("a").partitions()).hasSize(5);

            Map<String, ConfigEntry> b = admin.describeConfigs(List.of(ConfigResource.topic("b"))).join()
                    .get(ConfigResource.topic("b"));
            assertThat(b.get("retention.ms").value()).isEqualTo("12345");
            assertThat(b.get("retention.ms").isDefault()).isFalse();

            ClusterDescription cluster = admin.describeCluster().join();
            assertThat(cluster.brokers()).hasSize(1);
            assertThat(cluster.clusterId()).isNotBlank();
            Map<String, ConfigEntry> brokerConfig = admin.describeConfigs(List.of(ConfigResource.broker(cluster.brokers().get(0).id())))
                    .join().values().iterator().next();
            assertThat(brokerConfig).isNotEmpty();

            admin.deleteTopics(List.of("b")).join();
            assertThat(admin.listTopics().join()).contains("a").doesNotContain("b");
            assertThatThrownBy(() -> admin.describeTopics(List.of("b")).join()).cause()
                    .isInstanceOf(ApiException.class).hasMessageContaining("UNKNOWN_TOPIC_OR_PARTITION");
        }
    }
}
