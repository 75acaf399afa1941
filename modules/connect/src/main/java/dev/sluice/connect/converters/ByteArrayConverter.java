package dev.sluice.connect.converters;

import dev.sluice.connect.api.Converter;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.data.DataException;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.SchemaAndValue;

import java.util.List;
import java.util.Map;

/** Bytes passed through unchanged (an optional BYTES value). Stateless; any thread. */
public final class ByteArrayConverter implements Converter {
    private static final PluginConfigDef CONFIG = PluginConfigDef.builder().build();

    @Override
    public PluginConfigDef config() {
        return CONFIG;
    }

    @Override
    public List<String> aliases() {
        return List.of("org.apache.kafka.connect.converters.ByteArrayConverter");
    }

    @Override
    public void configure(Map<String, String> config, boolean isKey) {
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof java.nio.ByteBuffer buffer) {
            byte[] out = new byte[buffer.remaining()];
            buffer.duplicate().get(out);
            return out;
        }
        throw new DataException("ByteArrayConverter takes bytes, not a " + value.getClass().getSimpleName());
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] bytes) {
        return new SchemaAndValue(Schema.BYTES.asOptional(), bytes);
    }
}
