package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Topic settings that depend on the topic, through kafka-clients' Admin. */
class TopicConfigRulesTest {
    @TempDir
    static Path dir;
    static TestBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("auto.create.topics.enable", "false", "compression.type", "producer"));
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

    @Test
    void minInsyncReplicasAboveTheReplicationFactorIsRefusedOnCreateAndAlter() throws Exception {
        assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("misr", 1, (short) 1)
                .configs(Map.of("min.insync.replicas", "2")))).all().get())
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid value 2 for configuration min.insync.replicas")
                .hasMessageContaining("replication factor (1)");
        assertThat(admin.listTopics().names().get()).doesNotContain("misr");

        admin.createTopics(List.of(new NewTopic("misr", 1, (short) 1).configs(Map.of("min.insync.replicas", "1"))))
                .all().get();
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, "misr");
        assertThatThrownBy(() -> admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                new ConfigEntry("min.insync.replicas", "3"), AlterConfigOp.OpType.SET)))).all().get())
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("Invalid value 3 for configuration min.insync.replicas");
        assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource).get("min.insync.replicas").value())
                .isEqualTo("1");
    }
}
