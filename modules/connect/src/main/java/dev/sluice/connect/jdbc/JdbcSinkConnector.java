package dev.sluice.connect.jdbc;

import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.Validator;
import dev.sluice.connect.api.ConnectorContext;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.api.SinkConnector;
import dev.sluice.connect.api.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes records with a struct value into tables, with the settings of Confluent's JDBC sink:
 * {@code insert.mode} ({@code insert}, {@code upsert}), {@code pk.mode} ({@code none},
 * {@code record_key}, {@code record_value}), {@code pk.fields}, {@code auto.create},
 * {@code table.name.format} ({@code ${topic}}). Herder threads, one at a time.
 */
public final class JdbcSinkConnector implements SinkConnector {
    static final PluginConfigDef CONFIG = PluginConfigDef.builder()
            .all(JdbcSettings.CONNECTION)
            .optional("insert.mode", ConfigType.STRING, "insert", Validator.oneOf("insert", "upsert"),
                    "insert, or upsert by the primary key")
            .optional("pk.mode", ConfigType.STRING, "none", Validator.oneOf("none", "record_key", "record_value"),
                    "where the primary key comes from")
            .optional("pk.fields", ConfigType.LIST, List.of(), null,
                    "the key's field names (record_value: fields of the value; record_key: of a struct key, or "
                            + "the one column a primitive key goes to)")
            .optional("auto.create", ConfigType.BOOLEAN, false, null, "create a missing table from the record's schema")
            .optional("table.name.format", ConfigType.STRING, "${topic}", null, "the table; ${topic} is the topic")
            .build();
    private Map<String, String> config;

    @Override
    public PluginConfigDef config() {
        return CONFIG;
    }

    @Override
    public List<String> aliases() {
        return List.of("io.confluent.connect.jdbc.JdbcSinkConnector");
    }

    @Override
    public void start(Map<String, String> settings, ConnectorContext context) {
        var v = CONFIG.parse(settings);
        if (v.getString("insert.mode").equals("upsert") && v.getString("pk.mode").equals("none")) {
            throw new dev.sluice.connect.api.ConfigException("insert.mode=upsert needs a pk.mode other than none");
        }
        this.config = Map.copyOf(settings);
    }

    @Override
    public Task newTask() {
        return new JdbcSinkTask();
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> out = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            out.add(config);
        }
        return out;
    }

    @Override
    public void stop() {
    }
}
