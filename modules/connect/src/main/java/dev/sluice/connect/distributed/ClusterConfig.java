package dev.sluice.connect.distributed;

import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.internal.json.JsonWriter;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cluster's connector state as read from {@code config.storage.topic}. Records (key → JSON value):
 * <pre>
 *   connector-NAME          {"properties": {...}}          the connector's configuration (null: deleted)
 *   tasks-NAME              {"tasks": [{...}, ...]}        its task configurations, written by its owner
 *   target-state-NAME       {"state": "STARTED"|"PAUSED"}
 *   restart-connector-NAME  {"nonce": "..."}               a restart request
 *   restart-task-NAME-N     {"nonce": "..."}
 * </pre>
 * Thread-safe: the topic's reader thread applies records, others take immutable {@link Snapshot}s.
 */
final class ClusterConfig {
    static final String CONNECTOR = "connector-";
    static final String TASKS = "tasks-";
    static final String TARGET = "target-state-";
    static final String RESTART_CONNECTOR = "restart-connector-";
    static final String RESTART_TASK = "restart-task-";

    /** One consistent view. */
    record Snapshot(Map<String, Map<String, String>> connectors, Map<String, List<Map<String, String>>> tasks,
                    Map<String, Boolean> paused, Map<String, String> restarts, long version) {
        boolean isPaused(String name) {
            return paused.getOrDefault(name, false);
        }

        List<Map<String, String>> tasksOf(String name) {
            return tasks.getOrDefault(name, List.of());
        }
    }

    private final Map<String, Map<String, String>> connectors = new TreeMap<>();
    private final Map<String, List<Map<String, String>>> tasks = new HashMap<>();
    private final Map<String, Boolean> paused = new HashMap<>();
    private final Map<String, String> restarts = new HashMap<>();
    private long version;

    @SuppressWarnings("unchecked")
    synchronized void apply(String key, String value) {
        version++;
        Map<String, Object> json = value == null ? null : JsonReader.parseObject(value);
        if (key.startsWith(CONNECTOR)) {
            String name = key.substring(CONNECTOR.length());
            if (json == null) {
                connectors.remove(name);
                tasks.remove(name);
                paused.remove(name);
            } else {
                connectors.put(name, strings((Map<String, Object>) json.get("properties")));
            }
        } else if (key.startsWith(TASKS)) {
            String name = key.substring(TASKS.length());
            if (json == null) {
                tasks.remove(name);
            } else {
                List<Map<String, String>> list = new ArrayList<>();
                for (Object t : (List<Object>) json.get("tasks")) {
                    list.add(strings((Map<String, Object>) t));
                }
                tasks.put(name, List.copyOf(list));
            }
        } else if (key.startsWith(TARGET)) {
            String name = key.substring(TARGET.length());
            paused.put(name, json != null && "PAUSED".equals(json.get("state")));
        } else if (key.startsWith(RESTART_CONNECTOR) || key.startsWith(RESTART_TASK)) {
            if (json == null) {
                restarts.remove(key);
            } else {
                restarts.put(key, String.valueOf(json.get("nonce")));
            }
        }
    }

    private static Map<String, String> strings(Map<String, Object> json) {
        Map<String, String> out = new LinkedHashMap<>();
        if (json != null) {
            json.forEach((k, v) -> out.put(k, v == null ? null : String.valueOf(v)));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(Map.copyOf(connectors), Map.copyOf(tasks), Map.copyOf(paused), Map.copyOf(restarts), version);
    }

    static String connectorValue(Map<String, String> config) {
        return JsonWriter.write(Map.of("properties", config));
    }

    static String tasksValue(List<Map<String, String>> taskConfigs) {
        return JsonWriter.write(Map.of("tasks", taskConfigs));
    }

    static String targetValue(boolean pause) {
        return JsonWriter.write(Map.of("state", pause ? "PAUSED" : "STARTED"));
    }

    static String nonceValue() {
        return JsonWriter.write(Map.of("nonce", java.util.UUID.randomUUID().toString()));
    }
}
