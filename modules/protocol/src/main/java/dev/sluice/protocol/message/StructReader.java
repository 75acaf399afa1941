package dev.sluice.protocol.message;

import dev.sluice.protocol.wire.ByteReader;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Decodes structs by walking their per-version field plans. */
final class StructReader {
    private StructReader() {
    }

    static Struct read(StructSchema schema, short version, ByteReader in) {
        // Only fields that may be missing from the wire get their default.
        Struct struct = new Struct(schema, false);
        for (Field f : schema.absentFields(version)) {
            struct.setValue(f.index(), f.newDefault());
        }
        for (Field f : schema.taggedFields(version)) {
            struct.setValue(f.index(), f.newDefault());
        }
        boolean flexible = schema.flexibleIn(version);
        for (Field f : schema.regularFields(version)) {
            struct.setValue(f.index(), readValue(f, version, flexible, in));
        }
        if (flexible) {
            readTaggedFields(struct, version, in);
        }
        return struct;
    }

    /** Tagged fields: count, then (tag, size, data) each; unknown tags are skipped. */
    private static void readTaggedFields(Struct struct, short version, ByteReader in) {
        Field[] known = struct.schema().taggedFields(version);
        in.context(struct.schema().name() + " tagged fields");
        int count = in.checkedCount(Integer.toUnsignedLong(in.unsignedVarint()), false);
        for (int i = 0; i < count; i++) {
            int tag = in.unsignedVarint();
            int size = in.checkedLength(Integer.toUnsignedLong(in.unsignedVarint()), false);
            Field field = byTag(known, tag);
            if (field == null) {
                in.skip(size);
                continue;
            }
            ByteReader data = new ByteReader(in.slice(size));
            struct.setValue(field.index(), readValue(field, version, true, data));
            if (data.remaining() != 0) {
                throw data.fail("tagged field " + field.name() + " declared " + size + " bytes but used fewer");
            }
        }
    }

    private static Field byTag(Field[] tagged, int tag) {
        for (Field f : tagged) {
            if (f.tag() == tag) {
                return f;
            }
        }
        return null;
    }

    private static Object readValue(Field f, short version, boolean flexible, ByteReader in) {
        in.context(f);
        boolean compact = f.compactIn(version, flexible);
        boolean nullable = f.nullableIn(version);
        switch (f.type()) {
            case STRUCT:
                if (nullable && in.int8() < 0) {
                    return null;
                }
                return read(f.struct(), version, in);
            case ARRAY:
                int count = in.checkedCount(length(in, compact, false), nullable);
                if (count < 0) {
                    return null;
                }
                List<Object> list = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    list.add(f.elementType() == FieldType.STRUCT
                            ? read(f.struct(), version, in)
                            : readScalar(f, f.elementType(), compact, false, in));
                    in.context(f);
                }
                return list;
            default:
                return readScalar(f, f.type(), compact, nullable, in);
        }
    }

    private static Object readScalar(Field f, FieldType type, boolean compact, boolean nullable, ByteReader in) {
        switch (type) {
            case BOOL:
                return in.bool();
            case INT8:
                return in.int8();
            case INT16:
                return in.int16();
            case UINT16:
                return in.uint16();
            case INT32:
                return in.int32();
            case UINT32:
                return in.uint32();
            case INT64:
                return in.int64();
            case FLOAT64:
                return in.float64();
            case UUID:
                return in.uuid();
            case STRING: {
                int len = in.checkedLength(length(in, compact, true), nullable);
                return len < 0 ? null : in.utf8(len);
            }
            case BYTES: {
                int len = in.checkedLength(length(in, compact, false), nullable);
                return len < 0 ? null : in.slice(len);
            }
            case RECORDS: {
                // writable: the broker assigns offsets by rewriting batch headers in the frame
                int len = in.checkedLength(length(in, compact, false), nullable);
                return len < 0 ? null : in.writableSlice(len);
            }
            default:
                throw new IllegalStateException("not a scalar: " + f);
        }
    }

    /** A length or count prefix: compact is unsigned varint N+1 (0 = null); else int16/int32. */
    private static long length(ByteReader in, boolean compact, boolean shortPrefix) {
        if (compact) {
            return Integer.toUnsignedLong(in.unsignedVarint()) - 1;
        }
        return shortPrefix ? in.int16() : in.int32();
    }
}
