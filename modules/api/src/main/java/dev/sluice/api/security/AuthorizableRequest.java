package dev.sluice.api.security;

import java.util.Objects;

/**
 * Who asks, as an authorizer sees a request: the connection's principal, the client's IP address
 * (text without a leading '/', "" when unknown), the listener it came in on and its client id.
 * Immutable; any thread.
 */
public record AuthorizableRequest(KafkaPrincipal principal, String clientHost, String listenerName, String clientId) {
    public AuthorizableRequest {
        Objects.requireNonNull(principal, "principal");
        clientHost = clientHost == null ? "" : clientHost.startsWith("/") ? clientHost.substring(1) : clientHost;
        listenerName = listenerName == null ? "" : listenerName;
        clientId = clientId == null ? "" : clientId;
    }
}
