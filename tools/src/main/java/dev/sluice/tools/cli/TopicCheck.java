package dev.sluice.tools.cli;

import dev.sluice.client.admin.ConfigEntry;
import dev.sluice.client.admin.ConfigResource;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TopicDescription;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** "Does this topic exist?" before a command uses it, with the fix in the message when it does not. */
public final class TopicCheck {
    private TopicCheck() {
    }

    /** The topic, or a {@link CommandFailure} saying how to create it. */
    public static TopicDescription require(SluiceAdmin admin, String topic) {
        try {
            return admin.describeTopics(List.of(topic)).join().get(topic);
        } catch (RuntimeException e) {
            if ("UNKNOWN_TOPIC_OR_PARTITION".equals(ClientCommand.errorName(e))) {
                throw new CommandFailure(missing(topic));
            }
            throw e;
        }
    }

    /**
     * For producers: a missing topic is fine when the broker creates topics on first use
     * ({@code auto.create.topics.enable}, Kafka's default), which is then said on stderr.
     */
    public static void requireOrAutoCreated(SluiceAdmin admin, String topic, PrintStream err) {
        try {
            require(admin, topic);
        } catch (CommandFailure missing) {
            int brokerId = admin.describeCluster().join().controllerId();
            Map<String, ConfigEntry> config = admin.describeConfigs(List.of(ConfigResource.broker(brokerId))).join()
                    .values().iterator().next();
            ConfigEntry autoCreate = config.get("auto.create.topics.enable");
            if (autoCreate == null || !"true".equals(autoCreate.value())) {
                throw missing;
            }
            err.println("Topic '" + topic + "' does not exist yet: the broker creates it on first use (auto.create.topics.enable=true).");
        }
    }

    public static String missing(String topic) {
        return "topic '" + topic + "' does not exist: create it with ./sluice topics --create --topic " + topic
                + " (./sluice topics --list shows the topics there are)";
    }
}
