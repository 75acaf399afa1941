package dev.sluice.api.internal.json;

import dev.sluice.api.internal.json.JsonReader.Option;
import dev.sluice.api.internal.json.JsonWriter.Others;
import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    @Test
    void writesCompactJsonInInsertionOrderAndReadsItBack() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("version", 1L);
        value.put("name", "a \"quoted\" \\ name\n\r\t\u0001\u001f");
        value.put("list", List.of(1L, -2L, true, false));
        value.put("none", null);
        value.put("nested", Map.of("k", List.of(Map.of("deeper", List.of()))));
        value.put("empty", Map.of());
        String text = JsonWriter.write(value);
        assertThat(text).isEqualTo("{\"version\":1,\"name\":\"a \\\"quoted\\\" \\\\ name\\n\\r\\t\\u0001\\u001f\","
                + "\"list\":[1,-2,true,false],\"none\":null,\"nested\":{\"k\":[{\"deeper\":[]}]},\"empty\":{}}");
        assertThat(JsonReader.parse(text)).isEqualTo(value);
        assertThat(JsonReader.parse(text, Option.INTEGERS_ONLY)).isEqualTo(value);
    }

    @Test
    void keepsNonAsciiAsIsAndReadsUnicodeEscapes() {
        String text = "h\u00e9llo \u4e16\u754c \ud83d\ude00";
        assertThat(JsonWriter.write(text)).isEqualTo("\"" + text + "\"");
        assertThat(JsonReader.parse(JsonWriter.write(text))).isEqualTo(text);
        assertThat(JsonReader.parse("\"\\u00e9\\u4E16\\ud83d\\ude00\\/\\b\\f\"")).isEqualTo("\u00e9\u4e16\ud83d\ude00/\b\f");
    }

    @Test
    void writesAnyIterableAsAnArrayAndOtherValuesAsAsked() {
        assertThat(JsonWriter.write(new LinkedHashSet<>(List.of("b", "a")))).isEqualTo("[\"b\",\"a\"]");
        assertThat(JsonWriter.write(List.of(DayOfWeek.MONDAY), Others.AS_STRING)).isEqualTo("[\"MONDAY\"]");
        assertThatThrownBy(() -> JsonWriter.write(List.of(DayOfWeek.MONDAY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.time.DayOfWeek");
        assertThat(JsonWriter.write(List.of(1, 2.5, -3L, Long.MAX_VALUE))).isEqualTo("[1,2.5,-3,9223372036854775807]");
    }

    @Test
    void refusesNumbersJsonHasNoneOfOrWritesThemAsStringsWhenAsked() {
        for (Object n : List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)) {
            assertThatThrownBy(() -> JsonWriter.write(List.of(n)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON has no number");
        }
        assertThat(JsonWriter.write(List.of(Double.NaN, Float.POSITIVE_INFINITY), Others.AS_STRING))
                .isEqualTo("[\"NaN\",\"Infinity\"]");
        assertThat(JsonWriter.write(List.of(0.1f, -0.0))).isEqualTo("[0.1,-0.0]");
    }

    @Test
    void readsNumbersAsLongOrDouble() {
        assertThat(JsonReader.parse("[0, -7, 9223372036854775807, 3.5e1, -0.25]"))
                .isEqualTo(List.of(0L, -7L, Long.MAX_VALUE, 35.0, -0.25));
        assertThatThrownBy(() -> JsonReader.parse("1.5", Option.INTEGERS_ONLY)).hasMessageContaining("only integers");
        assertThatThrownBy(() -> JsonReader.parse("1e3", Option.INTEGERS_ONLY)).hasMessageContaining("only integers");
        assertThatThrownBy(() -> JsonReader.parse("9223372036854775808")).hasMessageContaining("bad number");
        assertThatThrownBy(() -> JsonReader.parse("-")).hasMessageContaining("bad number");
    }

    @Test
    void nestsDeeplyAndKeepsKeyOrder() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            text.append("{\"k").append(i).append("\":[");
        }
        text.append("null");
        for (int i = 0; i < 200; i++) {
            text.append("]}");
        }
        Object value = JsonReader.parse(text.toString());
        assertThat(JsonWriter.write(value)).isEqualTo(text.toString());
        assertThat(new ArrayList<>(JsonReader.parseObject("{\"z\":1,\"a\":2,\"m\":3}").keySet())).containsExactly("z", "a", "m");
    }

    @Test
    void skipsCommentsOnlyWhenAsked() {
        String text = "// header\n{ \"a\": 1, /* inline */\n \"b\": \"//not a comment\" } // end";
        assertThat(JsonReader.parse(text, Option.COMMENTS)).isEqualTo(Map.of("a", 1L, "b", "//not a comment"));
        assertThatThrownBy(() -> JsonReader.parse(text)).hasMessageContaining("line 1, column 1");
        assertThatThrownBy(() -> JsonReader.parse("/* open", Option.COMMENTS)).hasMessageContaining("unterminated comment");
    }

    @Test
    void readsKafkaSchemaStyleText() {
        Object v = JsonReader.parse("// header\n{ \"a\": [1, -2, 3.5e1, true, false, null], /* c */\n"
                + "  \"b\": \"x\\\"\\u00e9\\n\", // trailing\n \"c\": {} }", Option.COMMENTS);
        assertThat(v).isEqualTo(Map.of("a", Arrays.asList(1L, -2L, 35.0, true, false, null),
                "b", "x\"\u00e9\n", "c", Map.of()));
    }

    @Test
    void refusesWhatIsNotJsonSayingWhere() {
        assertThatThrownBy(() -> JsonReader.parse("{\n  \"a\": }"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("invalid JSON at line 2, column 8: unexpected character '}'");
        assertThatThrownBy(() -> JsonReader.parse("[1, 2")).hasMessage("invalid JSON at line 1, column 6: unexpected end of input");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\":1} x")).hasMessage("invalid JSON at line 1, column 9: trailing characters");
        assertThatThrownBy(() -> JsonReader.parse("[1 2]")).hasMessage("invalid JSON at line 1, column 4: expected ',' or ']'");
        assertThatThrownBy(() -> JsonReader.parse("{\"a\" 1}")).hasMessage("invalid JSON at line 1, column 6: expected ':'");
        assertThatThrownBy(() -> JsonReader.parse("{1:2}")).hasMessageContaining("expected a member name");
        assertThatThrownBy(() -> JsonReader.parse("nul")).hasMessageContaining("expected 'null'");
        assertThatThrownBy(() -> JsonReader.parse("\"\\x\"")).hasMessage("invalid JSON at line 1, column 3: bad escape '\\x'");
        assertThatThrownBy(() -> JsonReader.parse("\"\\u12g4\"")).hasMessageContaining("bad \\u escape");
        assertThatThrownBy(() -> JsonReader.parse("\"\\u12")).hasMessageContaining("truncated \\u escape");
        assertThatThrownBy(() -> JsonReader.parse("\"open")).hasMessageContaining("unexpected end of input");
        assertThatThrownBy(() -> JsonReader.parse("")).hasMessageContaining("unexpected end of input");
        assertThatThrownBy(() -> JsonReader.parseObject("[1]")).hasMessageContaining("expected an object");
    }
}
