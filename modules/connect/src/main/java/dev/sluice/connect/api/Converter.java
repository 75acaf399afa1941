package dev.sluice.connect.api;

import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.SchemaAndValue;

import java.util.Map;

/**
 * Turns Connect data into the bytes of a record key or value and back ({@code key.converter},
 * {@code value.converter}). One instance per task and side, used by the task's thread only.
 */
public interface Converter extends ConnectPlugin {
    /** Called once with the converter's settings (the {@code value.converter.} prefix removed). */
    void configure(Map<String, String> config, boolean isKey);

    byte[] fromConnectData(String topic, Schema schema, Object value);

    SchemaAndValue toConnectData(String topic, byte[] bytes);
}
