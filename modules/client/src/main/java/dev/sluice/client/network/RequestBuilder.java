package dev.sluice.client.network;

import dev.sluice.protocol.message.Struct;

/**
 * Builds a request body once the version is known: it is called on the I/O thread when the
 * request is about to be written, after ApiVersions negotiation on that connection.
 */
@FunctionalInterface
public interface RequestBuilder {
    Struct build(short version);
}
