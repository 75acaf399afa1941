package dev.sluice.connect.converters;

import dev.sluice.connect.data.DataException;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.SchemaAndValue;
import dev.sluice.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConvertersTest {
    private static final Schema PERSON = Schema.struct().name("person")
            .field("id", Schema.INT32)
            .field("name", Schema.OPTIONAL_STRING)
            .field("photo", Schema.BYTES.asOptional())
            .field("tags", Schema.array(Schema.STRING))
            .build();

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static JsonConverter json(boolean schemas) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", Boolean.toString(schemas)), false);
        return c;
    }

    @Test
    void jsonWithSchemasWritesKafkaConnectsEnvelopeAndReadsItBackTyped() {
        Struct p = new Struct(PERSON).put("id", 7).put("name", "Ada").put("photo", new byte[]{1, 2, 3})
                .put("tags", List.of("a", "b"));
        byte[] bytes = json(true).fromConnectData("t", PERSON, p);
        assertThat(text(bytes)).isEqualTo("{\"schema\":{\"type\":\"struct\",\"fields\":["
                + "{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},"
                + "{\"type\":\"string\",\"optional\":true,\"field\":\"name\"},"
                + "{\"type\":\"bytes\",\"optional\":true,\"field\":\"photo\"},"
                + "{\"type\":\"array\",\"items\":{\"type\":\"string\",\"optional\":false},\"optional\":false,\"field\":\"tags\"}"
                + "],\"optional\":false,\"name\":\"person\"},"
                + "\"payload\":{\"id\":7,\"name\":\"Ada\",\"photo\":\"AQID\",\"tags\":[\"a\",\"b\"]}}");
        SchemaAndValue back = json(true).toConnectData("t", bytes);
        assertThat(back.schema()).isEqualTo(PERSON);
        assertThat(back.value()).isEqualTo(p);
    }

    @Test
    void jsonWithoutSchemasIsTheBareValueReadBackSchemaless() {
        byte[] bytes = json(false).fromConnectData("t", null, Map.of("n", 1));
        assertThat(text(bytes)).isEqualTo("{\"n\":1}");
        SchemaAndValue back = json(false).toConnectData("t", "{\"n\":1,\"x\":1.5,\"s\":[true]}".getBytes());
        assertThat(back.schema()).isNull();
        assertThat(back.value()).isEqualTo(Map.of("n", 1L, "x", 1.5, "s", List.of(true)));
    }

    @Test
    void jsonWithSchemasRefusesPlainJsonNamingTheFixAndKeepsTombstones() {
        assertThatThrownBy(() -> json(true).toConnectData("t", "{\"n\":1}".getBytes()))
                .isInstanceOf(DataException.class).hasMessageContaining("schemas.enable=false");
        assertThatThrownBy(() -> json(true).toConnectData("t", "not json".getBytes()))
                .isInstanceOf(DataException.class).hasMessageContaining("serialization error");
        assertThat(json(true).fromConnectData("t", null, null)).isNull();
        assertThat(json(true).toConnectData("t", null)).isEqualTo(SchemaAndValue.NULL);
        assertThat(text(json(true).fromConnectData("t", null, "x"))).isEqualTo("{\"schema\":null,\"payload\":\"x\"}");
    }

    @Test
    void aValueThatDoesNotFitItsSchemaIsRefused() {
        assertThatThrownBy(() -> json(true).fromConnectData("t", Schema.INT32, "seven"))
                .isInstanceOf(DataException.class).hasMessageContaining("int32");
        assertThatThrownBy(() -> json(true).toConnectData("t",
                "{\"schema\":{\"type\":\"int32\",\"optional\":false},\"payload\":null}".getBytes()))
                .isInstanceOf(DataException.class);
    }

    @Test
    void stringAndBytesConvertersPassDataThrough() {
        StringConverter s = new StringConverter();
        s.configure(Map.of(), false);
        assertThat(s.fromConnectData("t", Schema.STRING, "héllo")).isEqualTo("héllo".getBytes(StandardCharsets.UTF_8));
        assertThat(s.toConnectData("t", "héllo".getBytes(StandardCharsets.UTF_8)).value()).isEqualTo("héllo");
        assertThat(s.fromConnectData("t", null, null)).isNull();
        ByteArrayConverter b = new ByteArrayConverter();
        assertThat(b.fromConnectData("t", Schema.BYTES, new byte[]{9})).containsExactly(9);
        assertThat((byte[]) b.toConnectData("t", new byte[]{9}).value()).containsExactly(9);
        assertThatThrownBy(() -> b.fromConnectData("t", null, "text")).isInstanceOf(DataException.class);
    }
}
