package dev.sluice.connect.jdbc;

import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.Validator;
import dev.sluice.connect.api.ConnectorContext;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.api.SourceConnector;
import dev.sluice.connect.api.Task;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Polls tables into topics ({@code topic.prefix} + table), with the settings of Confluent's JDBC
 * source: {@code table.whitelist}, {@code mode} ({@code bulk}, {@code incrementing}, {@code timestamp},
 * {@code timestamp+incrementing}), {@code incrementing.column.name}, {@code timestamp.column.name},
 * {@code poll.interval.ms}, {@code batch.max.rows}. Tables are split over {@code tasks.max} tasks.
 * Herder threads, one at a time.
 */
public final class JdbcSourceConnector implements SourceConnector {
    static final PluginConfigDef CONFIG = PluginConfigDef.builder()
            .all(JdbcSettings.CONNECTION)
            .required("table.whitelist", ConfigType.LIST, Validator.nonEmptyList(), "the tables to poll")
            .required("topic.prefix", ConfigType.STRING, null, "each table goes to topic.prefix + its name")
            .optional("mode", ConfigType.STRING, "incrementing",
                    Validator.oneOf("bulk", "incrementing", "timestamp", "timestamp+incrementing"),
                    "how new and changed rows are found")
            .optional("incrementing.column.name", ConfigType.STRING, "id", null,
                    "a strictly increasing column (new rows)")
            .optional("timestamp.column.name", ConfigType.STRING, "updated_at", null,
                    "a column set to the time of every insert and update (changed rows)")
            .optional("poll.interval.ms", ConfigType.LONG, 5_000L, Validator.atLeast(1), "how often each table is queried")
            .optional("batch.max.rows", ConfigType.INT, 100, Validator.atLeast(1), "the most rows per query")
            .build();
    private Map<String, String> config;

    @Override
    public PluginConfigDef config() {
        return CONFIG;
    }

    @Override
    public List<String> aliases() {
        return List.of("io.confluent.connect.jdbc.JdbcSourceConnector");
    }

    @Override
    public void start(Map<String, String> settings, ConnectorContext context) {
        CONFIG.parse(settings);
        this.config = Map.copyOf(settings);
    }

    @Override
    public Task newTask() {
        return new JdbcSourceTask();
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<String> tables = CONFIG.parse(config).getList("table.whitelist");
        int n = Math.min(maxTasks, tables.size());
        List<Map<String, String>> out = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            List<String> mine = new ArrayList<>();
            for (int i = t; i < tables.size(); i += n) {
                mine.add(tables.get(i));
            }
            Map<String, String> task = new HashMap<>(config);
            task.put("tables", String.join(",", mine));
            out.add(Map.copyOf(task));
        }
        return out;
    }

    @Override
    public void stop() {
    }
}
