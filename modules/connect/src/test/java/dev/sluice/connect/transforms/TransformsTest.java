package dev.sluice.connect.transforms;

import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.api.SinkRecord;
import dev.sluice.connect.api.SourceRecord;
import dev.sluice.connect.data.Schema;
import dev.sluice.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransformsTest {
    private static final Schema ROW = Schema.struct().name("row").field("id", Schema.INT64).field("old", Schema.STRING)
            .field("secret", Schema.OPTIONAL_STRING).build();

    @Test
    void insertFieldAddsTopicPartitionOffsetAndAStaticValueToAMap() {
        InsertField t = new InsertField.Value();
        t.configure(Map.of("topic.field", "t", "partition.field", "p", "offset.field", "o!", "static.field", "src",
                "static.value", "db1"));
        SinkRecord r = new SinkRecord("orders", 2, null, null, null, Map.of("a", 1), 42, 1000L, List.of());
        assertThat(t.apply(r).value()).isEqualTo(Map.of("a", 1, "t", "orders", "p", 2, "o", 42L, "src", "db1"));
        // a required field without a value for this record (source records have no offset) fails
        SourceRecord s = new SourceRecord(Map.of(), Map.of(), "orders", null, Map.of("a", 1));
        assertThatThrownBy(() -> t.apply(s)).hasMessageContaining("o has no value");
    }

    @Test
    void insertFieldWidensAStructSchema() {
        InsertField t = new InsertField.Value();
        t.configure(Map.of("topic.field", "topic"));
        Struct v = new Struct(ROW).put("id", 1L).put("old", "x");
        SinkRecord out = t.apply(new SinkRecord("orders", 0, null, null, ROW, v, 5, null, List.of()));
        assertThat(out.valueSchema().fields()).extracting(Schema.Field::name).containsExactly("id", "old", "secret", "topic");
        assertThat(((Struct) out.value()).get("topic")).isEqualTo("orders");
        assertThat(((Struct) out.value()).get("id")).isEqualTo(1L);
    }

    @Test
    void insertFieldNeedsSomethingToInsert() {
        assertThatThrownBy(() -> new InsertField.Value().configure(Map.of())).isInstanceOf(ConfigException.class);
    }

    @Test
    void replaceFieldRenamesAndDropsOnStructsAndMaps() {
        ReplaceField t = new ReplaceField.Value();
        t.configure(Map.of("renames", "old:new", "exclude", "secret"));
        Struct v = new Struct(ROW).put("id", 1L).put("old", "x").put("secret", "pw");
        SinkRecord out = t.apply(new SinkRecord("t", 0, null, null, ROW, v, 0, null, List.of()));
        assertThat(out.valueSchema().fields()).extracting(Schema.Field::name).containsExactly("id", "new");
        assertThat(((Struct) out.value()).get("new")).isEqualTo("x");
        SinkRecord schemaless = t.apply(new SinkRecord("t", 0, null, null, null, Map.of("old", 1, "secret", 2, "k", 3),
                0, null, List.of()));
        assertThat(schemaless.value()).isEqualTo(Map.of("new", 1, "k", 3));
        ReplaceField key = new ReplaceField.Key();
        key.configure(Map.of("include", "id"));
        SinkRecord keyed = key.apply(new SinkRecord("t", 0, null, Map.of("id", 1, "x", 2), null, "v", 0, null, List.of()));
        assertThat(keyed.key()).isEqualTo(Map.of("id", 1));
        assertThat(keyed.value()).isEqualTo("v");
        assertThatThrownBy(() -> new ReplaceField.Value().configure(Map.of("renames", "nocolon")))
                .hasMessageContaining("expected old:new");
    }

    @Test
    void aTombstonePassesUnchangedWithOrWithoutASchema() {
        // Kafka's $Key/$Value transforms return a record whose side is null as it is
        InsertField insert = new InsertField.Value();
        insert.configure(Map.of("topic.field", "topic"));
        ReplaceField replace = new ReplaceField.Value();
        replace.configure(Map.of("exclude", "secret"));
        for (Schema schema : new Schema[]{null, ROW.asOptional()}) {
            SinkRecord tombstone = new SinkRecord("t", 0, null, "k", schema, null, 7, null, List.of());
            assertThat(insert.apply(tombstone)).isSameAs(tombstone);
            assertThat(replace.apply(tombstone)).isSameAs(tombstone);
        }
    }

    @Test
    void keyAndValueTransformsAnswerToKafkasClassNames() {
        assertThat(new InsertField.Key().aliases())
                .containsExactly("org.apache.kafka.connect.transforms.InsertField$Key", "InsertField$Key");
        assertThat(new ReplaceField.Value().aliases())
                .containsExactly("org.apache.kafka.connect.transforms.ReplaceField$Value", "ReplaceField$Value");
    }

    @Test
    void regexRouterRenamesMatchingTopicsOnly() {
        RegexRouter t = new RegexRouter();
        t.configure(Map.of("regex", "db-(.*)", "replacement", "mirror-$1"));
        SourceRecord r = new SourceRecord(Map.of(), Map.of(), "db-orders", null, "v");
        assertThat(t.apply(r).topic()).isEqualTo("mirror-orders");
        assertThat(t.apply(r.newRecord("other", null, null, null, null, "v", null)).topic()).isEqualTo("other");
        assertThatThrownBy(() -> new RegexRouter().configure(Map.of("regex", "(", "replacement", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("regex");
        assertThatThrownBy(() -> new RegexRouter().configure(Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("regex: a value is required").hasMessageContaining("replacement: a value is required");
    }
}
