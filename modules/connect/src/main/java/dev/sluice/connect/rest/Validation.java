package dev.sluice.connect.rest;

import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.runtime.ConnectorConfig;
import dev.sluice.connect.runtime.Plugins;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code PUT /connector-plugins/{class}/config/validate}: Kafka's answer shape ({@code name},
 * {@code error_count}, {@code groups}, {@code configs} with each key's {@code value.errors}), filled
 * from the same validation a create runs. Stateless; any thread.
 */
final class Validation {
    private Validation() {
    }

    static Map<String, Object> validate(Plugins plugins, String pluginClass, Map<String, String> config) {
        Map<String, String> withClass = new LinkedHashMap<>(config);
        withClass.putIfAbsent("connector.class", pluginClass);
        withClass.putIfAbsent("name", "validate");
        List<String> problems = new ArrayList<>();
        try {
            ConnectorConfig.validate(withClass, plugins);
        } catch (ConfigException e) {
            problems.addAll(e.problems().subList(1, e.problems().size()));
        }
        Map<String, List<String>> byKey = new LinkedHashMap<>();
        withClass.keySet().forEach(k -> byKey.put(k, new ArrayList<>()));
        for (String p : problems) {
            int colon = p.indexOf(':');
            String key = colon < 0 ? "" : p.substring(0, colon);
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(colon < 0 ? p : p.substring(colon + 1).trim());
        }
        List<Object> configs = new ArrayList<>();
        byKey.forEach((key, errors) -> {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("name", key);
            value.put("value", withClass.get(key));
            value.put("recommended_values", List.of());
            value.put("errors", errors);
            value.put("visible", true);
            configs.add(Map.of("value", value));
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", pluginClass);
        out.put("error_count", problems.size());
        out.put("groups", List.of("Common"));
        out.put("configs", configs);
        return out;
    }
}
