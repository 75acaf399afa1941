package dev.sluice.broker;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStores;
import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.broker.network.NetworkRequest;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Test-only: a broker whose connections are authenticated as the user their client id names, so ACL tests
 * can act as several principals before SASL logins exist. A client id {@code as-alice} or {@code as-alice-…}
 * makes the connection {@code User:alice} (through {@link NetworkRequest#authenticatedAs}, the seam a real
 * login uses); any other client id stays {@code User:ANONYMOUS}. The handlers only see
 * {@code RequestContext.principal()}, however it was set.
 */
public final class PrincipalsByClientId {
    public static final String PREFIX = "as-";

    private PrincipalsByClientId() {
    }

    /** The client id that makes a connection {@code User:name}. */
    public static String clientIdOf(String user, String suffix) {
        return PREFIX + user + "-" + suffix;
    }

    public static Broker start(BrokerConfig config) throws IOException {
        return Broker.start(config, Time.SYSTEM, Scheduler::newThread, settings -> ClusterMetadataStores.open(settings, Time.SYSTEM),
                kafka -> request -> {
                    String user = userOf(request.payload());
                    if (user != null) {
                        request.authenticatedAs(KafkaPrincipal.user(user));
                    }
                    kafka.handle(request);
                });
    }

    /** The user an {@code as-<user>[-…]} client id names, read from the request header without consuming it. */
    static String userOf(ByteBuffer payload) {
        int at = payload.position() + 8; // api key, version, correlation id
        if (payload.limit() < at + 2) {
            return null;
        }
        short length = payload.getShort(at);
        if (length <= PREFIX.length() || payload.limit() < at + 2 + length) {
            return null;
        }
        byte[] bytes = new byte[length];
        payload.get(at + 2, bytes);
        String clientId = new String(bytes, StandardCharsets.UTF_8);
        if (!clientId.startsWith(PREFIX)) {
            return null;
        }
        String rest = clientId.substring(PREFIX.length());
        int dash = rest.indexOf('-');
        return dash < 0 ? rest : rest.substring(0, dash);
    }
}
