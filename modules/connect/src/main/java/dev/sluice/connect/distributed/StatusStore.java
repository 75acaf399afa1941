package dev.sluice.connect.distributed;

import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.connect.runtime.ConnectorTaskId;
import dev.sluice.connect.runtime.State;
import dev.sluice.connect.runtime.Status;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Statuses in {@code status.storage.topic} (Kafka's keys {@code status-connector-NAME},
 * {@code status-task-NAME-N}; values {@code {"state", "trace", "worker_id"}}), and the latest of each
 * as read back. Thread-safe: tasks report from their threads, the topic's reader applies.
 */
final class StatusStore implements AutoCloseable {
    private static final String CONNECTOR = "status-connector-";
    private static final String TASK = "status-task-";

    private final Map<String, Status> statuses = new ConcurrentHashMap<>();
    private TopicLog log;

    void attach(TopicLog topicLog) {
        this.log = topicLog;
    }

    void apply(String key, String value) {
        if (value == null) {
            statuses.remove(key);
            return;
        }
        Map<String, Object> json = JsonReader.parseObject(value);
        statuses.put(key, new Status(State.valueOf((String) json.get("state")), (String) json.get("worker_id"),
                (String) json.get("trace")));
    }

    void putConnector(String name, Status status) {
        write(CONNECTOR + name, status);
    }

    void putTask(ConnectorTaskId id, Status status) {
        write(TASK + id.connector() + "-" + id.task(), status);
    }

    private void write(String key, Status status) {
        statuses.put(key, status); // our own view at once; the topic tells everyone else
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", status.state().name());
        json.put("trace", status.trace());
        json.put("worker_id", status.workerId());
        log.sendAsync(key, JsonWriter.write(json));
    }

    Status connector(String name) {
        return statuses.get(CONNECTOR + name);
    }

    Status task(ConnectorTaskId id) {
        return statuses.get(TASK + id.connector() + "-" + id.task());
    }

    void removeConnector(String name, int tasks) {
        log.sendAsync(CONNECTOR + name, null);
        statuses.remove(CONNECTOR + name);
        for (int i = 0; i < tasks; i++) {
            log.sendAsync(TASK + name + "-" + i, null);
            statuses.remove(TASK + name + "-" + i);
        }
    }

    @Override
    public void close() {
        if (log != null) {
            log.close();
        }
    }
}
