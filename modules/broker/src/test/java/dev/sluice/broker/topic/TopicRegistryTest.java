package dev.sluice.broker.topic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TopicRegistryTest {
    @TempDir
    Path dir;

    @Test
    void topicsSurviveReopen() {
        TopicRegistry registry = new FileTopicRegistry(dir);
        UUID id = UUID.randomUUID();
        registry.put(new TopicMetadata("orders.v1", id, 3, (short) 1, Map.of("retention.ms", "1000"), 0, "lmdb"));
        registry.put(new TopicMetadata("gone", UUID.randomUUID(), 1, (short) 1, Map.of()));
        registry.remove("gone");

        TopicRegistry reopened = new FileTopicRegistry(dir);
        assertThat(reopened.all()).hasSize(1);
        TopicMetadata topic = reopened.get("orders.v1").orElseThrow();
        assertThat(topic.id()).isEqualTo(id);
        assertThat(topic.partitions()).isEqualTo(3);
        assertThat(topic.configs()).containsEntry("retention.ms", "1000");
        assertThat(topic.storageEngine()).isEqualTo("lmdb");
        assertThat(reopened.get(id)).contains(topic);
        assertThat(reopened.get("gone")).isEmpty();
    }

    @Test
    void topicNamesFollowKafkasRules() {
        assertThat(TopicNames.problem("a-b_c.d9")).isNull();
        assertThat(TopicNames.problem("")).isNotNull();
        assertThat(TopicNames.problem("..")).isNotNull();
        assertThat(TopicNames.problem("a/b")).contains("illegal character");
        assertThat(TopicNames.problem("x".repeat(250))).contains("longer");
    }

    @Test
    void configValidationNamesEveryProblem() {
        assertThat(TopicConfigDef.validate(Map.of("retention.ms", "5", "cleanup.policy", "compact"))).isNull();
        String problems = TopicConfigDef.validate(Map.of("retention.ms", "soon", "no.such", "1"));
        assertThat(problems).contains("retention.ms=soon").contains("unknown topic config 'no.such'");
    }
}
