package dev.sluice.connect.converters;

import dev.sluice.api.config.ConfigType;
import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.connect.api.Converter;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.data.DataException;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.SchemaAndValue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * JSON in Kafka Connect's shape. With {@code schemas.enable=true} (the default) every message is the
 * envelope {@code {"schema": {...}, "payload": ...}} (schema written by {@link JsonSchemas}); with
 * false it is the bare value, read back schemaless (integers as INT64, other numbers FLOAT64,
 * objects as maps). Bytes are base64 text, as Kafka writes them. Task thread only.
 */
public final class JsonConverter implements Converter {
    static final String ENVELOPE_MISMATCH = "JsonConverter with schemas.enable requires \"schema\" and \"payload\" "
            + "fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set "
            + "schemas.enable=false in your converter configuration.";
    private static final PluginConfigDef CONFIG = PluginConfigDef.builder()
            .optional("schemas.enable", ConfigType.BOOLEAN, true, null,
                    "write and expect the {\"schema\", \"payload\"} envelope")
            .build();
    private boolean schemasEnabled = true;

    @Override
    public PluginConfigDef config() {
        return CONFIG;
    }

    @Override
    public List<String> aliases() {
        return List.of("org.apache.kafka.connect.json.JsonConverter");
    }

    @Override
    public void configure(Map<String, String> config, boolean isKey) {
        schemasEnabled = CONFIG.parse(config).getBoolean("schemas.enable");
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (schema == null && value == null) {
            return null; // a tombstone stays a tombstone
        }
        Object payload = JsonValues.toJson(schema, value);
        Object out = payload;
        if (schemasEnabled) {
            Map<String, Object> envelope = new java.util.LinkedHashMap<>();
            envelope.put("schema", schema == null ? null : JsonSchemas.toJson(schema));
            envelope.put("payload", payload);
            out = envelope;
        }
        return JsonWriter.write(out).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] bytes) {
        if (bytes == null) {
            return SchemaAndValue.NULL;
        }
        Object json;
        try {
            json = JsonReader.parse(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new DataException("Converting byte[] to Kafka Connect data failed due to serialization error: "
                    + e.getMessage(), e);
        }
        if (!schemasEnabled) {
            return new SchemaAndValue(null, json);
        }
        if (!(json instanceof Map<?, ?> envelope) || envelope.size() != 2 || !envelope.containsKey("schema")
                || !envelope.containsKey("payload")) {
            throw new DataException(ENVELOPE_MISMATCH);
        }
        Object schemaJson = envelope.get("schema");
        Schema schema = schemaJson == null ? null : JsonSchemas.fromJson(schemaJson);
        return new SchemaAndValue(schema, JsonValues.fromJson(schema, envelope.get("payload")));
    }
}
