package dev.sluice.connect.rest;

import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.connect.standalone.StandaloneWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka Connect's REST paths and payloads against a standalone worker, over real HTTP. */
class RestInterfaceTest {
    @TempDir
    Path dir;
    private TestBroker broker;
    private StandaloneWorker worker;

    record Answer(int status, Object json) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map() {
            return (Map<String, Object>) json;
        }
    }

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.start(dir);
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        try (SluiceAdmin admin = new SluiceAdmin(p)) {
            admin.createTopics(List.of(new NewTopic("events", 1))).get(30, TimeUnit.SECONDS);
        }
        worker = StandaloneWorker.start(Map.of("bootstrap.servers", broker.bootstrap(),
                "offset.storage.file.filename", dir.resolve("offsets").toString(),
                "listeners", "http://127.0.0.1:0", "offset.flush.interval.ms", "200",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"), List.of());
    }

    @AfterEach
    void stop() {
        worker.close();
        broker.close();
    }

    private Answer call(String method, String path, String body) throws Exception {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + worker.restPort() + path).toURL()
                .openConnection();
        c.setRequestMethod(method);
        c.setRequestProperty("Content-Type", "application/json");
        if (body != null) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        String text;
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        c.disconnect();
        return new Answer(status, text.isEmpty() ? null : JsonReader.parse(text));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private String sourceConfig(Path file) {
        return "{\"connector.class\":\"FileStreamSource\",\"file\":\"" + file + "\",\"topic\":\"events\"}";
    }

    private Answer awaitState(String path, String state) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        Answer a;
        do {
            a = call("GET", path, null);
            if (a.json() instanceof Map<?, ?> m && state.equals(((Map<?, ?>) ((List<?>) m.get("tasks")).get(0)).get("state"))) {
                return a;
            }
            Thread.sleep(50);
        } while (System.currentTimeMillis() < deadline);
        throw new AssertionError("never " + state + ": " + a.json());
    }

    @Test
    void connectorsAreCreatedInspectedPausedResumedRestartedAndDeletedWithKafkasPayloads() throws Exception {
        Path in = dir.resolve("in.txt");
        Files.writeString(in, "a\n");
        assertThat(call("GET", "/connectors", null)).isEqualTo(new Answer(200, List.of()));

        Answer created = call("POST", "/connectors", "{\"name\":\"src\",\"config\":" + sourceConfig(in) + "}");
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.map()).containsEntry("name", "src").containsEntry("type", "source")
                .containsEntry("tasks", List.of(Map.of("connector", "src", "task", 0L)));
        assertThat(call("POST", "/connectors", "{\"name\":\"src\",\"config\":" + sourceConfig(in) + "}").status())
                .isEqualTo(409);

        assertThat(call("GET", "/connectors", null).json()).isEqualTo(List.of("src"));
        assertThat(call("GET", "/connectors/src/config", null).map()).containsEntry("file", in.toString())
                .containsEntry("name", "src");
        assertThat(call("GET", "/connectors/src/tasks", null).json()).isEqualTo(List.of(Map.of(
                "id", Map.of("connector", "src", "task", 0L),
                "config", Map.of("file", in.toString(), "topic", "events", "batch.size", "2000"))));
        Answer status = awaitState("/connectors/src/status", "RUNNING");
        assertThat(status.map()).containsEntry("name", "src").containsEntry("type", "source");
        assertThat(asMap(status.map().get("connector"))).containsEntry("state", "RUNNING")
                .containsEntry("worker_id", "127.0.0.1:" + worker.restPort());
        assertThat(call("GET", "/connectors/src/tasks/0/status", null).map()).containsEntry("id", 0L)
                .containsEntry("state", "RUNNING");

        assertThat(call("PUT", "/connectors/src/pause", null).status()).isEqualTo(202);
        awaitState("/connectors/src/status", "PAUSED");
        assertThat(call("PUT", "/connectors/src/resume", null).status()).isEqualTo(202);
        awaitState("/connectors/src/status", "RUNNING");
        assertThat(call("POST", "/connectors/src/restart", null).status()).isEqualTo(204);
        assertThat(call("POST", "/connectors/src/tasks/0/restart", null).status()).isEqualTo(204);
        awaitState("/connectors/src/status", "RUNNING");
        Answer restarted = call("POST", "/connectors/src/restart?includeTasks=true&onlyFailed=true", null);
        assertThat(restarted.status()).isEqualTo(202);

        // PUT config: 200 for an update (201 was the create), the task gets the new settings
        Answer updated = call("PUT", "/connectors/src/config", sourceConfig(dir.resolve("other.txt")));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(call("GET", "/connectors/src/config", null).map()).containsEntry("file", dir.resolve("other.txt").toString());
        assertThat(call("PUT", "/connectors/new/config", sourceConfig(in)).status()).isEqualTo(201);
        assertThat(asMap(call("GET", "/connectors?expand=status", null).map().get("new"))).containsKey("status");

        assertThat(call("DELETE", "/connectors/src", null).status()).isEqualTo(204);
        assertThat(call("GET", "/connectors", null).json()).isEqualTo(List.of("new"));
        Answer missing = call("GET", "/connectors/src/status", null);
        assertThat(missing).isEqualTo(new Answer(404, Map.of("error_code", 404L, "message", "Connector src not found")));
    }

    @Test
    void invalidConfigurationsAreRefusedWith400ListingEveryProblem() throws Exception {
        Answer bad = call("POST", "/connectors", "{\"name\":\"x\",\"config\":{\"connector.class\":\"FileStreamSink\"}}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat((String) bad.map().get("message")).startsWith(
                "Connector configuration is invalid and contains the following 2 error(s):")
                .contains("file: a value is required").contains("topics: a sink connector needs exactly one");
        Answer mismatch = call("PUT", "/connectors/a/config", "{\"name\":\"b\",\"connector.class\":\"FileStreamSink\"}");
        assertThat(mismatch.status()).isEqualTo(400);
        assertThat(call("POST", "/connectors", "not json").status()).isEqualTo(400);
        Answer validated = call("PUT", "/connector-plugins/FileStreamSinkConnector/config/validate",
                "{\"topics\":\"t\"}");
        assertThat(validated.map()).containsEntry("error_count", 1L);
    }

    @Test
    void connectorPluginsListsTheConnectorsOnTheModulePath() throws Exception {
        Answer plugins = call("GET", "/connector-plugins", null);
        assertThat(plugins.status()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) plugins.json();
        assertThat(list).contains(
                Map.of("class", "dev.sluice.connect.file.FileStreamSinkConnector", "type", "sink", "version", "1.0"),
                Map.of("class", "dev.sluice.connect.file.FileStreamSourceConnector", "type", "source", "version", "1.0"));
    }
}
