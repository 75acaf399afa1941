package dev.sluice.connect.file;

import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.Validator;
import dev.sluice.connect.api.ConnectorContext;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.api.SinkConnector;
import dev.sluice.connect.api.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Kafka's FileStreamSink: appends each record's value as a line to {@code file}. Herder threads, one at a time. */
public final class FileStreamSinkConnector implements SinkConnector {
    static final PluginConfigDef CONFIG = PluginConfigDef.builder()
            .required("file", ConfigType.STRING, Validator.nonEmpty(), "the file to append to")
            .build();
    private Map<String, String> config;

    @Override
    public PluginConfigDef config() {
        return CONFIG;
    }

    @Override
    public List<String> aliases() {
        return List.of("org.apache.kafka.connect.file.FileStreamSinkConnector");
    }

    @Override
    public void start(Map<String, String> settings, ConnectorContext context) {
        CONFIG.parse(settings);
        this.config = Map.copyOf(settings);
    }

    @Override
    public Task newTask() {
        return new FileStreamSinkTask();
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            out.add(Map.of("file", config.get("file")));
        }
        return out;
    }

    @Override
    public void stop() {
    }
}
