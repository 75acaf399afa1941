package dev.sluice.protocol.message;

import dev.sluice.api.internal.json.JsonReader;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bundled Kafka message schemas (resources under {@code dev/sluice/protocol/schema/}, copied
 * from kafka-clients 4.1.1's {@code common/message/}). Each file is parsed once, on first use.
 */
public final class Schemas {
    private static final String DIRECTORY = "/dev/sluice/protocol/schema/";
    private static final Map<String, MessageSchema> CACHE = new ConcurrentHashMap<>();

    private Schemas() {
    }

    /** The schema named e.g. {@code "FetchRequest"} or {@code "RequestHeader"}. */
    public static MessageSchema get(String name) {
        return CACHE.computeIfAbsent(name, Schemas::load);
    }

    @SuppressWarnings("unchecked")
    private static MessageSchema load(String name) {
        String resource = DIRECTORY + name + ".json";
        try (InputStream in = Schemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled schema " + resource);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            MessageSchema schema = SchemaParser.parse((Map<String, Object>) JsonReader.parse(text, JsonReader.Option.COMMENTS));
            if (!schema.name().equals(name)) {
                throw new IllegalStateException(resource + " defines " + schema.name());
            }
            return schema;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("bad bundled schema " + resource + ": " + e.getMessage(), e);
        }
    }
}
