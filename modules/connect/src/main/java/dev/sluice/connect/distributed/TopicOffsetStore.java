package dev.sluice.connect.distributed;

import dev.sluice.connect.runtime.OffsetKeys;
import dev.sluice.connect.runtime.OffsetStore;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Source offsets in {@code offset.storage.topic} (key {@code ["connector", {partition}]}, value the
 * offset, as Kafka Connect writes them). A task starting on another worker reads the topic to its end
 * first, so it resumes from the last offset any worker committed. Thread-safe.
 */
final class TopicOffsetStore implements OffsetStore {
    private final Map<String, String> offsets = new ConcurrentHashMap<>();
    private TopicLog log;

    void attach(TopicLog topicLog) {
        this.log = topicLog;
    }

    void apply(String key, String value) {
        if (value == null) {
            offsets.remove(key);
        } else {
            offsets.put(key, value);
        }
    }

    @Override
    public Map<String, Object> get(String connector, Map<String, ?> partition) {
        log.readToEnd(30_000);
        String v = offsets.get(OffsetKeys.key(connector, partition));
        return v == null ? null : OffsetKeys.parseValue(v);
    }

    @Override
    public void put(String connector, Map<Map<String, ?>, Map<String, ?>> changes) {
        for (Map.Entry<Map<String, ?>, Map<String, ?>> e : changes.entrySet()) {
            String key = OffsetKeys.key(connector, e.getKey());
            String value = OffsetKeys.value(e.getValue());
            log.send(key, value);
            offsets.put(key, value);
        }
    }

    @Override
    public void close() {
        if (log != null) {
            log.close();
        }
    }
}
