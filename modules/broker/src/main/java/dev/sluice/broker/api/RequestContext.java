package dev.sluice.broker.api;

import dev.sluice.api.security.AuthorizableRequest;
import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.api.security.SecurityProtocol;
import dev.sluice.protocol.Request;
import dev.sluice.protocol.message.Struct;

/**
 * One request being handled, and how to answer it. Handlers may answer later from another
 * thread (long-poll fetch); exactly one of the completion methods must be called.
 */
public interface RequestContext {

    Request request();

    default short version() {
        return request().version();
    }

    default Struct body() {
        return request().body();
    }

    /** The client.id the request carried, "" if none. */
    default String clientId() {
        String id = request().header().clientId();
        return id == null ? "" : id;
    }

    /** The client's address as Kafka shows it (DescribeGroups): {@code /127.0.0.1}. */
    default String clientHost() {
        return "";
    }

    /** Who sent the request: the connection's authenticated principal, ANONYMOUS without authentication. */
    default KafkaPrincipal principal() {
        return KafkaPrincipal.ANONYMOUS;
    }

    /**
     * Who asks, as the authorizer sees it: {@link #principal()}, {@link #clientHost()}, {@link #listenerName()}
     * and {@link #clientId()}. Over the network the connection keeps it between requests.
     */
    default AuthorizableRequest authorizable() {
        return new AuthorizableRequest(principal(), clientHost(), listenerName(), clientId());
    }

    /** The listener the request arrived on ("" when not over the network, e.g. in unit tests). */
    default String listenerName() {
        return "";
    }

    /**
     * How the connection is secured: whether it came through TLS and whether its listener requires a SASL
     * login (PLAINTEXT when not over the network).
     */
    default SecurityProtocol securityProtocol() {
        return SecurityProtocol.PLAINTEXT;
    }

    /** A new, empty response body of this request's API. */
    default Struct newResponse() {
        return request().newResponse();
    }

    void respond(Struct response);

    /** Completes without a response (produce with acks=0). */
    void respondNothing();

    /** Drops the connection, e.g. to signal a failed acks=0 produce as Kafka does. */
    void closeConnection(String reason);
}
