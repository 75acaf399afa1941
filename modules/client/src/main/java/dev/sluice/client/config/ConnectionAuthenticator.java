package dev.sluice.client.config;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The step between a connection's ApiVersions exchange and its first request, where a SASL protocol logs
 * in (SaslHandshake, SaslAuthenticate). The client's network layer calls {@link #authenticate} once per
 * new connection, on its I/O thread, and sends the requests the authenticator asks for on that connection
 * alone; the connection becomes usable when the returned stage completes, and is closed (its requests
 * failed with the cause) when it completes exceptionally.
 *
 * <p>Threads: called on the client's I/O thread; {@link Exchange#send}'s futures complete there too, so an
 * authenticator that chains on them completes its stage there.
 */
@FunctionalInterface
public interface ConnectionAuthenticator {

    /** What the authenticator may do with the connection being set up. */
    interface Exchange {
        /** The broker, as {@code host:port}. */
        String broker();

        /** The highest version of {@code api} both sides speak (negotiated by ApiVersions), -1 if none. */
        short version(ApiKey api);

        /** Sends a request on this connection ahead of any other; the future holds the response body. */
        CompletableFuture<Struct> send(ApiKey api, short version, Struct body);
    }

    CompletionStage<Void> authenticate(Exchange exchange);
}
