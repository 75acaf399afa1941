package dev.sluice.protocol.message;

import dev.sluice.protocol.ProtocolException;
import dev.sluice.protocol.wire.ByteReader;
import dev.sluice.protocol.wire.WireWriter;

import java.nio.ByteBuffer;

/** Reads and writes whole messages of any bundled schema at a given version. */
public final class MessageCodec {
    private MessageCodec() {
    }

    /**
     * Decodes a message from the reader's current position. Bytes fields are read-only slices of
     * the underlying buffer; records fields are writable slices of it.
     *
     * @throws ProtocolException if the bytes are malformed or the version is not valid
     */
    public static Struct read(MessageSchema schema, short version, ByteReader in) {
        checkVersion(schema, version);
        return StructReader.read(schema.struct(), version, in);
    }

    public static Struct read(MessageSchema schema, short version, ByteBuffer buffer) {
        return read(schema, version, new ByteReader(buffer));
    }

    /** Encodes {@code message} at {@code version}. */
    public static void write(Struct message, MessageSchema schema, short version, WireWriter out) {
        write(message, schema, version, out, false);
    }

    /**
     * Encodes {@code message} at {@code version}; with {@code dropAbsent}, fields the version cannot
     * carry are left out instead of being an error (for responses filled in for every version).
     */
    public static void write(Struct message, MessageSchema schema, short version, WireWriter out, boolean dropAbsent) {
        if (message.schema() != schema.struct()) {
            throw new IllegalArgumentException("a " + message.schema().name() + " is not a " + schema.name());
        }
        checkVersion(schema, version);
        StructWriter.write(message, version, out, dropAbsent);
    }

    /**
     * Encodes to one heap buffer, copying record buffers; for tests and small messages. Fails for
     * a {@link dev.sluice.api.storage.LogSlice} value: write those with {@link #write} into a Send.
     */
    public static ByteBuffer toByteBuffer(Struct message, MessageSchema schema, short version) {
        WireWriter out = new WireWriter();
        write(message, schema, version, out);
        return out.toByteBuffer();
    }

    private static void checkVersion(MessageSchema schema, short version) {
        if (!schema.validVersions().contains(version)) {
            throw new ProtocolException(schema.name() + " has no version " + version
                    + " (valid: " + schema.validVersions() + ")");
        }
    }
}
