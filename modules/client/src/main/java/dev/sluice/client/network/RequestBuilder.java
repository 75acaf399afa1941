package dev.sluice.client.network;

import dev.sluice.protocol.message.Struct;

/**
 * Builds a request body once the version is known: it is called on the I/O thread when the
 * request is about to be written, after ApiVersions negotiation on that connection.
 */
@FunctionalInterface
public interface RequestBuilder {
    Struct build(short version);

    /** The highest version this request may go out at (the negotiated version is capped to it). */
    default short maxVersion() {
        return Short.MAX_VALUE;
    }

    /**
     * {@code builder} sent at {@code maxVersion} or below: for requests whose newer versions change
     * meaning, e.g. a transactional Produce above v11 or EndTxn above v4 announce Kafka's
     * transactions v2 (KIP-890), which a v1 transactional producer must not.
     */
    static RequestBuilder capped(short maxVersion, RequestBuilder builder) {
        return new RequestBuilder() {
            @Override
            public Struct build(short version) {
                return builder.build(version);
            }

            @Override
            public short maxVersion() {
                return maxVersion;
            }
        };
    }
}
