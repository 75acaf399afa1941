package dev.sluice.client.consumer;

import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;
import dev.sluice.client.config.ClientConfig;
import dev.sluice.client.config.ConfigReader;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Everything a {@link SluiceConsumer} is configured with, under Kafka's names and defaults.
 *
 * @param client                network settings shared with other clients
 * @param group                 consumer-group settings ({@code group.id} and friends)
 * @param autoOffsetReset       {@code auto.offset.reset}: earliest, latest (default) or none
 * @param maxPollRecords        {@code max.poll.records}: records per poll (500)
 * @param fetchMinBytes         {@code fetch.min.bytes}: the broker waits for this much data (1)
 * @param fetchMaxWaitMs        {@code fetch.max.wait.ms}: ...or this long (500)
 * @param maxPartitionFetchBytes {@code max.partition.fetch.bytes}: per partition per fetch (1 MiB)
 * @param fetchMaxBytes         {@code fetch.max.bytes}: per fetch response (50 MiB)
 * @param defaultApiTimeoutMs   {@code default.api.timeout.ms}: bound on blocking calls (60 s)
 * @param allowAutoCreateTopics {@code allow.auto.create.topics}
 * @param readCommitted         {@code isolation.level=read_committed}: only committed transactions' records
 *                              (and those of no transaction), up to the last stable offset; default
 *                              read_uncommitted: everything up to the high watermark
 */
public record ConsumerConfig(ClientConfig client, GroupSettings group, OffsetResetStrategy autoOffsetReset,
                             int maxPollRecords, int fetchMinBytes, int fetchMaxWaitMs, int maxPartitionFetchBytes,
                             int fetchMaxBytes, long defaultApiTimeoutMs, boolean allowAutoCreateTopics,
                             boolean readCommitted) {

    /** Kafka consumer keys accepted without effect. */
    private static final List<String> IGNORED = List.of("key.deserializer", "value.deserializer",
            "group.remote.assignor", "check.crcs", "exclude.internal.topics", "client.rack");

    public static ConsumerConfig from(Properties properties) {
        return read(ConfigReader.of(properties));
    }

    public static ConsumerConfig from(Map<String, ?> settings) {
        return read(ConfigReader.of(settings));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every consumer setting, defined once (Kafka's names and defaults). */
    public static final ConfigDef DEF;

    static {
        List<ConfigKey> keys = new ArrayList<>(ClientConfig.keys("sluice-consumer", 100));
        keys.addAll(GroupSettings.KEYS);
        keys.addAll(List.of(
                ConfigKey.of("auto.offset.reset", ConfigType.STRING, "latest", Validator.oneOf("earliest", "latest", "none"),
                        "where to start without a committed offset"),
                ConfigKey.of("isolation.level", ConfigType.STRING, "read_uncommitted",
                        Validator.oneOf("read_uncommitted", "read_committed"),
                        "read_committed: records of committed transactions only, never of aborted ones"),
                ConfigKey.of("max.poll.records", ConfigType.INT, 500, Validator.atLeast(1), "records per poll"),
                ConfigKey.of("fetch.min.bytes", ConfigType.INT, 1, Validator.atLeast(0), "the broker waits for this much data"),
                ConfigKey.of("fetch.max.wait.ms", ConfigType.INT, 500, Validator.atLeast(0), "...or this long"),
                ConfigKey.of("max.partition.fetch.bytes", ConfigType.INT, 1024 * 1024, Validator.atLeast(0),
                        "per partition per fetch"),
                ConfigKey.of("fetch.max.bytes", ConfigType.INT, 50 * 1024 * 1024, Validator.atLeast(0), "per fetch response"),
                ConfigKey.of("default.api.timeout.ms", ConfigType.LONG, 60_000L, Validator.atLeast(0), "bound on blocking calls"),
                ConfigKey.of("allow.auto.create.topics", ConfigType.BOOLEAN, true, null,
                        "subscribing to a missing topic may create it")));
        DEF = ConfigDef.of(keys);
    }

    private static ConsumerConfig read(ConfigReader r) {
        ConfigValues v = r.parse(DEF);
        ClientConfig client = ClientConfig.from(v, r);
        r.ignore(IGNORED);
        ConsumerConfig config = new ConsumerConfig(client, GroupSettings.read(v, r),
                OffsetResetStrategy.valueOf(v.getString("auto.offset.reset").toUpperCase(Locale.ROOT)),
                v.getInt("max.poll.records"), v.getInt("fetch.min.bytes"), v.getInt("fetch.max.wait.ms"),
                v.getInt("max.partition.fetch.bytes"), v.getInt("fetch.max.bytes"), v.getLong("default.api.timeout.ms"),
                v.getBoolean("allow.auto.create.topics"),
                v.getString("isolation.level").equalsIgnoreCase("read_committed"));
        r.finish("consumer");
        return config;
    }

    /** {@code group.id}, or null. */
    public String groupId() {
        return group.groupId();
    }

    /** Fluent settings under Kafka's names; {@link #build()} validates them all at once. */
    public static final class Builder {
        private final Map<String, Object> settings = new LinkedHashMap<>();

        public Builder bootstrapServers(String servers) {
            return set("bootstrap.servers", servers);
        }

        public Builder autoOffsetReset(OffsetResetStrategy strategy) {
            return set("auto.offset.reset", strategy.name().toLowerCase(Locale.ROOT));
        }

        public Builder maxPollRecords(int records) {
            return set("max.poll.records", records);
        }

        public Builder fetchMaxWaitMs(int ms) {
            return set("fetch.max.wait.ms", ms);
        }

        public Builder maxPartitionFetchBytes(int bytes) {
            return set("max.partition.fetch.bytes", bytes);
        }

        /** {@code read_committed} or {@code read_uncommitted}. */
        public Builder isolationLevel(String level) {
            return set("isolation.level", level);
        }

        public Builder groupId(String groupId) {
            return set("group.id", groupId);
        }

        /** Any setting by its Kafka name. */
        public Builder set(String key, Object value) {
            settings.put(key, value);
            return this;
        }

        public ConsumerConfig build() {
            return from(settings);
        }
    }
}
