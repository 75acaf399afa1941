package dev.sluice.connect.runtime;

import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;
import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.api.Connector;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.api.SinkConnector;
import dev.sluice.connect.api.Transformation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings every connector takes besides its own (Kafka Connect's names and defaults), and the
 * validation of a whole connector configuration: common keys, the connector's keys, each converter's
 * and each transform's, every problem reported at once. Immutable; any thread.
 *
 * @param raw    the configuration as given
 * @param values the common settings, typed
 */
public record ConnectorConfig(Map<String, String> raw, ConfigValues values) {

    static final PluginConfigDef COMMON = PluginConfigDef.builder()
            .required("name", ConfigType.STRING, Validator.nonEmpty(), "the connector's unique name")
            .required("connector.class", ConfigType.STRING, Validator.nonEmpty(), "the connector plugin")
            .optional("tasks.max", ConfigType.INT, 1, Validator.atLeast(1), "the most tasks to run")
            .optional("key.converter", ConfigType.STRING, null, null, "overrides the worker's key.converter")
            .optional("value.converter", ConfigType.STRING, null, null, "overrides the worker's value.converter")
            .optional("transforms", ConfigType.LIST, List.of(), null, "aliases of the transforms, applied in order")
            .optional("errors.retry.timeout", ConfigType.LONG, 0L, Validator.minusOneOrBetween(0, Long.MAX_VALUE),
                    "how long a failing conversion or transform is retried (-1: for ever)")
            .optional("errors.retry.delay.max.ms", ConfigType.LONG, 60_000L, Validator.atLeast(1),
                    "the longest wait between retries")
            .optional("errors.tolerance", ConfigType.STRING, "none", Validator.oneOf("none", "all"),
                    "none: a record that fails stops the task; all: it is skipped (or sent to the dead-letter topic)")
            .optional("errors.log.enable", ConfigType.BOOLEAN, false, null, "log every failed record")
            .optional("errors.log.include.messages", ConfigType.BOOLEAN, false, null, "include the record in that log")
            .optional("errors.deadletterqueue.topic.name", ConfigType.STRING, "", null,
                    "sink connectors: the topic failed records go to")
            .optional("errors.deadletterqueue.topic.replication.factor", ConfigType.SHORT, (short) 3,
                    Validator.atLeast(1), "its replication factor when it is created")
            .optional("errors.deadletterqueue.context.headers.enable", ConfigType.BOOLEAN, false, null,
                    "add __connect.errors.* headers saying what failed")
            .optional("topics", ConfigType.LIST, List.of(), null, "sink connectors: the topics to read")
            .optional("topics.regex", ConfigType.STRING, "", null, "sink connectors: a pattern of topics to read")
            .optional("topic.creation.default.replication.factor", ConfigType.SHORT, null, null,
                    "source connectors: create missing topics with this replication factor")
            .optional("topic.creation.default.partitions", ConfigType.INT, null, null,
                    "source connectors: ... and this many partitions")
            .build();

    public String name() {
        return values.getString("name");
    }

    public String connectorClass() {
        return values.getString("connector.class");
    }

    public int tasksMax() {
        return values.getInt("tasks.max");
    }

    public List<String> transforms() {
        return values.getList("transforms");
    }

    /**
     * Validates {@code raw} completely.
     *
     * @throws ConfigException with Kafka's heading ("Connector configuration is invalid and contains the
     *                         following N error(s):") and one problem per line
     */
    public static ConnectorConfig validate(Map<String, String> raw, Plugins plugins) {
        List<String> problems = new ArrayList<>(COMMON.problems(raw));
        ConfigValues values = COMMON.def().parse(raw, new ArrayList<>());
        String cls = raw.get("connector.class");
        if (cls != null && !cls.isBlank()) {
            try {
                Connector connector = plugins.newConnector(cls);
                problems.addAll(connector.config().problems(raw));
                if (connector instanceof SinkConnector) {
                    boolean topics = !values.getList("topics").isEmpty();
                    boolean regex = !values.getString("topics.regex").isBlank();
                    if (topics == regex) {
                        problems.add("topics: a sink connector needs exactly one of topics and topics.regex");
                    }
                } else if (!values.getString("errors.deadletterqueue.topic.name").isBlank()) {
                    problems.add("errors.deadletterqueue.topic.name: only sink connectors have a dead-letter topic");
                }
            } catch (ConfigException e) {
                problems.add("connector.class: " + e.getMessage());
            }
        }
        for (String side : List.of("key.converter", "value.converter")) {
            String converter = raw.get(side);
            if (converter != null && !converter.isBlank()) {
                try {
                    problems.addAll(prefixed(side + ".", plugins.newConverter(converter).config().problems(
                            withPrefix(raw, side + "."))));
                } catch (ConfigException e) {
                    problems.add(side + ": " + e.getMessage());
                }
            }
        }
        for (String alias : values.getList("transforms")) {
            String prefix = "transforms." + alias + ".";
            String type = raw.get(prefix + "type");
            if (type == null || type.isBlank()) {
                problems.add(prefix + "type: a value is required (the transformation's class)");
                continue;
            }
            try {
                Transformation t = plugins.newTransformation(type);
                problems.addAll(prefixed(prefix, t.config().problems(withPrefix(raw, prefix))));
            } catch (ConfigException e) {
                problems.add(prefix + "type: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            List<String> lines = new ArrayList<>();
            lines.add("Connector configuration is invalid and contains the following " + problems.size()
                    + " error(s):");
            lines.addAll(problems);
            throw new ConfigException(lines);
        }
        return new ConnectorConfig(java.util.Collections.unmodifiableMap(new LinkedHashMap<>(raw)), values);
    }

    /**
     * {@code config} with {@code name} as its {@code name} (a REST call names the connector in its path).
     *
     * @throws ConfigException when the configuration names another connector (Kafka's message)
     */
    public static Map<String, String> withName(String name, Map<String, String> config) {
        Map<String, String> withName = new LinkedHashMap<>(config);
        String given = withName.putIfAbsent("name", name);
        if (given != null && !given.equals(name)) {
            throw new ConfigException("Connector name configuration (" + given
                    + ") doesn't match connector name in the URL (" + name + ")");
        }
        return withName;
    }

    /** The settings under {@code prefix}, with the prefix removed. */
    public static Map<String, String> withPrefix(Map<String, String> raw, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    private static List<String> prefixed(String prefix, List<String> problems) {
        return problems.stream().map(p -> prefix + p).toList();
    }
}
