package dev.sluice.tools;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release archive as a user gets it (run by failsafe after {@code package} built it): unpacked in a
 * temporary directory, {@code bin/sluice --version} names the version and {@code bin/sluice server
 * config/server.properties} starts a broker that kafka-clients produce to and consume from. Nothing of
 * the build is on the broker's path: only the archive's lib/.
 */
class ReleaseArchiveIT {
    @TempDir
    Path dir;

    private Path unpack() throws Exception {
        Path archive = Path.of(System.getProperty("sluice.release.archive"));
        assertThat(archive).exists();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString()).inheritIO().start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        Path home = dir.resolve("sluice-" + System.getProperty("sluice.version"));
        assertThat(home.resolve("LICENSE")).exists();
        assertThat(home.resolve("config/server.properties")).exists();
        assertThat(Files.isExecutable(home.resolve("bin/sluice"))).isTrue();
        return home;
    }

    private static String run(Path home, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/sluice").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void theUnpackedArchiveRunsABrokerThatKafkaClientsUse() throws Exception {
        Path home = unpack();
        assertThat(run(home, "--version").strip()).isEqualTo("sluice " + System.getProperty("sluice.version"));

        int port = BrokerTestBase.freePort();
        Path log = dir.resolve("server.log");
        Process server = new ProcessBuilder(home.resolve("bin/sluice").toString(), "server", "config/server.properties",
                "listeners=PLAINTEXT://127.0.0.1:" + port, "log.dirs=" + dir.resolve("data"))
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .start();
        try {
            awaitListening(port, server, log);
            String bootstrap = "127.0.0.1:" + port;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("release", "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
                consumer.assign(List.of(new TopicPartition("release", 0)));
                consumer.seekToBeginning(consumer.assignment());
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (values.size() < 10 && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        values.add(r.value());
                    }
                }
            }
            assertThat(values).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
        } finally {
            server.destroy(); // SIGTERM: a clean shutdown
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(Files.readString(log)).contains("stopped; data is flushed and marked clean");
    }

    private static void awaitListening(int port, Process server, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("bin/sluice server exited " + server.exitValue() + ":\n" + Files.readString(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError("bin/sluice server did not listen within 60 s:\n" + Files.readString(log));
    }
}
