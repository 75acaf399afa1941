package dev.sluice.client.network;

import dev.sluice.protocol.ApiKey;

import java.util.concurrent.CompletableFuture;

/**
 * One request on its way: queued on a connection, being written, or awaiting its response.
 *
 * <p>Threads: created on the caller's thread; its mutable fields are set on the I/O thread only;
 * the future completes on the I/O thread.
 */
final class ClientRequest {
    final ApiKey api;
    final RequestBuilder builder;
    final boolean expectResponse;
    final long deadlineMs;
    final CompletableFuture<Response> future = new CompletableFuture<>();
    /** Set for the connection's own ApiVersions request, sent before versions are known. */
    short fixedVersion = -1;
    /** A request of the connection's authenticator (SASL): its answer goes back to it, not to a caller. */
    boolean authentication;
    short version;
    int correlationId;

    ClientRequest(ApiKey api, RequestBuilder builder, boolean expectResponse, long deadlineMs) {
        this.api = api;
        this.builder = builder;
        this.expectResponse = expectResponse;
        this.deadlineMs = deadlineMs;
    }
}
