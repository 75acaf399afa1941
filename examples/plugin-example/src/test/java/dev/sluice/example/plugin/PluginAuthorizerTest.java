package dev.sluice.example.plugin;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.client.ApiException;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The fifth SPI from outside the core: a broker started with {@code authorizer.class.name} naming this
 * module's {@link ScratchOnlyAuthorizer} (by class name, or by its alias) finds it through ServiceLoader
 * on the module path and checks every request with it: topics {@code scratch-*} may be created and written,
 * any other is refused with TOPIC_AUTHORIZATION_FAILED. Nothing here names the broker's built-in authorizer.
 */
class PluginAuthorizerTest {
    @TempDir
    Path dir;

    private Broker start(String authorizer) throws Exception {
        return Broker.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.resolve(authorizer).toString(), "num.io.threads", "2", "num.network.threads", "1",
                "auto.create.topics.enable", "false", "authorizer.class.name", authorizer)));
    }

    private static Properties client(String bootstrap) {
        Properties props = new Properties();
        props.setProperty("bootstrap.servers", bootstrap);
        return props;
    }

    @Test
    void theBrokerChecksRequestsWithThePluginChosenByClassName() throws Exception {
        try (Broker broker = start(ScratchOnlyAuthorizer.class.getName());
             SluiceAdmin admin = new SluiceAdmin(client(broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("scratch-1", 1))).get(30, TimeUnit.SECONDS);
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("orders", 1))).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.errorName()).isEqualTo("TOPIC_AUTHORIZATION_FAILED"));
            try (SluiceProducer producer = new SluiceProducer(client(broker.bootstrapServers()))) {
                assertThat(producer.send(ProducerRecord.of("scratch-1", "v".getBytes(StandardCharsets.UTF_8)))
                        .get(30, TimeUnit.SECONDS).offset()).isZero();
            }
            assertThat(admin.listTopics().get(30, TimeUnit.SECONDS)).contains("scratch-1").doesNotContain("orders");
        }
    }

    @Test
    void theAliasSelectsThePluginToo() throws Exception {
        try (Broker broker = start("scratch-only");
             SluiceAdmin admin = new SluiceAdmin(client(broker.bootstrapServers()))) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("orders", 1))).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOfSatisfying(ApiException.class,
                            e -> assertThat(e.errorName()).isEqualTo("TOPIC_AUTHORIZATION_FAILED"));
        }
    }
}
