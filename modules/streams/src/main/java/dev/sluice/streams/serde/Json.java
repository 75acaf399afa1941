package dev.sluice.streams.serde;

import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.internal.json.JsonWriter;

import java.nio.charset.StandardCharsets;

/**
 * The JSON bytes of {@link Serdes#json()} and {@link Serdes#json(Class)}: the project's one JSON
 * reader/writer ({@code dev.sluice.api.internal.json}) over UTF-8, its errors as {@link SerdeException}s.
 * Stateless, thread-safe.
 */
final class Json {
    private Json() {
    }

    /** Maps, iterables, strings, finite numbers, booleans and null; anything else is refused. */
    static byte[] write(Object tree) {
        try {
            return JsonWriter.write(tree).getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new SerdeException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** Objects as insertion-ordered maps, arrays as lists, integers as Long, other numbers as Double. */
    static Object read(byte[] bytes) {
        try {
            return JsonReader.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new SerdeException("bad JSON: " + e.getMessage(), e);
        }
    }
}
