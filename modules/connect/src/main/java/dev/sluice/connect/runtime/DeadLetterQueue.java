package dev.sluice.connect.runtime;

import dev.sluice.api.record.Header;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.connect.api.ConnectException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A sink task's dead-letter topic ({@code errors.deadletterqueue.topic.name}): a record that failed
 * is written there with its original key, value and headers, plus Kafka's {@code __connect.errors.*}
 * headers when {@code errors.deadletterqueue.context.headers.enable}. The topic is created on first
 * use when missing. Used by one task's thread.
 */
final class DeadLetterQueue implements AutoCloseable {
    private final String topic;
    private final short replicationFactor;
    private final boolean contextHeaders;
    private final ConnectorTaskId id;
    private final SluiceProducer producer;
    private final Properties adminProperties;
    private boolean topicChecked;

    DeadLetterQueue(ConnectorConfig config, ConnectorTaskId id, WorkerConfig worker) {
        this.topic = config.values().getString("errors.deadletterqueue.topic.name");
        this.replicationFactor = config.values().getShort("errors.deadletterqueue.topic.replication.factor");
        this.contextHeaders = config.values().getBoolean("errors.deadletterqueue.context.headers.enable");
        this.id = id;
        Properties p = worker.clientProperties("producer.");
        p.put("client.id", "connector-dlq-producer-" + id);
        this.producer = new SluiceProducer(p);
        this.adminProperties = worker.clientProperties("admin.");
    }

    void report(ConsumerRecord original, Stage stage, Throwable error) {
        ensureTopic();
        List<Header> headers = new ArrayList<>(original.headers());
        if (contextHeaders) {
            add(headers, "__connect.errors.topic", original.topic());
            add(headers, "__connect.errors.partition", Integer.toString(original.partition()));
            add(headers, "__connect.errors.offset", Long.toString(original.offset()));
            add(headers, "__connect.errors.connector.name", id.connector());
            add(headers, "__connect.errors.task.id", Integer.toString(id.task()));
            add(headers, "__connect.errors.stage", stage.name());
            add(headers, "__connect.errors.exception.class.name", error.getClass().getName());
            add(headers, "__connect.errors.exception.message", String.valueOf(error.getMessage()));
            add(headers, "__connect.errors.exception.stacktrace", Status.stackTrace(error));
        }
        try {
            producer.send(new ProducerRecord(topic, null, original.timestamp(), original.key(), original.value(), headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ConnectException("cannot write to the dead-letter topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private static void add(List<Header> headers, String key, String value) {
        headers.add(new Header(key, value.getBytes(StandardCharsets.UTF_8)));
    }

    private void ensureTopic() {
        if (topicChecked) {
            return;
        }
        try (SluiceAdmin admin = new SluiceAdmin(adminProperties)) {
            MissingTopics.create(admin, new NewTopic(topic, 1, replicationFactor, Map.of()));
        }
        topicChecked = true;
    }

    @Override
    public void close() {
        producer.close();
    }
}
