package dev.sluice.coordination.zookeeper.json;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonTest {

    private static Object parse(String s) {
        return Json.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesCompactJsonInInsertionOrderAndReadsItBack() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("version", 1L);
        value.put("name", "a \"quoted\" \\ name\n\u0001");
        value.put("list", List.of(1L, -2L, true, false));
        value.put("none", null);
        value.put("nested", Map.of("k", "v"));
        byte[] bytes = Json.write(value);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"version\":1,\"name\":\"a \\\"quoted\\\" \\\\ name\\n\\u0001\",\"list\":[1,-2,true,false],"
                        + "\"none\":null,\"nested\":{\"k\":\"v\"}}");
        assertThat(Json.parse(bytes)).isEqualTo(value);
    }

    @Test
    void readsWhatOtherWritersProduce() {
        assertThat(parse(" { \"a\" : [ 1 , 2 ] , \"b\" : \"\\u00e9\\/\" } "))
                .isEqualTo(Map.of("a", List.of(1L, 2L), "b", "é/"));
        assertThat(parse("[]")).isEqualTo(List.of());
        assertThat(parse("{}")).isEqualTo(Map.of());
    }

    @Test
    void refusesWhatIsNotJson() {
        assertThatThrownBy(() -> parse("{\"a\":1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("{\"a\":1} x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("1.5")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("nul")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Json.parseObject("[1]".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
    }
}
