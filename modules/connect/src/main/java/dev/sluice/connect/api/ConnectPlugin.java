package dev.sluice.connect.api;

import java.util.List;

/**
 * What every plugin (connector, converter, transformation) tells the worker about itself. Plugins
 * are found with {@link java.util.ServiceLoader} ({@code provides} in a module on the module path)
 * and configured by their class name, their simple name, or one of their {@link #aliases()} (Kafka
 * Connect's class names, so existing configurations work unchanged).
 */
public interface ConnectPlugin {

    /** The settings it takes. */
    PluginConfigDef config();

    /** Other names it answers to in configurations, e.g. {@code org.apache.kafka.connect.file.FileStreamSourceConnector}. */
    default List<String> aliases() {
        return List.of();
    }

    default String version() {
        return "1.0";
    }
}
