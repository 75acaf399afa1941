package dev.sluice.connect.standalone;

import dev.sluice.broker.testing.Await;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.connect.runtime.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The standalone worker end to end against a real in-process broker. */
class StandaloneFileConnectorsTest {
    @TempDir
    Path dir;
    private TestBroker broker;

    @BeforeEach
    void startBroker() throws Exception {
        broker = TestBroker.start(dir);
        try (SluiceAdmin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("lines", 2), new NewTopic("json-in", 1))).get(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    private SluiceAdmin admin() {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        return new SluiceAdmin(p);
    }

    private Map<String, String> workerSettings() {
        Map<String, String> w = new HashMap<>();
        w.put("bootstrap.servers", broker.bootstrap());
        w.put("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        w.put("offset.flush.interval.ms", "200");
        w.put("listeners", "http://127.0.0.1:0");
        w.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        w.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        w.put("consumer.session.timeout.ms", "6000");
        w.put("consumer.heartbeat.interval.ms", "500");
        return w;
    }

    private static void append(Path file, int from, int to) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append("line ").append(i).append(" ünïcode\n");
        }
        Files.writeString(file, b, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static List<String> expected(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("line " + i + " ünïcode");
        }
        return out;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.await(what, Duration.ofSeconds(45), condition);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void fileSourceToTopicToFileSinkAcrossAWorkerRestartOutputEqualsInput() throws Exception {
        Path input = dir.resolve("input.txt");
        Path output = dir.resolve("output.txt");
        Map<String, String> source = Map.of("name", "file-source", "connector.class", "FileStreamSource",
                "file", input.toString(), "topic", "lines");
        Map<String, String> sink = Map.of("name", "file-sink", "connector.class",
                "org.apache.kafka.connect.file.FileStreamSinkConnector", "file", output.toString(), "topics", "lines",
                "tasks.max", "1");
        // the sink reads 2 partitions, so lines may interleave: the source keys nothing, and the
        // topic's order per partition is kept; we compare as multisets and also check no duplicates
        append(input, 0, 300);
        try (StandaloneWorker worker = StandaloneWorker.start(workerSettings(), List.of(source, sink))) {
            await("the first 300 lines in the output", () -> lines(output).size() >= 300);
            assertThat(worker.herder().status("file-source").tasks().get(0).state()).isEqualTo(State.RUNNING);
            append(input, 300, 400);
            await("some of the next lines", () -> lines(output).size() > 300);
        }
        // written while the worker is down, plus a line without its newline yet
        append(input, 400, 700);
        Files.writeString(input, "line 700 ünïcode", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        try (StandaloneWorker worker = StandaloneWorker.start(workerSettings(), List.of(source, sink))) {
            await("700 lines", () -> lines(output).size() >= 700);
            Thread.sleep(500);
            assertThat(lines(output)).hasSize(700); // the unfinished line waits for its newline
            Files.writeString(input, "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            append(input, 701, 1000);
            await("1000 lines", () -> lines(output).size() >= 1000);
        }
        assertThat(lines(output)).containsExactlyInAnyOrderElementsOf(expected(1000));
        assertThat(lines(output)).doesNotHaveDuplicates();
    }

    @Test
    void recordsThatFailConversionGoToTheDeadLetterTopicWithContextHeadersAndTheRestArrive() throws Exception {
        Path output = dir.resolve("json-out.txt");
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        try (SluiceProducer producer = new SluiceProducer(p)) {
            for (String v : List.of("{\"schema\":null,\"payload\":\"one\"}", "not json", "{\"schema\":null,\"payload\":\"two\"}")) {
                producer.send(ProducerRecord.of("json-in", v.getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, String> sink = new HashMap<>(Map.of("name", "json-sink", "connector.class", "FileStreamSink",
                "file", output.toString(), "topics", "json-in",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "errors.tolerance", "all", "errors.deadletterqueue.topic.name", "dlq",
                "errors.deadletterqueue.topic.replication.factor", "1",
                "errors.deadletterqueue.context.headers.enable", "true"));
        try (StandaloneWorker worker = StandaloneWorker.start(workerSettings(), List.of(sink))) {
            await("both good records", () -> lines(output).size() >= 2);
        }
        assertThat(lines(output)).containsExactly("one", "two");
        Properties c = new Properties();
        c.put("bootstrap.servers", broker.bootstrap());
        c.put("auto.offset.reset", "earliest");
        try (SluiceConsumer consumer = new SluiceConsumer(c)) {
            consumer.assign(List.of(new dev.sluice.api.storage.TopicPartition("dlq", 0)));
            List<ConsumerRecord> got = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (got.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertThat(got).hasSize(1);
            ConsumerRecord dead = got.get(0);
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
            Map<String, String> headers = new HashMap<>();
            dead.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
            assertThat(headers).containsEntry("__connect.errors.topic", "json-in")
                    .containsEntry("__connect.errors.offset", "1")
                    .containsEntry("__connect.errors.stage", "VALUE_CONVERTER")
                    .containsEntry("__connect.errors.connector.name", "json-sink");
        }
    }

    @Test
    void withoutErrorToleranceABadRecordFailsTheTask() throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        try (SluiceProducer producer = new SluiceProducer(p)) {
            producer.send(ProducerRecord.of("json-in", "not json".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
        Map<String, String> sink = Map.of("name", "strict", "connector.class", "FileStreamSink",
                "file", dir.resolve("strict.txt").toString(), "topics", "json-in",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter");
        try (StandaloneWorker worker = StandaloneWorker.start(workerSettings(), List.of(sink))) {
            await("the task to fail", () -> worker.herder().status("strict").tasks().get(0).state() == State.FAILED);
            assertThat(worker.herder().status("strict").tasks().get(0).trace())
                    .contains("Tolerance exceeded in error handler").contains("serialization error");
        }
    }
}
