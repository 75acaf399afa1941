package dev.sluice.streams;

import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigNames;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;
import dev.sluice.client.consumer.ConsumerConfig;
import dev.sluice.client.producer.ProducerConfig;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.serde.Serdes;
import dev.sluice.streams.state.StoreType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A Sluice Streams application's settings, under Kafka Streams' names. Client settings pass through:
 * {@code consumer.}/{@code producer.}/{@code admin.} prefixed keys go to that client, and an unprefixed
 * key a client knows (e.g. {@code session.timeout.ms}) to every client knowing it.
 *
 * @param applicationId       {@code application.id}: the consumer group, the prefix of internal topics
 * @param bootstrapServers    {@code bootstrap.servers}
 * @param defaultKeySerde     {@code default.key.serde}: a serde name ({@link Serdes#byName}) or instance (bytes)
 * @param defaultValueSerde   {@code default.value.serde}
 * @param guarantee           {@code processing.guarantee}: at_least_once (default), exactly_once / exactly_once_v2
 * @param commitIntervalMs    {@code commit.interval.ms}: 30000, or 100 with exactly-once (Kafka's defaults)
 * @param numStandbyReplicas  {@code num.standby.replicas}: warm copies of each task's stores on other instances
 * @param stateDir            {@code state.dir}: where LMDB stores live ({@code <dir>/<application.id>/<task>/<store>})
 * @param defaultStoreType    {@code default.dsl.store}: in_memory (default) or lmdb
 * @param replicationFactor   {@code replication.factor} of internal topics (-1: the broker's default)
 * @param applicationServer   {@code application.server}: host:port other instances are told for interactive queries
 * @param clientOverrides     settings for the clients, by client: consumer, producer, admin
 */
public record StreamsConfig(String applicationId, String bootstrapServers, Serde<?> defaultKeySerde,
                            Serde<?> defaultValueSerde, ProcessingGuarantee guarantee, long commitIntervalMs,
                            int numStandbyReplicas, Path stateDir, StoreType defaultStoreType, int replicationFactor,
                            String applicationServer, Map<String, Map<String, Object>> clientOverrides) {

    public static final ConfigDef DEF = ConfigDef.of(List.of(
            ConfigKey.of("application.id", ConfigType.STRING, null, null, "the consumer group and internal topic prefix"),
            ConfigKey.of("bootstrap.servers", ConfigType.STRING, null, null, "brokers to connect to first"),
            ConfigKey.of("default.key.serde", ConfigType.STRING, "bytes", null, "serde name for keys without one"),
            ConfigKey.of("default.value.serde", ConfigType.STRING, "bytes", null, "serde name for values without one"),
            ConfigKey.of("processing.guarantee", ConfigType.STRING, "at_least_once",
                    Validator.oneOf("at_least_once", "exactly_once", "exactly_once_v2"), "at-least-once or exactly-once"),
            ConfigKey.of("commit.interval.ms", ConfigType.LONG, null, null, "commit period (30000; 100 exactly-once)"),
            ConfigKey.of("num.standby.replicas", ConfigType.INT, 0, Validator.atLeast(0), "warm copies of each task's state"),
            ConfigKey.of("state.dir", ConfigType.STRING, System.getProperty("java.io.tmpdir") + "/sluice-streams", null,
                    "directory of persistent stores"),
            ConfigKey.of("default.dsl.store", ConfigType.STRING, "in_memory", Validator.oneOf("in_memory", "lmdb", "rocksDB"),
                    "store type of DSL stores (rocksDB means lmdb here)"),
            ConfigKey.of("replication.factor", ConfigType.INT, -1, null, "replication factor of internal topics"),
            ConfigKey.of("application.server", ConfigType.STRING, "", null, "host:port for interactive queries"),
            ConfigKey.of("num.stream.threads", ConfigType.INT, 1, Validator.between(1, 1), "processing threads (one)"),
            ConfigKey.of("client.id", ConfigType.STRING, "", null, "prefix of the clients' ids"),
            ConfigKey.of("statestore.cache.max.bytes", ConfigType.LONG, 0L, null, "accepted; there is no record cache"),
            ConfigKey.of("cache.max.bytes.buffering", ConfigType.LONG, 0L, null, "accepted; there is no record cache"),
            ConfigKey.of("max.task.idle.ms", ConfigType.LONG, 0L, null, "accepted; tasks process what they have")));

    private static final List<String> PREFIXES = List.of("consumer.", "main.consumer.", "restore.consumer.", "producer.", "admin.");

    public static StreamsConfig from(Properties properties) {
        Map<String, Object> map = new LinkedHashMap<>();
        properties.forEach((k, v) -> map.put(String.valueOf(k), v));
        return from(map);
    }

    public static StreamsConfig from(Map<String, ?> settings) {
        Map<String, String> raw = new LinkedHashMap<>();
        Serde<?> keySerdeObject = null;
        Serde<?> valueSerdeObject = null;
        Map<String, Map<String, Object>> clients = new LinkedHashMap<>();
        clients.put("consumer", new LinkedHashMap<>());
        clients.put("producer", new LinkedHashMap<>());
        clients.put("admin", new LinkedHashMap<>());
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, ?> e : settings.entrySet()) {
            String key = e.getKey().trim();
            Object value = e.getValue();
            if (key.equals("default.key.serde") && value instanceof Serde<?> s) {
                keySerdeObject = s;
            } else if (key.equals("default.value.serde") && value instanceof Serde<?> s) {
                valueSerdeObject = s;
            } else if (DEF.contains(key)) {
                raw.put(key, value instanceof Class<?> c ? c.getName() : String.valueOf(value));
            } else if (PREFIXES.stream().anyMatch(key::startsWith)) {
                String prefix = PREFIXES.stream().filter(key::startsWith).findFirst().orElseThrow();
                String client = prefix.equals("producer.") ? "producer" : prefix.equals("admin.") ? "admin" : "consumer";
                clients.get(client).put(key.substring(prefix.length()), value);
            } else if (ConsumerConfig.DEF.contains(key) || ProducerConfig.DEF.contains(key)) {
                if (ConsumerConfig.DEF.contains(key)) {
                    clients.get("consumer").put(key, value);
                }
                if (ProducerConfig.DEF.contains(key)) {
                    clients.get("producer").put(key, value);
                }
            } else {
                List<String> known = new ArrayList<>();
                DEF.keys().forEach(k -> known.add(k.name()));
                problems.add(ConfigNames.unknownKey(key, known));
            }
        }
        ConfigValues v = DEF.parse(raw, problems);
        Serde<?> keySerde = keySerdeObject != null ? keySerdeObject : serde(v.getString("default.key.serde"), problems);
        Serde<?> valueSerde = valueSerdeObject != null ? valueSerdeObject : serde(v.getString("default.value.serde"), problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid streams config: " + String.join("; ", problems));
        }
        ProcessingGuarantee guarantee = v.getString("processing.guarantee").startsWith("exactly_once")
                ? ProcessingGuarantee.EXACTLY_ONCE : ProcessingGuarantee.AT_LEAST_ONCE;
        Object commit = v.get("commit.interval.ms");
        long commitMs = commit != null ? (Long) commit : guarantee == ProcessingGuarantee.EXACTLY_ONCE ? 100 : 30_000;
        String store = v.getString("default.dsl.store").toLowerCase(Locale.ROOT);
        return new StreamsConfig(v.getString("application.id"), v.getString("bootstrap.servers"), keySerde, valueSerde,
                guarantee, commitMs, v.getInt("num.standby.replicas"), Path.of(v.getString("state.dir")),
                store.equals("in_memory") ? StoreType.IN_MEMORY : StoreType.LMDB, v.getInt("replication.factor"),
                v.getString("application.server"), clients);
    }

    private static Serde<?> serde(String name, List<String> problems) {
        return Serdes.byName(name).orElseGet(() -> {
            problems.add("no serde named " + name + " (known: " + Serdes.names() + ")");
            return null;
        });
    }
}
