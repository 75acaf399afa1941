package dev.sluice.streams.serde;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for Java records: a record is an object of its components; components may be strings,
 * numbers, booleans, lists and maps of those, or records themselves. The record class must be
 * readable by this module (public, in an exported or open package).
 */
final class JsonRecords {
    private JsonRecords() {
    }

    static <R extends Record> Serde<R> serde(Class<R> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        return Serde.of(r -> Json.write(toTree(r)), b -> type.cast(fromTree(type, Json.read(b))));
    }

    private static Object toTree(Object value) {
        if (value instanceof Record r) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    map.put(c.getName(), toTree(c.getAccessor().invoke(r)));
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new SerdeException("cannot read " + c.getName() + " of " + r.getClass().getName(), e);
                }
            }
            return map;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(o -> out.add(toTree(o)));
            return out;
        }
        return value;
    }

    private static Object fromTree(Class<?> type, Object tree) {
        if (tree == null) {
            return null;
        }
        if (type.isRecord()) {
            if (!(tree instanceof Map<?, ?> map)) {
                throw new SerdeException("expected a JSON object for " + type.getName());
            }
            RecordComponent[] components = type.getRecordComponents();
            Class<?>[] types = new Class<?>[components.length];
            Object[] args = new Object[components.length];
            for (int i = 0; i < components.length; i++) {
                types[i] = components[i].getType();
                args[i] = fromTree(types[i], map.get(components[i].getName()));
            }
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(types);
                return constructor.newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new SerdeException("cannot create " + type.getName(), e);
            }
        }
        if (tree instanceof Number n) {
            if (type == int.class || type == Integer.class) {
                return n.intValue();
            }
            if (type == long.class || type == Long.class) {
                return n.longValue();
            }
            if (type == double.class || type == Double.class) {
                return n.doubleValue();
            }
            if (type == float.class || type == Float.class) {
                return n.floatValue();
            }
        }
        return tree;
    }
}
