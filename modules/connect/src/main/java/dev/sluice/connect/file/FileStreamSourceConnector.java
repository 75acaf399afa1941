package dev.sluice.connect.file;

import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.Validator;
import dev.sluice.connect.api.ConnectorContext;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.api.SourceConnector;
import dev.sluice.connect.api.Task;

import java.util.List;
import java.util.Map;

/**
 * Kafka's FileStreamSource: tails {@code file} line by line into {@code topic}, one task, resuming
 * after the last committed line. Called by the herder's threads, one at a time.
 */
public final class FileStreamSourceConnector implements SourceConnector {
    static final PluginConfigDef CONFIG = PluginConfigDef.builder()
            .required("file", ConfigType.STRING, Validator.nonEmpty(), "the file to read")
            .required("topic", ConfigType.STRING, Validator.nonEmpty(), "the topic to write to")
            .optional("batch.size", ConfigType.INT, 2000, Validator.atLeast(1), "the most lines per poll")
            .build();
    private Map<String, String> config;

    @Override
    public PluginConfigDef config() {
        return CONFIG;
    }

    @Override
    public List<String> aliases() {
        return List.of("org.apache.kafka.connect.file.FileStreamSourceConnector");
    }

    @Override
    public void start(Map<String, String> settings, ConnectorContext context) {
        CONFIG.parse(settings);
        this.config = Map.copyOf(settings);
    }

    @Override
    public Task newTask() {
        return new FileStreamSourceTask();
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(Map.of("file", config.get("file"), "topic", config.get("topic"),
                "batch.size", config.getOrDefault("batch.size", "2000")));
    }

    @Override
    public void stop() {
    }
}
