package dev.sluice.connect.runtime;

import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;
import dev.sluice.connect.api.PluginConfigDef;

import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A worker's settings (Kafka Connect's names; {@code producer.}, {@code consumer.} and {@code admin.}
 * prefixes pass settings to the worker's clients). Immutable; any thread.
 *
 * @param raw    the settings as given
 * @param values the defined ones, typed
 */
public record WorkerConfig(Map<String, String> raw, ConfigValues values) {

    static final PluginConfigDef COMMON = PluginConfigDef.builder()
            .required("bootstrap.servers", ConfigType.LIST, Validator.nonEmptyList(), "the brokers to talk to")
            .optional("key.converter", ConfigType.STRING, "org.apache.kafka.connect.json.JsonConverter", null,
                    "the converter of record keys")
            .optional("value.converter", ConfigType.STRING, "org.apache.kafka.connect.json.JsonConverter", null,
                    "the converter of record values")
            .optional("offset.flush.interval.ms", ConfigType.LONG, 60_000L, Validator.atLeast(1),
                    "how often tasks commit their offsets")
            .optional("task.shutdown.graceful.timeout.ms", ConfigType.LONG, 5_000L, Validator.atLeast(0),
                    "how long a stopping task may take")
            .optional("listeners", ConfigType.LIST, List.of("http://:8083"), null, "the REST interface's address")
            .optional("rest.advertised.host.name", ConfigType.STRING, null, null, "the host other workers reach")
            .optional("rest.advertised.port", ConfigType.INT, null, null, "the port other workers reach")
            .optional("plugin.path", ConfigType.LIST, List.of(), null,
                    "ignored: plugins are modules on the module path (SLUICE_PLUGINS)")
            .optional("client.id", ConfigType.STRING, "connect", null, "prefix of the clients' ids")
            // standalone
            .optional("offset.storage.file.filename", ConfigType.STRING, null, null,
                    "standalone: the file source offsets are kept in")
            // distributed
            .optional("group.id", ConfigType.STRING, null, null, "distributed: the cluster's group")
            .optional("config.storage.topic", ConfigType.STRING, null, null, "distributed: connector configurations")
            .optional("offset.storage.topic", ConfigType.STRING, null, null, "distributed: source offsets")
            .optional("status.storage.topic", ConfigType.STRING, null, null, "distributed: statuses")
            .optional("config.storage.replication.factor", ConfigType.SHORT, (short) 3, Validator.atLeast(1), "")
            .optional("offset.storage.replication.factor", ConfigType.SHORT, (short) 3, Validator.atLeast(1), "")
            .optional("status.storage.replication.factor", ConfigType.SHORT, (short) 3, Validator.atLeast(1), "")
            .optional("offset.storage.partitions", ConfigType.INT, 25, Validator.atLeast(1), "")
            .optional("status.storage.partitions", ConfigType.INT, 5, Validator.atLeast(1), "")
            .optional("session.timeout.ms", ConfigType.INT, 10_000, Validator.atLeast(1),
                    "distributed: a worker silent this long is dropped and its tasks move")
            .optional("heartbeat.interval.ms", ConfigType.INT, 3_000, Validator.atLeast(1), "distributed")
            .build();
    static final PluginConfigDef STANDALONE = COMMON.requiring("offset.storage.file.filename");
    static final PluginConfigDef DISTRIBUTED = COMMON.requiring("group.id", "config.storage.topic",
            "offset.storage.topic", "status.storage.topic");

    /**
     * A standalone worker's settings.
     *
     * @throws dev.sluice.connect.api.ConfigException listing every problem
     */
    public static WorkerConfig standalone(Map<String, String> raw) {
        return new WorkerConfig(Map.copyOf(raw), STANDALONE.parse(raw));
    }

    /**
     * A distributed worker's settings.
     *
     * @throws dev.sluice.connect.api.ConfigException listing every problem
     */
    public static WorkerConfig distributed(Map<String, String> raw) {
        return new WorkerConfig(Map.copyOf(raw), DISTRIBUTED.parse(raw));
    }

    public String bootstrapServers() {
        return String.join(",", values.getList("bootstrap.servers"));
    }

    public long offsetFlushIntervalMs() {
        return values.getLong("offset.flush.interval.ms");
    }

    /** Settings for a client: bootstrap.servers plus everything under {@code prefix} (e.g. {@code producer.}). */
    public Properties clientProperties(String prefix) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrapServers());
        ConnectorConfig.withPrefix(raw, prefix).forEach(p::put);
        return p;
    }
}
