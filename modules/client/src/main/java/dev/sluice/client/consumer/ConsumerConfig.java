package dev.sluice.client.consumer;

import dev.sluice.client.config.ClientConfig;
import dev.sluice.client.config.ConfigReader;

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
 */
public record ConsumerConfig(ClientConfig client, GroupSettings group, OffsetResetStrategy autoOffsetReset,
                             int maxPollRecords, int fetchMinBytes, int fetchMaxWaitMs, int maxPartitionFetchBytes,
                             int fetchMaxBytes, long defaultApiTimeoutMs, boolean allowAutoCreateTopics) {

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

    private static ConsumerConfig read(ConfigReader r) {
        ClientConfig client = ClientConfig.read(r, "sluice-consumer", 100);
        String reset = r.choice("auto.offset.reset", "latest", "earliest", "latest", "none");
        String isolation = r.choice("isolation.level", "read_uncommitted", "read_uncommitted", "read_committed");
        if (isolation.equals("read_committed")) {
            r.problem("isolation.level=read_committed is not supported yet (transactions are not)");
        }
        r.ignore(IGNORED);
        ConsumerConfig config = new ConsumerConfig(client, GroupSettings.read(r),
                OffsetResetStrategy.valueOf(reset.toUpperCase(Locale.ROOT)),
                r.intValue("max.poll.records", 500, 1, Integer.MAX_VALUE),
                r.intValue("fetch.min.bytes", 1, 0, Integer.MAX_VALUE),
                r.intValue("fetch.max.wait.ms", 500, 0, Integer.MAX_VALUE),
                r.intValue("max.partition.fetch.bytes", 1024 * 1024, 0, Integer.MAX_VALUE),
                r.intValue("fetch.max.bytes", 50 * 1024 * 1024, 0, Integer.MAX_VALUE),
                r.longValue("default.api.timeout.ms", 60_000, 0, Long.MAX_VALUE),
                r.bool("allow.auto.create.topics", true));
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
