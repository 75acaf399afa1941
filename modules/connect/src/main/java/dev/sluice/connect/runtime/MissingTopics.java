package dev.sluice.connect.runtime;

import dev.sluice.client.ApiException;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.connect.api.ConnectException;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Creates a topic the worker writes to when it is missing: a sink's dead-letter topic, a source's
 * topic under KIP-158's {@code topic.creation.default.*}, the distributed worker's internal topics.
 * Another worker creating it meanwhile (TOPIC_ALREADY_EXISTS) is no failure. Stateless; any thread.
 */
public final class MissingTopics {
    private static final long TIMEOUT_S = 30;

    private MissingTopics() {
    }

    /**
     * Creates {@code topic} unless it exists.
     *
     * @return true if this call created it
     * @throws ConnectException when the topics cannot be listed or the topic cannot be created
     */
    public static boolean create(SluiceAdmin admin, NewTopic topic) {
        try {
            if (admin.listTopics().get(TIMEOUT_S, TimeUnit.SECONDS).contains(topic.name())) {
                return false;
            }
            admin.createTopics(List.of(topic)).get(TIMEOUT_S, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api && api.errorName().equals("TOPIC_ALREADY_EXISTS")) {
                return false;
            }
            throw new ConnectException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted creating topic " + topic.name(), e);
        } catch (Exception e) {
            throw new ConnectException("cannot create topic " + topic.name() + ": " + e, e);
        }
    }
}
