package dev.sluice.connect.runtime;

import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.internal.json.JsonWriter;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Source partitions and offsets as JSON, Kafka Connect's layout: key {@code ["connector", {partition}]},
 * value {@code {offset}}. Partition keys are written sorted so that equal maps give equal text (and
 * an integer read back as a long still finds its entry). Stateless; any thread.
 */
public final class OffsetKeys {
    private OffsetKeys() {
    }

    public static String key(String connector, Map<String, ?> partition) {
        return JsonWriter.write(List.of(connector, new TreeMap<>(partition)));
    }

    public static String value(Map<String, ?> offset) {
        return JsonWriter.write(new TreeMap<>(offset));
    }

    /** The connector and partition of a key written by {@link #key}. */
    @SuppressWarnings("unchecked")
    public static Map.Entry<String, Map<String, Object>> parseKey(String key) {
        List<Object> parts = (List<Object>) JsonReader.parse(key);
        return Map.entry((String) parts.get(0), (Map<String, Object>) parts.get(1));
    }

    public static Map<String, Object> parseValue(String value) {
        return JsonReader.parseObject(value);
    }
}
