package dev.sluice.client.admin;

import dev.sluice.client.config.ClientConfig;
import dev.sluice.client.config.ConfigReader;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

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

    private static AdminConfig read(ConfigReader r) {
        ClientConfig client = ClientConfig.read(r, "sluice-admin", 100);
        AdminConfig config = new AdminConfig(client, r.longValue("default.api.timeout.ms", 60_000, 1, Long.MAX_VALUE));
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
