package dev.sluice.broker.metrics;

import dev.sluice.protocol.message.Field;
import dev.sluice.protocol.message.FieldType;
import dev.sluice.protocol.message.Struct;
import dev.sluice.protocol.message.StructSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds every {@code ErrorCode} in a response, at any depth (a top-level code, each partition's),
 * as Kafka's {@code AbstractResponse.errorCounts} does for its ErrorsPerSec meter. Each response
 * schema is planned once (which fields hold codes, which nested structs and arrays can hold some),
 * so a walk visits only those and allocates nothing. Threads: any (the plans are in a concurrent map).
 */
final class ErrorCounts {

    /** Receives each error code found. */
    @FunctionalInterface
    interface Sink {
        void error(short code);
    }

    private record Plan(Field[] codes, Field[] nested) {
        boolean empty() {
            return codes.length == 0 && nested.length == 0;
        }
    }

    private static final Plan EMPTY = new Plan(new Field[0], new Field[0]);
    private final ConcurrentHashMap<StructSchema, Plan> plans = new ConcurrentHashMap<>();

    void walk(Struct struct, Sink sink) {
        Plan plan = plan(struct.schema());
        for (Field f : plan.codes) {
            Object v = struct.get(f);
            if (v instanceof Short code) {
                sink.error(code);
            }
        }
        for (Field f : plan.nested) {
            Object v = struct.get(f);
            if (v instanceof Struct s) {
                walk(s, sink);
            } else if (v instanceof List<?> list) {
                for (int i = 0, n = list.size(); i < n; i++) {
                    if (list.get(i) instanceof Struct s) {
                        walk(s, sink);
                    }
                }
            }
        }
    }

    private Plan plan(StructSchema schema) {
        Plan plan = plans.get(schema);
        if (plan == null) {
            plan = build(schema, 0);
            plans.putIfAbsent(schema, plan);
        }
        return plan;
    }

    private Plan build(StructSchema schema, int depth) {
        if (depth > 16) { // no Kafka schema nests this deep; a guard against a recursive one
            return EMPTY;
        }
        List<Field> codes = new ArrayList<>();
        List<Field> nested = new ArrayList<>();
        for (Field f : schema.fields()) {
            if (f.type() == FieldType.INT16 && f.name().equals("ErrorCode")) {
                codes.add(f);
            } else if (f.struct() != null && (f.type() == FieldType.STRUCT
                    || (f.type() == FieldType.ARRAY && f.elementType() == FieldType.STRUCT))) {
                Plan inner = plans.containsKey(f.struct()) ? plans.get(f.struct()) : build(f.struct(), depth + 1);
                plans.putIfAbsent(f.struct(), inner);
                if (!inner.empty()) {
                    nested.add(f);
                }
            }
        }
        return codes.isEmpty() && nested.isEmpty() ? EMPTY : new Plan(codes.toArray(new Field[0]), nested.toArray(new Field[0]));
    }
}
