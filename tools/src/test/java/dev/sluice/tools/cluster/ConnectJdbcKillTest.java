package dev.sluice.tools.cluster;

import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import dev.sluice.client.admin.AdminConfig;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.connect.testing.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15's PostgreSQL test with a kill: the JDBC source (timestamp+incrementing) and the upserting JDBC
 * sink run in a {@code sluice connect standalone} JVM, which is killed with SIGKILL (no offset commit, no
 * LeaveGroup) while changed rows are being copied; more rows change while it is down; a new worker on the
 * same files finishes the job. Every insert and update reaches the topic (at least once: what was sent
 * after the last offset commit is sent again; with repeats removed, in the order the changes were made),
 * and the sink's upserted copy ends equal to the source table.
 */
class ConnectJdbcKillTest {
    private static final long BASE_MS = 1_700_000_000_000L;
    private static final String READY = "Connect worker started (standalone); REST interface on port ";

    @TempDir
    Path dir;
    private PostgresServer postgres;
    private Broker broker;
    private ChildProcess worker;
    /** Every change made to the source table, "id:name", in order. */
    private final List<String> changes = new ArrayList<>();
    private final Map<Integer, String> source = new TreeMap<>();

    @AfterEach
    void stop() throws Exception {
        try {
            if (worker != null) {
                worker.kill();
            }
            if (broker != null) {
                broker.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    /** Inserts or updates row {@code id}, each change one second after the last (its timestamp orders it). */
    private void change(int id, String name) {
        postgres.execute("INSERT INTO customers (id, name, updated_at) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE "
                + "SET name = EXCLUDED.name, updated_at = EXCLUDED.updated_at", id, name,
                LocalDateTime.ofInstant(Instant.ofEpochMilli(BASE_MS + changes.size() * 1000L), ZoneOffset.UTC));
        changes.add(id + ":" + name);
        source.put(id, name);
    }

    /** The sink's copy of the table, id → name (empty while it does not exist). */
    private Map<Integer, String> copy() {
        Map<Integer, String> out = new TreeMap<>();
        try {
            for (List<Object> row : postgres.query("SELECT id, name FROM \"copy_db-customers\"")) {
                out.put(((Number) row.get(0)).intValue(), (String) row.get(1));
            }
        } catch (IllegalStateException e) {
            return Map.of(); // not created yet
        }
        return out;
    }

    /** The topic's records as "id:name", in offset order. */
    @SuppressWarnings("unchecked")
    private List<String> topic() {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        List<String> out = new ArrayList<>();
        try (SluiceConsumer consumer = new SluiceConsumer(p)) {
            TopicPartition tp = new TopicPartition("db-customers", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    Map<String, Object> payload = (Map<String, Object>) JsonReader.parseObject(
                            new String(r.value(), StandardCharsets.UTF_8)).get("payload");
                    out.add(payload.get("id") + ":" + payload.get("name"));
                });
            }
        }
        return out;
    }

    private ChildProcess startWorker(String name, Path props, Path source, Path sink) throws IOException {
        ChildProcess w = ChildProcess.start(name, dir.resolve(name + ".log"), "256m",
                List.of("connect", "standalone", props.toString(), source.toString(), sink.toString()));
        w.awaitReady(READY, Duration.ofSeconds(90));
        return w;
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0)) {
            return probe.getLocalPort();
        }
    }

    @Test
    void aWorkerKilledWithSigkillWhileCopyingRowsLosesNoChangeAndTheCopyEndsEqual() throws Exception {
        postgres = PostgresServer.start(dir); // skips the test where PostgreSQL is not installed
        postgres.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                + "updated_at TIMESTAMP NOT NULL)");
        broker = Broker.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:" + freePort(),
                "log.dirs", dir.resolve("data").toString(), "num.io.threads", "2", "num.network.threads", "1",
                "auto.create.topics.enable", "false", "group.initial.rebalance.delay.ms", "0")));
        try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of(broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("db-customers", 1))).get(30, TimeUnit.SECONDS);
        }
        Path props = dir.resolve("worker.properties");
        Files.writeString(props, String.join("\n", "bootstrap.servers=" + broker.bootstrapServers(),
                "offset.storage.file.filename=" + dir.resolve("offsets"), "offset.flush.interval.ms=200",
                "listeners=http://127.0.0.1:0", "consumer.session.timeout.ms=6000",
                "consumer.heartbeat.interval.ms=500") + "\n");
        String db = "connection.url=" + postgres.url() + "\nconnection.user=" + PostgresServer.USER
                + "\nconnection.password=" + PostgresServer.PASSWORD + "\n";
        Path sourceProps = dir.resolve("jdbc-source.properties");
        Files.writeString(sourceProps, db + String.join("\n", "name=jdbc-source",
                "connector.class=JdbcSourceConnector", "table.whitelist=customers", "mode=timestamp+incrementing",
                "incrementing.column.name=id", "timestamp.column.name=updated_at", "topic.prefix=db-",
                "poll.interval.ms=200", "batch.max.rows=20") + "\n");
        Path sinkProps = dir.resolve("jdbc-sink.properties");
        Files.writeString(sinkProps, db + String.join("\n", "name=jdbc-sink",
                "connector.class=io.confluent.connect.jdbc.JdbcSinkConnector", "topics=db-customers",
                "insert.mode=upsert", "pk.mode=record_value", "pk.fields=id", "auto.create=true",
                "table.name.format=copy_${topic}") + "\n");

        for (int id = 1; id <= 50; id++) {
            change(id, "name-" + id);
        }
        worker = startWorker("worker-1", props, sourceProps, sinkProps);
        Await.until("the first 50 rows copied", Duration.ofSeconds(90), () -> copy().equals(source));

        // 75 changes (25 updates, 50 inserts); the worker is killed once it has copied some of them
        for (int id = 1; id <= 25; id++) {
            change(id, "renamed-" + id);
        }
        for (int id = 51; id <= 100; id++) {
            change(id, "name-" + id);
        }
        Await.until("some of the next changes copied", Duration.ofSeconds(90), () -> {
            Map<Integer, String> copy = copy();
            return copy.size() > 50 || copy.values().stream().anyMatch(n -> n.startsWith("renamed-"));
        });
        worker.kill();
        worker = null;

        // while no worker runs: rows the last run changed stay as they are (a polling source sees a row's
        // latest state only, so changing one again now could hide a change it had not read yet)
        for (int id = 26; id <= 50; id++) {
            change(id, "renamed-" + id);
        }
        for (int id = 101; id <= 120; id++) {
            change(id, "name-" + id);
        }
        worker = startWorker("worker-2", props, sourceProps, sinkProps);
        Await.until("the copy equal to the source table", Duration.ofSeconds(120), () -> copy().equals(source));

        List<String> topic = topic();
        // at least once: every change is there; repeats (sent again after the kill) keep the order of the changes
        assertThat(new ArrayList<>(new LinkedHashSet<>(topic))).containsExactlyElementsOf(changes);
        assertThat(copy()).isEqualTo(source);
    }
}
