package dev.sluice.tools.cluster;

import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three {@code sluice connect distributed} workers in their own JVMs against one broker; the worker
 * running the most tasks is killed with SIGKILL (no commit, no LeaveGroup): after the group's session
 * timeout its tasks run on the others, and every line of every source file reaches the sink file
 * (at least once: what the killed worker sent after its last offset commit is sent again).
 */
class ConnectWorkerKillTest {
    @TempDir
    Path dir;
    private Broker broker;
    private final List<ChildProcess> workers = new ArrayList<>();

    @AfterEach
    void stop() {
        workers.forEach(ChildProcess::kill);
        if (broker != null) {
            broker.close();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    private static Object http(String method, int port, String path, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setRequestMethod(method);
        c.setRequestProperty("Content-Type", "application/json");
        if (body != null) {
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (status >= 400) {
                throw new IOException("HTTP " + status + ": " + text);
            }
            return text.isEmpty() ? null : JsonReader.parse(text);
        } finally {
            c.disconnect();
        }
    }

    /** Worker id → the task ids ("name-n") it runs, as the status topic says, RUNNING ones only. */
    @SuppressWarnings("unchecked")
    private static Map<String, Set<String>> placement(int port) throws IOException {
        Map<String, Object> all = (Map<String, Object>) http("GET", port, "/connectors?expand=status", null);
        Map<String, Set<String>> out = new HashMap<>();
        for (Map.Entry<String, Object> e : all.entrySet()) {
            Map<String, Object> status = (Map<String, Object>) ((Map<String, Object>) e.getValue()).get("status");
            for (Object t : (List<Object>) status.get("tasks")) {
                Map<String, Object> task = (Map<String, Object>) t;
                if ("RUNNING".equals(task.get("state"))) {
                    out.computeIfAbsent((String) task.get("worker_id"), k -> new HashSet<>()).add(e.getKey() + "-" + task.get("id"));
                }
            }
        }
        return out;
    }

    private static void append(Path file, String prefix, int from, int to) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append(prefix).append(i).append('\n');
        }
        Files.writeString(file, b, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static Set<String> lines(Path file) throws IOException {
        return Files.exists(file) ? new HashSet<>(Files.readAllLines(file, StandardCharsets.UTF_8)) : Set.of();
    }

    @Test
    void aWorkerKilledWithSigkillHasItsTasksMovedAndNoLineIsLost() throws Exception {
        int brokerPort = freePort();
        broker = Broker.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort,
                "log.dirs", dir.resolve("data").toString(), "num.io.threads", "2", "num.network.threads", "1",
                "auto.create.topics.enable", "false", "group.initial.rebalance.delay.ms", "0")));
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("events", 3))).get(30, TimeUnit.SECONDS);
        }
        Path props = dir.resolve("worker.properties");
        Files.writeString(props, String.join("\n",
                "bootstrap.servers=" + broker.bootstrapServers(), "group.id=connect-kill",
                "config.storage.topic=cfg", "offset.storage.topic=offs", "status.storage.topic=stat",
                "config.storage.replication.factor=1", "offset.storage.replication.factor=1",
                "status.storage.replication.factor=1", "offset.storage.partitions=6",
                "session.timeout.ms=6000", "heartbeat.interval.ms=500", "offset.flush.interval.ms=300",
                "listeners=http://127.0.0.1:0",
                "key.converter=org.apache.kafka.connect.storage.StringConverter",
                "value.converter=org.apache.kafka.connect.storage.StringConverter",
                "consumer.session.timeout.ms=6000", "consumer.heartbeat.interval.ms=500") + "\n");
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ChildProcess w = ChildProcess.start("worker-" + i, dir.resolve("worker-" + i + ".log"), "256m",
                    List.of("connect", "distributed", props.toString()));
            workers.add(w);
        }
        for (ChildProcess w : workers) {
            ports.add(Integer.parseInt(w.awaitReady("Connect worker started (distributed); REST interface on port ",
                    Duration.ofSeconds(90)).trim()));
        }
        Path out = dir.resolve("out.txt");
        Set<String> expected = new HashSet<>();
        for (String s : List.of("a", "b", "c")) {
            Path in = dir.resolve(s + ".txt");
            append(in, s + "-", 0, 300);
            for (int i = 0; i < 300; i++) {
                expected.add(s + "-" + i);
            }
            http("POST", ports.get(0), "/connectors", "{\"name\":\"src-" + s + "\",\"config\":{\"connector.class\":"
                    + "\"FileStreamSource\",\"file\":\"" + in + "\",\"topic\":\"events\"}}");
        }
        http("POST", ports.get(1), "/connectors", "{\"name\":\"sink\",\"config\":{\"connector.class\":"
                + "\"FileStreamSink\",\"file\":\"" + out + "\",\"topics\":\"events\"}}");
        Await.until("4 tasks RUNNING", Duration.ofSeconds(90), () ->
                placement(ports.get(2)).values().stream().mapToInt(Set::size).sum() == 4);
        Await.until("the first 900 lines", Duration.ofSeconds(60), () -> lines(out).containsAll(expected));

        Map<String, Set<String>> before = placement(ports.get(2));
        String victimId = before.entrySet().stream().max(Map.Entry.comparingByValue(
                java.util.Comparator.comparingInt(Set::size))).orElseThrow().getKey();
        int victim = ports.indexOf(Integer.parseInt(victimId.substring(victimId.lastIndexOf(':') + 1)));
        Set<String> moved = before.get(victimId);
        workers.get(victim).kill();
        int survivor = victim == 0 ? 1 : 0;

        for (String s : List.of("a", "b", "c")) {
            append(dir.resolve(s + ".txt"), s + "-", 300, 600);
            for (int i = 300; i < 600; i++) {
                expected.add(s + "-" + i);
            }
        }
        Await.until("the killed worker's tasks " + moved + " RUNNING elsewhere", Duration.ofSeconds(90), () -> {
            Map<String, Set<String>> now = placement(ports.get(survivor));
            return !now.containsKey(victimId) && now.values().stream().mapToInt(Set::size).sum() == 4;
        });
        Await.until("all 1800 lines", Duration.ofSeconds(90), () -> lines(out).containsAll(expected));
        assertThat(lines(out)).isEqualTo(expected);
    }
}
