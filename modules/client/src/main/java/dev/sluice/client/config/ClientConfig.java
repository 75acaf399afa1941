package dev.sluice.client.config;

import dev.sluice.api.config.ConfigKey;
import dev.sluice.api.config.ConfigType;
import dev.sluice.api.config.ConfigValues;
import dev.sluice.api.config.Validator;
import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.protocol.sasl.SaslClientSettings;
import dev.sluice.protocol.tls.TlsSettings;

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
 * @param security               {@code security.protocol} and the {@code ssl.*} settings
 */
public record ClientConfig(List<String> bootstrapServers, String clientId, int requestTimeoutMs,
                           long retryBackoffMs, long reconnectBackoffMs, long reconnectBackoffMaxMs,
                           long metadataMaxAgeMs, int maxInFlightPerConnection, ClientSecurity security) {

    /** The security protocols this client speaks. */
    static final java.util.Set<SecurityProtocol> SERVED = java.util.EnumSet.allOf(SecurityProtocol.class);

    /** Kafka keys that do not change a PLAINTEXT client's behaviour here. */
    public static final List<String> IGNORED_KAFKA_KEYS = List.of(
            "client.dns.lookup", "connections.max.idle.ms", "send.buffer.bytes", "receive.buffer.bytes",
            "metric.reporters", "metrics.num.samples", "metrics.recording.level", "metrics.sample.window.ms",
            "auto.include.jmx.reporter", "enable.metrics.push", "socket.connection.setup.timeout.ms",
            "socket.connection.setup.timeout.max.ms", "retry.backoff.max.ms", "interceptor.classes",
            "client.rack", "metadata.recovery.strategy", "metadata.recovery.rebootstrap.trigger.ms");

    public ClientConfig {
        bootstrapServers = List.copyOf(bootstrapServers);
        java.util.Objects.requireNonNull(security, "security");
    }

    /** A PLAINTEXT client. */
    public ClientConfig(List<String> bootstrapServers, String clientId, int requestTimeoutMs, long retryBackoffMs,
                        long reconnectBackoffMs, long reconnectBackoffMaxMs, long metadataMaxAgeMs,
                        int maxInFlightPerConnection) {
        this(bootstrapServers, clientId, requestTimeoutMs, retryBackoffMs, reconnectBackoffMs, reconnectBackoffMaxMs,
                metadataMaxAgeMs, maxInFlightPerConnection, ClientSecurity.PLAINTEXT);
    }

    /** The same settings secured as {@code s} says. */
    public ClientConfig withSecurity(ClientSecurity s) {
        return new ClientConfig(bootstrapServers, clientId, requestTimeoutMs, retryBackoffMs, reconnectBackoffMs,
                reconnectBackoffMaxMs, metadataMaxAgeMs, maxInFlightPerConnection, s);
    }

    /**
     * The settings every client has; {@code client.id} and {@code max.in.flight.requests.per.connection}
     * default differently per client.
     */
    public static List<ConfigKey> keys(String defaultClientId, int defaultMaxInFlight) {
        List<ConfigKey> keys = new java.util.ArrayList<>(List.of(
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
                ConfigKey.of("security.protocol", ConfigType.STRING, "PLAINTEXT", null,
                        "PLAINTEXT, SSL (TLS with the ssl.* settings), SASL_PLAINTEXT or SASL_SSL"),
                ConfigKey.of("sasl.mechanism", ConfigType.STRING, "GSSAPI", null,
                        "SASL mechanism of SASL_PLAINTEXT/SASL_SSL: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512"),
                ConfigKey.of("sasl.jaas.config", ConfigType.STRING, null, null, "the login: "
                        + "org.apache.kafka.common.security.plain.PlainLoginModule (or scram.ScramLoginModule) required "
                        + "username=\"...\" password=\"...\";")));
        keys.addAll(TlsSettings.keys(false));
        return List.copyOf(keys);
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
        String protocolName = v.getString("security.protocol");
        SecurityProtocol protocol = SecurityProtocol.byName(protocolName).orElse(null);
        ClientSecurity security = ClientSecurity.PLAINTEXT;
        if (protocol == null || !SERVED.contains(protocol)) {
            r.problem("security.protocol=" + protocolName + " is not supported (" + SERVED + ")");
        } else if (protocol.usesTls() || protocol.usesSasl()) {
            SaslLogin login = null;
            if (protocol.usesSasl()) {
                try {
                    login = new SaslLogin(SaslClientSettings.from(v.getString("sasl.mechanism"), v.getString("sasl.jaas.config")));
                } catch (IllegalArgumentException e) {
                    r.problem(e.getMessage());
                }
            }
            security = new ClientSecurity(protocol, protocol.usesTls() ? TlsSettings.from(v) : null, login);
        }
        r.ignore(IGNORED_KAFKA_KEYS);
        return new ClientConfig(bootstrap, v.getString("client.id"), v.getInt("request.timeout.ms"),
                v.getLong("retry.backoff.ms"), v.getLong("reconnect.backoff.ms"), v.getLong("reconnect.backoff.max.ms"),
                v.getLong("metadata.max.age.ms"), v.getInt("max.in.flight.requests.per.connection"), security);
    }
}
