package dev.sluice.client.admin;

import dev.sluice.api.config.ConfigDef;
import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;
import dev.sluice.client.config.ClientConfig;
import dev.sluice.client.config.ConfigReader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * How a {@link SluiceAdmin} connects and how long its operations may take.
 *
 * @param client              network settings shared with other clients
 * @param defaultApiTimeoutMs {@code default.api.timeout.ms}: an operation's total budget, retries included
 */
public record AdminConfig(ClientConfig client, long defaultApiTimeoutMs) {

    public static AdminConfig from(Properties properties) {
        return read(ConfigReader.of(properties));
    }

    public static AdminConfig from(Map<String, ?> settings) {
        return read(ConfigReader.of(settings));
    }

    /** The common case: just the bootstrap servers. */
    public static AdminConfig of(String bootstrapServers) {
        return from(Map.of("bootstrap.servers", bootstrapServers));
    }

    /** Every admin setting, defined once (Kafka's names and defaults). */
    public static final ConfigDef DEF = ConfigDef.of(Stream.concat(ClientConfig.keys("sluice-admin", 100).stream(),
            Stream.of(ConfigKey.of("default.api.timeout.ms", ConfigType.LONG, 60_000L, Validator.atLeast(1),
                    "an operation's total budget, retries included"))).toList());

    private static AdminConfig read(ConfigReader r) {
        ConfigValues v = r.parse(DEF);
        ClientConfig client = ClientConfig.from(v, r);
        AdminConfig config = new AdminConfig(client, v.getLong("default.api.timeout.ms"));
        r.finish("admin");
        return config;
    }

    /** Any settings by Kafka name; {@link #build()} validates them. */
    public static final class Builder {
        private final Map<String, Object> settings = new LinkedHashMap<>();

        public Builder set(String key, Object value) {
            settings.put(key, value);
            return this;
        }

        public AdminConfig build() {
            return from(settings);
        }
    }

    public static Builder builder() {
        return new Builder();
    }
}
