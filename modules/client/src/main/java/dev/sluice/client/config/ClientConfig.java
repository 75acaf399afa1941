package dev.sluice.client.config;

import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;

import java.util.List;

/**
 * Settings every Sluice client shares (Kafka names in parentheses): where to connect and how the
 * network layer behaves. Immutable; built by each client's own config.
 *
 * @param bootstrapServers       host:port pairs to discover the cluster from ({@code bootstrap.servers})
 * @param clientId               sent in every request header ({@code client.id})
 * @param requestTimeoutMs       a request with no response by then fails ({@code request.timeout.ms})
 * @param retryBackoffMs         wait before retrying a failed request ({@code retry.backoff.ms})
 * @param reconnectBackoffMs     first wait before reconnecting ({@code reconnect.backoff.ms})
 * @param reconnectBackoffMaxMs  cap of the exponential reconnect backoff ({@code reconnect.backoff.max.ms})
 * @param metadataMaxAgeMs       refresh metadata at least this often ({@code metadata.max.age.ms})
 * @param maxInFlightPerConnection pipelined requests per connection
 *                               ({@code max.in.flight.requests.per.connection})
 */
public record ClientConfig(List<String> bootstrapServers, String clientId, int requestTimeoutMs,
                           long retryBackoffMs, long reconnectBackoffMs, long reconnectBackoffMaxMs,
                           long metadataMaxAgeMs, int maxInFlightPerConnection) {

    /** Kafka keys that do not change a PLAINTEXT client's behaviour here. */
    public static final List<String> IGNORED_KAFKA_KEYS = List.of(
            "client.dns.lookup", "connections.max.idle.ms", "send.buffer.bytes", "receive.buffer.bytes",
            "metric.reporters", "metrics.num.samples", "metrics.recording.level", "metrics.sample.window.ms",
            "auto.include.jmx.reporter", "enable.metrics.push", "socket.connection.setup.timeout.ms",
            "socket.connection.setup.timeout.max.ms", "retry.backoff.max.ms", "interceptor.classes",
            "client.rack", "metadata.recovery.strategy", "metadata.recovery.rebootstrap.trigger.ms");

    public ClientConfig {
        bootstrapServers = List.copyOf(bootstrapServers);
    }

    /**
     * The settings every client has; {@code client.id} and {@code max.in.flight.requests.per.connection}
     * default differently per client.
     */
    public static List<ConfigKey> keys(String defaultClientId, int defaultMaxInFlight) {
        return List.of(
                ConfigKey.of("bootstrap.servers", ConfigType.LIST, null, null,
                        "host:port pairs to discover the cluster from (required)"),
                ConfigKey.of("client.id", ConfigType.STRING, defaultClientId, null, "sent in every request header"),
                ConfigKey.of("request.timeout.ms", ConfigType.INT, 30_000, Validator.atLeast(1),
                        "a request with no response by then fails"),
                ConfigKey.of("retry.backoff.ms", ConfigType.LONG, 100L, Validator.atLeast(0), "wait before retrying a failed request"),
                ConfigKey.of("reconnect.backoff.ms", ConfigType.LONG, 50L, Validator.atLeast(0), "first wait before reconnecting"),
                ConfigKey.of("reconnect.backoff.max.ms", ConfigType.LONG, 1000L, Validator.atLeast(0),
                        "cap of the exponential reconnect backoff"),
                ConfigKey.of("metadata.max.age.ms", ConfigType.LONG, 300_000L, Validator.atLeast(0),
                        "refresh metadata at least this often"),
                ConfigKey.of("max.in.flight.requests.per.connection", ConfigType.INT, defaultMaxInFlight, Validator.atLeast(1),
                        "pipelined requests per connection"),
                ConfigKey.of("security.protocol", ConfigType.STRING, "PLAINTEXT", null, "only PLAINTEXT is supported"));
    }

    /** The shared settings out of a client's parsed values (defined by {@link #keys}). */
    public static ClientConfig from(ConfigValues v, ConfigReader r) {
        List<String> bootstrap = v.get("bootstrap.servers") == null ? List.of() : v.getList("bootstrap.servers");
        if (bootstrap.isEmpty()) {
            r.problem("bootstrap.servers is required (host:port[,host:port...])");
        }
        for (String server : bootstrap) {
            int colon = server.lastIndexOf(':');
            boolean ok = colon > 0;
            if (ok) {
                try {
                    int port = Integer.parseInt(server.substring(colon + 1));
                    ok = port > 0 && port < 65536;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            }
            if (!ok) {
                r.problem("bootstrap.servers entry '" + server + "' is not host:port");
            }
        }
        String protocol = v.getString("security.protocol");
        if (!protocol.equalsIgnoreCase("PLAINTEXT")) {
            r.problem("security.protocol=" + protocol + " is not supported (only PLAINTEXT)");
        }
        r.ignore(IGNORED_KAFKA_KEYS);
        return new ClientConfig(bootstrap, v.getString("client.id"), v.getInt("request.timeout.ms"),
                v.getLong("retry.backoff.ms"), v.getLong("reconnect.backoff.ms"), v.getLong("reconnect.backoff.max.ms"),
                v.getLong("metadata.max.age.ms"), v.getInt("max.in.flight.requests.per.connection"));
    }
}
