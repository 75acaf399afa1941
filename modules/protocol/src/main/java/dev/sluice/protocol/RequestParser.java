package dev.sluice.protocol;

import dev.sluice.protocol.message.MessageCodec;
import dev.sluice.protocol.wire.ByteReader;

import java.nio.ByteBuffer;

/**
 * Parses one request frame (the bytes after the int32 size prefix): header, then body. Body
 * bytes and records fields stay slices of {@code frame}, so the frame must not be reused while the
 * request is in use.
 */
public final class RequestParser {
    private RequestParser() {
    }

    /**
     * @throws UnsupportedVersionException for an unknown API key or unsupported version (with the header)
     * @throws ProtocolException           for malformed bytes (with the header once it was read)
     */
    public static Request parse(ByteBuffer frame) {
        if (frame.remaining() < 4) {
            throw new ProtocolException("request of " + frame.remaining() + " bytes is shorter than a header");
        }
        // Every header starts with apiKey and apiVersion; they decide the header version.
        short apiKey = frame.getShort(frame.position());
        short apiVersion = frame.getShort(frame.position() + 2);
        ApiKey api = ApiKey.forId(apiKey);
        boolean supported = api != null && api.isVersionSupported(apiVersion);

        ByteReader in = new ByteReader(frame);
        RequestHeader header = Headers.readRequest(in, supported ? api.requestHeaderVersion(apiVersion) : 1);
        if (api == null) {
            throw new UnsupportedVersionException("unknown API key " + apiKey, header);
        }
        if (!supported) {
            throw new UnsupportedVersionException(api.apiName() + " v" + apiVersion + " is not supported (supported: "
                    + api.oldestVersion() + "-" + api.latestVersion() + ")", header);
        }
        try {
            return new Request(header, MessageCodec.read(api.requestSchema(), apiVersion, in));
        } catch (ProtocolException e) {
            throw new ProtocolException(api.apiName() + " v" + apiVersion + " request: " + e.getMessage(), header, e);
        }
    }
}
