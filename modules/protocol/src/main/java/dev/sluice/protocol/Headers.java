package dev.sluice.protocol;

import dev.sluice.protocol.message.Field;
import dev.sluice.protocol.message.MessageCodec;
import dev.sluice.protocol.message.MessageSchema;
import dev.sluice.protocol.message.Schemas;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.wire.ByteReader;
import dev.sluice.protocol.wire.WireWriter;

/** Request and response headers, encoded through their bundled schemas. */
final class Headers {
    private static final MessageSchema REQUEST = Schemas.get("RequestHeader");
    private static final MessageSchema RESPONSE = Schemas.get("ResponseHeader");
    private static final Field API_KEY = REQUEST.struct().field("RequestApiKey");
    private static final Field API_VERSION = REQUEST.struct().field("RequestApiVersion");
    private static final Field REQUEST_CORRELATION_ID = REQUEST.struct().field("CorrelationId");
    private static final Field CLIENT_ID = REQUEST.struct().field("ClientId");
    private static final Field RESPONSE_CORRELATION_ID = RESPONSE.struct().field("CorrelationId");

    private Headers() {
    }

    static RequestHeader readRequest(ByteReader in, short headerVersion) {
        Struct h = MessageCodec.read(REQUEST, headerVersion, in);
        return new RequestHeader((short) h.getInt(API_KEY), (short) h.getInt(API_VERSION),
                h.getInt(REQUEST_CORRELATION_ID), h.getString(CLIENT_ID));
    }

    static void writeRequest(RequestHeader header, short headerVersion, WireWriter out) {
        Struct h = REQUEST.newStruct()
                .set(API_KEY, header.apiKey())
                .set(API_VERSION, header.apiVersion())
                .set(REQUEST_CORRELATION_ID, header.correlationId())
                .set(CLIENT_ID, header.clientId());
        MessageCodec.write(h, REQUEST, headerVersion, out);
    }

    static int readResponse(ByteReader in, short headerVersion) {
        return MessageCodec.read(RESPONSE, headerVersion, in).getInt(RESPONSE_CORRELATION_ID);
    }

    static void writeResponse(int correlationId, short headerVersion, WireWriter out) {
        MessageCodec.write(RESPONSE.newStruct().set(RESPONSE_CORRELATION_ID, correlationId),
                RESPONSE, headerVersion, out);
    }
}
