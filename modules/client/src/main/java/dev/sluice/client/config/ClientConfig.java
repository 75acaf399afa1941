package dev.sluice.client.config;

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

    /** Reads the shared keys; {@code defaultMaxInFlight} differs per client. */
    public static ClientConfig read(ConfigReader r, String defaultClientId, int defaultMaxInFlight) {
        List<String> bootstrap = r.list("bootstrap.servers", List.of());
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
        String protocol = r.string("security.protocol", "PLAINTEXT");
        if (!protocol.equalsIgnoreCase("PLAINTEXT")) {
            r.problem("security.protocol=" + protocol + " is not supported (only PLAINTEXT)");
        }
        r.ignore(IGNORED_KAFKA_KEYS);
        return new ClientConfig(bootstrap,
                r.string("client.id", defaultClientId),
                r.intValue("request.timeout.ms", 30_000, 1, Integer.MAX_VALUE),
                r.longValue("retry.backoff.ms", 100, 0, Long.MAX_VALUE),
                r.longValue("reconnect.backoff.ms", 50, 0, Long.MAX_VALUE),
                r.longValue("reconnect.backoff.max.ms", 1000, 0, Long.MAX_VALUE),
                r.longValue("metadata.max.age.ms", 300_000, 0, Long.MAX_VALUE),
                r.intValue("max.in.flight.requests.per.connection", defaultMaxInFlight, 1, Integer.MAX_VALUE));
    }
}
