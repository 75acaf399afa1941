package dev.sluice.connect.runtime;

import dev.sluice.connect.api.Converter;

import java.util.Map;

/** Creates a task's key or value converter: the connector's override with its settings, else the worker's. */
final class Converters {
    private Converters() {
    }

    static Converter create(Plugins plugins, ConnectorConfig config, WorkerConfig worker, boolean isKey) {
        String side = isKey ? "key.converter" : "value.converter";
        String name = config.raw().get(side);
        Map<String, String> source = config.raw();
        if (name == null || name.isBlank()) {
            name = worker.values().getString(side);
            source = worker.raw();
        }
        Converter converter = plugins.newConverter(name);
        converter.configure(ConnectorConfig.withPrefix(source, side + "."), isKey);
        return converter;
    }
}
