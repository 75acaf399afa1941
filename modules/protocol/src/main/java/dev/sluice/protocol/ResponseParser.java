package dev.sluice.protocol;

import dev.sluice.protocol.message.MessageCodec;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.wire.ByteReader;

import java.nio.ByteBuffer;

/** Parses a response frame (after the size prefix) of a known API and version: the client side. */
public final class ResponseParser {
    private ResponseParser() {
    }

    /** A parsed response: the correlation id from its header and the body. */
    public record Response(int correlationId, Struct body) {
    }

    public static Response parse(ByteBuffer frame, ApiKey api, short version) {
        ByteReader in = new ByteReader(frame);
        int correlationId = Headers.readResponse(in, api.responseHeaderVersion(version));
        return new Response(correlationId, MessageCodec.read(api.responseSchema(), version, in));
    }
}
