package dev.sluice.protocol.internal.json;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonReaderTest {

    @Test
    void parsesValuesAndSkipsComments() {
        Object v = JsonReader.parse("// header\n{ \"a\": [1, -2, 3.5e1, true, false, null], /* c */\n"
                + "  \"b\": \"x\\\"\\u00e9\\n\", // trailing\n \"c\": {} }");
        assertThat(v).isEqualTo(Map.of("a", java.util.Arrays.asList(1L, -2L, 35.0, true, false, null),
                "b", "x\"é\n", "c", Map.of()));
        assertThat(List.copyOf(((Map<?, ?>) JsonReader.parse("{\"z\":1,\"a\":2}")).keySet())).isEqualTo(List.of("z", "a"));
        assertThat(JsonReader.parse("[]")).isEqualTo(List.of());
    }

    @Test
    void reportsErrorsWithTheLine() {
        assertThatThrownBy(() -> JsonReader.parse("{\n\"a\": }")).hasMessageContaining("line 2");
        assertThatThrownBy(() -> JsonReader.parse("[1, 2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonReader.parse("{} x")).hasMessageContaining("trailing");
        assertThatThrownBy(() -> JsonReader.parse("/* open")).hasMessageContaining("unterminated");
    }
}
