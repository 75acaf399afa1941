package dev.sluice.streams;

import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.serde.SerdeException;
import dev.sluice.streams.serde.Serdes;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SerdesTest {
    public record Click(String user, long at, List<String> tags, Page page) {
    }

    public record Page(String path, double weight) {
    }

    @Test
    void integersAndLongsAreBigEndianAsKafkas() {
        assertThat(Serdes.integer().serialize("t", 258)).containsExactly(0, 0, 1, 2);
        assertThat(Serdes.longs().serialize("t", 1L)).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(Serdes.longs().deserialize("t", Serdes.longs().serialize("t", -5L))).isEqualTo(-5L);
        assertThat(Serdes.string().serialize("t", null)).isNull();
        assertThatThrownBy(() -> Serdes.integer().deserialize("t", new byte[3])).isInstanceOf(SerdeException.class);
    }

    @Test
    void jsonRoundTripsMapsListsAndScalars() {
        Object tree = Map.of("a", List.of(1L, 2.5, "x\"y\n", true), "b", Map.of());
        byte[] bytes = Serdes.json().serialize("t", tree);
        assertThat(Serdes.json().deserialize("t", bytes)).isEqualTo(tree);
        assertThat(new String(Serdes.json().serialize("t", List.of("é", 3L)), StandardCharsets.UTF_8)).isEqualTo("[\"é\",3]");
        assertThatThrownBy(() -> Serdes.json().deserialize("t", "{\"a\":}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SerdeException.class).hasMessageContaining("bad JSON");
        assertThatThrownBy(() -> Serdes.json().serialize("t", List.of(Double.NaN)))
                .isInstanceOf(SerdeException.class).hasMessageContaining("JSON has no number NaN");
        assertThatThrownBy(() -> Serdes.json().serialize("t", List.of(new Object())))
                .isInstanceOf(SerdeException.class).hasMessageContaining("java.lang.Object");
    }

    @Test
    void jsonOfRecordsNestsAndRestoresTypes() {
        Serde<Click> serde = Serdes.json(Click.class);
        Click click = new Click("ann", 42L, List.of("a", "b"), new Page("/x", 0.5));
        byte[] bytes = serde.serialize("t", click);
        assertThat(new String(bytes, StandardCharsets.UTF_8))
                .isEqualTo("{\"user\":\"ann\",\"at\":42,\"tags\":[\"a\",\"b\"],\"page\":{\"path\":\"/x\",\"weight\":0.5}}");
        assertThat(serde.deserialize("t", bytes)).isEqualTo(click);
    }

    @Test
    void serdesByNameIncludeThoseFoundThroughServiceLoader() {
        assertThat(Serdes.byName("org.apache.kafka.common.serialization.Serdes$StringSerde")).containsSame(Serdes.string());
        @SuppressWarnings("unchecked")
        Serde<Double> d = (Serde<Double>) Serdes.byName("double").orElseThrow();
        assertThat(d.deserialize("t", d.serialize("t", 1.25))).isEqualTo(1.25);
        @SuppressWarnings("unchecked")
        Serde<UUID> u = (Serde<UUID>) Serdes.byName("uuid").orElseThrow();
        UUID id = UUID.randomUUID();
        assertThat(u.deserialize("t", u.serialize("t", id))).isEqualTo(id);
        assertThat(Serdes.byName("nope")).isEmpty();
        assertThat(Serdes.names()).contains("double", "uuid", "string");
    }
}
