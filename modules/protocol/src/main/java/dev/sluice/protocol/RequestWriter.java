package dev.sluice.protocol;

import dev.sluice.protocol.message.MessageCodec;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.wire.WireWriter;

/** Serializes a request into a {@link Send} (int32 size, header, body): the client side, for tests and tools. */
public final class RequestWriter {
    private RequestWriter() {
    }

    public static Send write(RequestHeader header, Struct body) {
        ApiKey api = header.api();
        if (api == null) {
            throw new IllegalArgumentException("unknown API key " + header.apiKey());
        }
        WireWriter out = new WireWriter();
        WireWriter.Reservation size = out.reserveInt32();
        Headers.writeRequest(header, api.requestHeaderVersion(header.apiVersion()), out);
        MessageCodec.write(body, api.requestSchema(), header.apiVersion(), out);
        out.patchInt32(size, ResponseWriter.frameSize(out));
        return out.toSend();
    }
}
