package dev.sluice.connect.runtime;

import dev.sluice.connect.api.ConfigException;
import dev.sluice.connect.api.SinkConnector;
import dev.sluice.connect.converters.JsonConverter;
import dev.sluice.connect.file.FileStreamSourceConnector;
import dev.sluice.connect.transforms.InsertField;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConnectorConfigTest {
    private final Plugins plugins = new Plugins();

    @Test
    void pluginsOnTheModulePathAreFoundByKafkasClassNamesAndShortNames() {
        assertThat(plugins.newConnector("org.apache.kafka.connect.file.FileStreamSourceConnector"))
                .isInstanceOf(FileStreamSourceConnector.class);
        assertThat(plugins.newConnector("FileStreamSink")).isInstanceOf(SinkConnector.class);
        assertThat(plugins.newConverter("org.apache.kafka.connect.json.JsonConverter")).isInstanceOf(JsonConverter.class);
        assertThat(plugins.newTransformation("org.apache.kafka.connect.transforms.InsertField$Value"))
                .isInstanceOf(InsertField.Value.class);
        assertThat(plugins.all()).extracting(Plugins.PluginDesc::kind).contains("source", "sink", "converter", "transformation");
        assertThatThrownBy(() -> plugins.newConnector("NoSuchConnector")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no connector named 'NoSuchConnector'").hasMessageContaining("FileStreamSinkConnector");
        assertThatThrownBy(() -> plugins.newConnector("JsonConverter")).hasMessageContaining("is a converter");
    }

    @Test
    void everyProblemOfAConnectorConfigurationIsReportedAtOnce() {
        Map<String, String> raw = new HashMap<>();
        raw.put("name", "bad");
        raw.put("connector.class", "FileStreamSink");
        raw.put("tasks.max", "zero");
        raw.put("errors.tolerance", "some");
        raw.put("transforms", "a,b");
        raw.put("transforms.a.type", "RegexRouter");
        raw.put("value.converter", "Nope");
        assertThatThrownBy(() -> ConnectorConfig.validate(raw, plugins))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "Connector configuration is invalid and contains the following 8 error(s):",
                        "tasks.max: 'zero' is invalid; expected an integer >= 1",
                        "errors.tolerance: 'some' is invalid; expected one of none, all",
                        "file: a value is required (the file to append to)",
                        "topics: a sink connector needs exactly one of topics and topics.regex",
                        "value.converter: no converter named 'Nope' on the module path; known: "
                                + "dev.sluice.connect.converters.ByteArrayConverter, "
                                + "dev.sluice.connect.converters.JsonConverter, dev.sluice.connect.converters.StringConverter",
                        "transforms.a.regex: a value is required (the topic pattern)",
                        "transforms.a.replacement: a value is required (the new topic; $1... for groups)",
                        "transforms.b.type: a value is required (the transformation's class)"));
    }

    @Test
    void aValidConfigurationIsTyped() {
        ConnectorConfig cc = ConnectorConfig.validate(Map.of("name", "src", "connector.class", "FileStreamSource",
                "file", "/tmp/x", "topic", "t", "tasks.max", "3"), plugins);
        assertThat(cc.name()).isEqualTo("src");
        assertThat(cc.tasksMax()).isEqualTo(3);
    }
}
