package dev.sluice.client.network;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

/**
 * The ApiVersions exchange that opens every connection, before any other version is known: the
 * request at a fixed version, and what its response means. A broker older than our ApiVersions
 * answers UNSUPPORTED_VERSION listing the versions it speaks; we retry at the highest of those
 * below the one refused.
 *
 * <p>Threads: stateless; used on the client's I/O thread.
 */
final class VersionHandshake {
    private static final String SOFTWARE_NAME = "sluice-java";
    private static final String SOFTWARE_VERSION = "0.1.0";

    /** What an ApiVersions response means for the connection. */
    sealed interface Outcome {
        /** Negotiated: the connection is ready. */
        record Ready(ApiVersions versions) implements Outcome {
        }

        /** The broker refused our version: ask again at {@code version}. */
        record Retry(short version) implements Outcome {
        }

        /** Any other error: the connection cannot be used. */
        record Failed(Errors error) implements Outcome {
        }
    }

    private VersionHandshake() {
    }

    /** The connection's ApiVersions request at {@code version}. */
    static ClientRequest request(short version, long deadlineMs) {
        ClientRequest request = new ClientRequest(ApiKey.API_VERSIONS, v -> {
            Struct body = ApiKey.API_VERSIONS.newRequest();
            if (v >= 3) {
                body.set("ClientSoftwareName", SOFTWARE_NAME).set("ClientSoftwareVersion", SOFTWARE_VERSION);
            }
            return body;
        }, true, deadlineMs);
        request.fixedVersion = version;
        return request;
    }

    /** The meaning of {@code body}, the response to {@code request}. */
    static Outcome outcome(ClientRequest request, Struct body) {
        short error = body.getShort("ErrorCode");
        if (error == Errors.UNSUPPORTED_VERSION.code() && request.fixedVersion > 0) {
            short brokerMax = 0; // the broker lists the ApiVersions versions it does speak
            for (Struct entry : body.getArray("ApiKeys")) {
                if (entry.getShort("ApiKey") == ApiKey.API_VERSIONS.id()) {
                    brokerMax = (short) Math.min(entry.getShort("MaxVersion"), request.fixedVersion - 1);
                }
            }
            return new Outcome.Retry(brokerMax);
        }
        if (error != 0) {
            return new Outcome.Failed(Errors.forCode(error));
        }
        return new Outcome.Ready(ApiVersions.negotiate(body));
    }
}
