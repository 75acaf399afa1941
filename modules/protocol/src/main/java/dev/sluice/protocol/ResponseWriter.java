package dev.sluice.protocol;

import dev.sluice.protocol.message.MessageCodec;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.wire.WireWriter;

/**
 * Serializes a response into a {@link Send}: int32 size, response header, body. Record data set
 * as a {@link dev.sluice.api.storage.LogSlice} becomes its own part of the send (zero copy).
 */
public final class ResponseWriter {
    private ResponseWriter() {
    }

    /** The response to {@code request}: same API, version and correlation id. */
    public static Send write(RequestHeader request, Struct body) {
        return write(request.api(), request.apiVersion(), request.correlationId(), body);
    }

    public static Send write(ApiKey api, short version, int correlationId, Struct body) {
        WireWriter out = new WireWriter();
        WireWriter.Reservation size = out.reserveInt32();
        Headers.writeResponse(correlationId, api.responseHeaderVersion(version), out);
        MessageCodec.write(body, api.responseSchema(), version, out, true);
        out.patchInt32(size, frameSize(out));
        return out.toSend();
    }

    static int frameSize(WireWriter out) {
        long size = out.size() - 4;
        if (size > Integer.MAX_VALUE) {
            throw new ProtocolException("frame of " + size + " bytes exceeds the int32 size prefix");
        }
        return (int) size;
    }
}
