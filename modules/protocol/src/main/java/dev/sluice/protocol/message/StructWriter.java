package dev.sluice.protocol.message;

import dev.sluice.api.storage.LogSlice;
import dev.sluice.protocol.ProtocolException;
import dev.sluice.protocol.wire.WireWriter;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Encodes structs by walking their per-version field plans. A non-ignorable, non-tagged field that
 * holds a non-default value in a version without it is an error (as in Kafka): silently dropping it
 * could change a request's meaning. Tagged fields are optional by nature and are just omitted.
 * Responses may be written with {@code dropAbsent}: the broker fills in the richest answer and
 * each version carries what it can, so handlers need not repeat the schema's version ranges.
 */
final class StructWriter {
    private StructWriter() {
    }

    static void write(Struct struct, short version, WireWriter out) {
        write(struct, version, out, false);
    }

    static void write(Struct struct, short version, WireWriter out, boolean dropAbsent) {
        StructSchema schema = struct.schema();
        boolean flexible = schema.flexibleIn(version);
        for (Field f : schema.absentFields(version)) {
            if (!dropAbsent && !f.ignorable() && !f.isTagged() && !f.isDefault(struct.value(f.index()))) {
                throw new ProtocolException(schema.name() + "." + f.name() + " is set to "
                        + struct.value(f.index()) + " but version " + version + " cannot carry it");
            }
        }
        for (Field f : schema.regularFields(version)) {
            writeValue(f, struct.value(f.index()), version, flexible, out, dropAbsent);
        }
        if (flexible) {
            writeTaggedFields(struct, version, out, dropAbsent);
        }
    }

    /** Only tagged fields that differ from their default go on the wire, by ascending tag. */
    private static void writeTaggedFields(Struct struct, short version, WireWriter out, boolean dropAbsent) {
        Field[] tagged = struct.schema().taggedFields(version);
        int count = 0;
        for (Field f : tagged) {
            if (!f.isDefault(struct.value(f.index()))) {
                count++;
            }
        }
        out.unsignedVarint(count);
        for (Field f : tagged) {
            Object value = struct.value(f.index());
            if (f.isDefault(value)) {
                continue;
            }
            WireWriter data = new WireWriter(64); // the size prefix needs the encoded length first
            writeValue(f, value, version, true, data, dropAbsent);
            ByteBuffer bytes = data.toByteBuffer();
            out.unsignedVarint(f.tag());
            out.unsignedVarint(bytes.remaining());
            out.bytes(bytes);
        }
    }

    private static void writeValue(Field f, Object value, short version, boolean flexible, WireWriter out,
                                   boolean dropAbsent) {
        boolean compact = f.compactIn(version, flexible);
        boolean nullable = f.nullableIn(version);
        if (value == null && !nullable) {
            throw new ProtocolException(f.name() + " is null but not nullable in version " + version);
        }
        switch (f.type()) {
            case STRUCT:
                if (nullable) {
                    out.int8((byte) (value == null ? -1 : 1));
                }
                if (value != null) {
                    write((Struct) value, version, out, dropAbsent);
                }
                return;
            case ARRAY:
                if (value == null) {
                    writeLength(out, -1, compact, false);
                    return;
                }
                List<?> list = (List<?>) value;
                writeLength(out, list.size(), compact, false);
                for (Object element : list) {
                    if (f.elementType() == FieldType.STRUCT) {
                        Struct s = (Struct) element;
                        if (s.schema() != f.struct()) {
                            throw new ProtocolException(f.name() + " holds a " + s.schema().name()
                                    + ", expected " + f.struct().name());
                        }
                        write(s, version, out, dropAbsent);
                    } else {
                        if (element == null) {
                            throw new ProtocolException(f.name() + " holds a null element");
                        }
                        writeScalar(f, f.elementType(), element, compact, out);
                    }
                }
                return;
            default:
                writeScalar(f, f.type(), value, compact, out);
        }
    }

    private static void writeScalar(Field f, FieldType type, Object value, boolean compact, WireWriter out) {
        switch (type) {
            case BOOL -> out.bool((Boolean) value);
            case INT8 -> out.int8(((Number) value).byteValue());
            case INT16 -> out.int16(((Number) value).shortValue());
            case UINT16 -> out.int16((short) ((Number) value).intValue());
            case INT32 -> out.int32(((Number) value).intValue());
            case UINT32 -> out.int32((int) ((Number) value).longValue());
            case INT64 -> out.int64(((Number) value).longValue());
            case FLOAT64 -> out.float64(((Number) value).doubleValue());
            case UUID -> out.uuid((UUID) value);
            case STRING -> {
                if (value == null) {
                    writeLength(out, -1, compact, true);
                    return;
                }
                byte[] utf8 = ((String) value).getBytes(StandardCharsets.UTF_8);
                if (!compact && utf8.length > Short.MAX_VALUE) {
                    throw new ProtocolException(f.name() + " is longer than " + Short.MAX_VALUE + " bytes");
                }
                writeLength(out, utf8.length, compact, true);
                out.bytes(utf8);
            }
            case BYTES, RECORDS -> {
                if (value == null) {
                    writeLength(out, -1, compact, false);
                } else if (value instanceof LogSlice slice) {
                    writeLength(out, slice.sizeInBytes(), compact, false);
                    out.attach(slice);
                } else {
                    ByteBuffer b = (ByteBuffer) value;
                    writeLength(out, b.remaining(), compact, false);
                    out.attach(b);
                }
            }
            default -> throw new IllegalStateException("not a scalar: " + f);
        }
    }

    private static void writeLength(WireWriter out, int length, boolean compact, boolean shortPrefix) {
        if (compact) {
            out.unsignedVarint(length + 1);
        } else if (shortPrefix) {
            out.int16((short) length);
        } else {
            out.int32(length);
        }
    }
}
