package dev.sluice.connect.jdbc;

import dev.sluice.api.internal.json.JsonReader;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.testing.Await;
import dev.sluice.broker.testing.TestBroker;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.connect.standalone.StandaloneWorker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A table captured by the JDBC source (timestamp+incrementing) into a topic and upserted by the JDBC
 * sink into another table, across a worker restart; each database runs it through a subclass.
 */
abstract class JdbcRoundTripTestBase {
    private static final long BASE_MS = 1_700_000_000_000L;

    @TempDir
    Path dir;
    private TestBroker broker;

    /** The JDBC URL of an empty database (started by the subclass). */
    abstract String url();

    /** The user and password, or nulls. */
    abstract String[] credentials();

    @BeforeEach
    void startBroker() throws Exception {
        broker = TestBroker.start(dir);
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
        try (SluiceAdmin admin = new SluiceAdmin(p)) {
            admin.createTopics(List.of(new NewTopic("db-customers", 1))).get(30, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    private Connection db() throws SQLException {
        return DriverManager.getConnection(url(), credentials()[0], credentials()[1]);
    }

    private void exec(String sql) throws SQLException {
        try (Connection c = db(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private void upsertSource(int id, String name, int second) throws SQLException {
        try (Connection c = db()) {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM customers WHERE id = ?")) {
                del.setInt(1, id);
                del.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO customers (id, name, updated_at) VALUES (?, ?, ?)")) {
                st.setInt(1, id);
                st.setString(2, name);
                st.setTimestamp(3, new Timestamp(BASE_MS + second * 1000L));
                st.executeUpdate();
            }
        }
    }

    private Map<Integer, String> table(String name) {
        Map<Integer, String> out = new TreeMap<>();
        try (Connection c = db(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, name FROM \"" + name + "\"")) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getString(2));
            }
        } catch (SQLException e) {
            return Map.of(); // not created yet
        }
        return out;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.await(what, Duration.ofSeconds(45), condition);
    }

    private Map<String, String> worker() {
        Map<String, String> w = new HashMap<>();
        w.put("bootstrap.servers", broker.bootstrap());
        w.put("offset.storage.file.filename", dir.resolve("offsets").toString());
        w.put("offset.flush.interval.ms", "200");
        w.put("listeners", "http://127.0.0.1:0");
        w.put("consumer.session.timeout.ms", "6000");
        w.put("consumer.heartbeat.interval.ms", "500");
        return w;
    }

    private List<Map<String, String>> connectors() {
        Map<String, String> source = new HashMap<>(Map.of("name", "jdbc-source", "connector.class", "JdbcSourceConnector",
                "connection.url", url(), "table.whitelist", "customers", "mode", "timestamp+incrementing",
                "incrementing.column.name", "id", "timestamp.column.name", "updated_at", "topic.prefix", "db-",
                "poll.interval.ms", "200"));
        Map<String, String> sink = new HashMap<>(Map.of("name", "jdbc-sink",
                "connector.class", "io.confluent.connect.jdbc.JdbcSinkConnector", "connection.url", url(),
                "topics", "db-customers", "insert.mode", "upsert", "pk.mode", "record_value", "pk.fields", "id",
                "auto.create", "true", "table.name.format", "copy_${topic}"));
        if (credentials()[0] != null) {
            for (Map<String, String> c : List.of(source, sink)) {
                c.put("connection.user", credentials()[0]);
                c.put("connection.password", credentials()[1]);
            }
        }
        return List.of(source, sink);
    }

    /** Every record of the topic: (id, name) of each value's payload, in order. */
    private List<String> topic() {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrap());
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

    @Test
    void insertedAndUpdatedRowsReachTheTopicAndAreUpsertedIntoATableAcrossAWorkerRestart() throws Exception {
        exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL, updated_at TIMESTAMP NOT NULL)");
        upsertSource(1, "ada", 1);
        upsertSource(2, "grace", 2);
        upsertSource(3, "edsger", 3);
        try (StandaloneWorker w = StandaloneWorker.start(worker(), connectors())) {
            await("the three rows copied", () -> table("copy_db-customers").size() == 3);
            upsertSource(2, "grace hopper", 4); // an update
            upsertSource(4, "barbara", 5);      // an insert
            await("the update and the insert copied", () -> table("copy_db-customers").equals(
                    Map.of(1, "ada", 2, "grace hopper", 3, "edsger", 4, "barbara")));
        }
        // while the worker is down
        upsertSource(1, "ada lovelace", 6);
        upsertSource(5, "alan", 7);
        try (StandaloneWorker w = StandaloneWorker.start(worker(), connectors())) {
            await("the table equal to the source", () -> table("copy_db-customers").equals(table("customers")));
        }
        assertThat(table("copy_db-customers")).isEqualTo(Map.of(1, "ada lovelace", 2, "grace hopper", 3, "edsger",
                4, "barbara", 5, "alan"));
        // every insert and update once, in the order they were made; the restart repeated nothing
        assertThat(topic()).containsExactly("1:ada", "2:grace", "3:edsger", "2:grace hopper", "4:barbara",
                "1:ada lovelace", "5:alan");
    }
}
