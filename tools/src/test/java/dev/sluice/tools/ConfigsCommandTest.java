package dev.sluice.tools;

import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.NewTopic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sluice configs} against a broker, with kafka-configs.sh's options and output. */
class ConfigsCommandTest extends BrokerTestBase {

    @Test
    void brokerConfigsAreAlteredAndDescribedPerBrokerAndAsTheClusterDefault() {
        Result own = sluice("configs", "--alter", "--entity-type", "brokers", "--entity-name", "0",
                "--add-config", "log.retention.ms=3600000");
        assertThat(own.exitCode()).as(own.err()).isZero();
        assertThat(own.out()).isEqualTo("Completed updating config for broker 0.\n");
        Result defaults = sluice("configs", "--alter", "--entity-type", "brokers", "--entity-default",
                "--add-config", "message.max.bytes=2000,log.cleanup.policy=[delete,compact]");
        assertThat(defaults.out()).isEqualTo("Completed updating default config for brokers in the cluster.\n");
        assertThat(admin.describeConfigs(List.of(ConfigResource.broker(0))).join().get(ConfigResource.broker(0))
                .get("message.max.bytes").value()).isEqualTo("2000");

        assertThat(sluice("configs", "--describe", "--entity-type", "brokers", "--entity-name", "0").lines())
                .containsExactly("Dynamic configs for broker 0 are:",
                        "  log.retention.ms=3600000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=3600000, "
                                + "DEFAULT_CONFIG:log.retention.hours=168}");
        assertThat(sluice("configs", "--describe", "--entity-type", "brokers", "--entity-default").lines())
                .containsExactly("Default configs for brokers in the cluster are:",
                        "  log.cleanup.policy=delete,compact sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:"
                                + "log.cleanup.policy=delete,compact, DEFAULT_CONFIG:log.cleanup.policy=delete}",
                        "  message.max.bytes=2000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:message.max.bytes=2000, "
                                + "DEFAULT_CONFIG:message.max.bytes=1048588}");
        List<String> all = sluice("configs", "--describe", "--entity-type", "brokers", "--entity-name", "0", "--all").lines();
        assertThat(all.get(0)).isEqualTo("All configs for broker 0 are:");
        assertThat(all).contains("  num.partitions=1 sensitive=false synonyms={DEFAULT_CONFIG:num.partitions=1}");

        Result deleted = sluice("configs", "--alter", "--entity-type", "brokers", "--entity-name", "0",
                "--delete-config", "log.retention.ms");
        assertThat(deleted.exitCode()).isZero();
        assertThat(sluice("configs", "--describe", "--entity-type", "brokers", "--entity-name", "0").lines())
                .containsExactly("Dynamic configs for broker 0 are:");

        Result refused = sluice("configs", "--alter", "--entity-type", "brokers", "--entity-name", "0",
                "--add-config", "num.io.threads=4");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("Cannot update these configs dynamically: [num.io.threads]");
        Result misspelled = sluice("configs", "--alter", "--entity-type", "brokers", "--entity-default",
                "--add-config", "log.retention.hour=1");
        assertThat(misspelled.exitCode()).isEqualTo(1);
        assertThat(misspelled.err()).contains("did you mean 'log.retention.hours'");
    }

    @Test
    void topicConfigsAreAlteredAndDescribed() {
        admin.createTopics(List.of(new NewTopic("orders", 1))).join();
        Result altered = sluice("configs", "--alter", "--entity-type", "topics", "--entity-name", "orders",
                "--add-config", "retention.ms=1000,cleanup.policy=[compact,delete]");
        assertThat(altered.out()).isEqualTo("Completed updating config for topic orders.\n");
        assertThat(sluice("configs", "--describe", "--entity-type", "topics", "--entity-name", "orders").lines())
                .containsExactly("Dynamic configs for topic orders are:",
                        "  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, "
                                + "DEFAULT_CONFIG:log.cleanup.policy=delete}",
                        "  retention.ms=1000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=1000, "
                                + "DEFAULT_CONFIG:log.retention.hours=168}");
        sluice("configs", "--alter", "--entity-type", "topics", "--entity-name", "orders", "--delete-config", "retention.ms");
        assertThat(sluice("configs", "--describe", "--entity-type", "topics", "--entity-name", "orders").lines())
                .hasSize(2);
        Result missing = sluice("configs", "--describe", "--entity-type", "topics", "--entity-name", "nope");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("topic 'nope' does not exist");
    }

    @Test
    void usageMistakesExitWithTwo() {
        assertThat(sluice("configs", "--describe", "--entity-type", "brokers").exitCode()).isEqualTo(2);
        assertThat(sluice("configs", "--alter", "--entity-type", "brokers", "--entity-name", "0").exitCode()).isEqualTo(2);
        assertThat(sluice("configs", "--describe", "--entity-type", "users", "--entity-name", "x").exitCode()).isEqualTo(2);
        assertThat(sluice("configs", "--describe", "--entity-type", "topics", "--entity-default").exitCode()).isEqualTo(2);
        assertThat(sluice("configs", "--describe", "--entity-type", "brokers", "--entity-name", "one").exitCode()).isEqualTo(2);
    }
}
