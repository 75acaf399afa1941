package dev.sluice.tools;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice cluster} as a real process: ZooKeeper and three brokers that form one cluster
 * (every broker listed, a controller, a topic's partitions led by all three), stopped cleanly on SIGTERM.
 */
class ClusterCommandTest {
    private static final String READY = "Sluice cluster is running: bootstrap.servers=";

    @TempDir
    Path dir;

    @Test
    void runsZooKeeperAndThreeBrokersAsOneClusterUntilSigterm() throws Exception {
        Path stderr = dir.resolve("cluster.err");
        Process cluster = new ProcessBuilder(ChildJvm.javaCommand(), "-Xmx512m", "-cp", ChildJvm.classPath(),
                Sluice.class.getName(), "cluster", "--brokers", "3", "--base-port", "0", "--zookeeper-port", "0",
                "--data-dir", dir.resolve("data").toString(), "num.io.threads=2", "num.network.threads=1")
                .redirectError(stderr.toFile()).start();
        try {
            String bootstrap;
            try {
                bootstrap = ChildJvm.awaitReady(cluster, READY, "sluice cluster");
            } catch (java.io.IOException e) {
                cluster.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(e.getMessage() + ": " + Files.readString(stderr), e);
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (admin.describeCluster().nodes().get().size() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertThat(admin.describeCluster().nodes().get()).extracting(Node::id).containsExactlyInAnyOrder(1, 2, 3);
                assertThat(admin.describeCluster().controller().get().id()).isBetween(1, 3);

                admin.createTopics(List.of(new NewTopic("spread", 3, (short) 1))).all().get();
                Set<Integer> leaders = new HashSet<>();
                while (System.nanoTime() < deadline) {
                    TopicDescription d;
                    try {
                        d = admin.describeTopics(List.of("spread")).allTopicNames().get().get("spread");
                    } catch (java.util.concurrent.ExecutionException e) {
                        // LEADER_NOT_AVAILABLE while the controller elects the leaders, as in Kafka
                        assertThat(e.getCause()).isInstanceOf(org.apache.kafka.common.errors.RetriableException.class);
                        Thread.sleep(100);
                        continue;
                    }
                    leaders.clear();
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.leader() != null && !p.leader().isEmpty()) {
                            leaders.add(p.leader().id());
                        }
                    }
                    if (leaders.size() == 3) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertThat(leaders).isEqualTo(Set.of(1, 2, 3));
            }
            for (int id = 1; id <= 3; id++) {
                assertThat(dir.resolve("data").resolve(Integer.toString(id)).resolve("meta.properties")).isRegularFile();
            }
            assertThat(dir.resolve("data").resolve("zookeeper")).isDirectory();

            cluster.destroy(); // SIGTERM
            assertThat(cluster.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(stderr)).contains("sluice cluster: stopped");
        } finally {
            cluster.destroyForcibly();
            cluster.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void badOptionsAreUsageErrors() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(new ClusterCommand().run(new String[] {"--brokers", "0"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--brokers must be 1-99");
        err.reset();
        assertThat(new ClusterCommand().run(new String[] {"--nodes", "3"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --nodes");
    }
}
