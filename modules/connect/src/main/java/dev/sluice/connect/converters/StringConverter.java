package dev.sluice.connect.converters;

import dev.sluice.api.config.ConfigType;
import dev.sluice.connect.api.Converter;
import dev.sluice.connect.api.PluginConfigDef;
import dev.sluice.connect.data.DataException;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.SchemaAndValue;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Text in and out ({@code converter.encoding}, UTF-8 by default): writing takes any value's
 * {@code toString}, reading gives an optional STRING. Task thread only.
 */
public final class StringConverter implements Converter {
    private static final PluginConfigDef CONFIG = PluginConfigDef.builder()
            .optional("converter.encoding", ConfigType.STRING, "UTF-8", null, "the character set of the bytes")
            .build();
    private Charset charset = StandardCharsets.UTF_8;

    @Override
    public PluginConfigDef config() {
        return CONFIG;
    }

    @Override
    public List<String> aliases() {
        return List.of("org.apache.kafka.connect.storage.StringConverter");
    }

    @Override
    public void configure(Map<String, String> config, boolean isKey) {
        String name = CONFIG.parse(config).getString("converter.encoding");
        try {
            charset = Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw new DataException("converter.encoding: unknown character set " + name);
        }
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        return value == null ? null : value.toString().getBytes(charset);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] bytes) {
        return new SchemaAndValue(Schema.OPTIONAL_STRING, bytes == null ? null : new String(bytes, charset));
    }
}
