package dev.sluice.broker.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which log storage a topic lives in is chosen by configuration, and a name that isn't installed is refused. */
class StorageEngineSelectionTest {
    @TempDir
    Path dir;

    @Test
    void unknownEngineFailsBrokerStartupListingInstalledOnes() {
        assertThatThrownBy(() -> TestBroker.start(dir, Map.of("log.storage", "no-such-engine")))
                .hasMessageContaining("no-such-engine").hasMessageContaining("installed").hasMessageContaining("file");
    }

    @Test
    void unknownTopicLevelEngineIsAnInvalidConfig() throws Exception {
        try (TestBroker broker = TestBroker.start(dir, Map.of());
             Admin admin = KafkaClients.admin(broker.bootstrap())) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("t", 1, (short) 1)
                    .configs(Map.of("storage.engine", "no-such-engine")))).all().get())
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("no-such-engine");
            admin.createTopics(List.of(new NewTopic("f", 1, (short) 1).configs(Map.of("storage.engine", "file")))).all().get();
            assertThat(admin.listTopics().names().get()).contains("f").doesNotContain("t");
        }
    }
}
