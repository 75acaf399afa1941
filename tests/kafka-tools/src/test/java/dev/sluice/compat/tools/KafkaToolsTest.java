package dev.sluice.compat.tools;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Apache Kafka 4.1's own tools against a Sluice broker, as an operator runs them:
 * kafka-log-dirs.sh, kafka-acls.sh, kafka-features.sh, kafka-configs.sh for client quotas,
 * kafka-reassign-partitions.sh moving a replica between log directories.
 */
class KafkaToolsTest {
    @TempDir
    static Path dir;
    static Broker broker;
    static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        broker = Broker.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.resolve("data-a") + "," + dir.resolve("data-b"), "num.io.threads", "2", "num.network.threads", "1")));
        bootstrap = broker.bootstrapServers();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void kafkaLogDirsDescribesEachLogDirectoryWithItsPartitionsSizes() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("tools-logdirs", 2, (short) 1))).all().get(20, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>("tools-logdirs", 0, null, new byte[500])).get(20, TimeUnit.SECONDS);
        }
        KafkaTool.Result result = KafkaTool.run("org.apache.kafka.tools.LogDirsCommand", "--bootstrap-server", bootstrap,
                "--describe", "--topic-list", "tools-logdirs");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("Querying brokers for log directories information")
                .contains("\"broker\":" + broker.config().nodeId())
                .contains("\"logDir\":\"" + dir.resolve("data-a").toAbsolutePath() + "\"")
                .contains("\"logDir\":\"" + dir.resolve("data-b").toAbsolutePath() + "\"")
                .contains("\"partition\":\"tools-logdirs-1\",\"size\":0")
                .containsPattern("\"partition\":\"tools-logdirs-0\",\"size\":[5-9][0-9][0-9],")
                .contains("\"error\":null");
    }

    @Test
    void kafkaReassignPartitionsMovesAReplicaToTheLogDirectoryItsJsonNames() throws Exception {
        int node = broker.config().nodeId();
        org.apache.kafka.common.TopicPartitionReplica replica = new org.apache.kafka.common.TopicPartitionReplica("tools-move", 0, node);
        String target;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic("tools-move", 1, (short) 1))).all().get(20, TimeUnit.SECONDS);
            String current = admin.describeReplicaLogDirs(List.of(replica)).all().get(20, TimeUnit.SECONDS).get(replica)
                    .getCurrentReplicaLogDir();
            Path a = dir.resolve("data-a").toAbsolutePath();
            target = current.equals(a.toString()) ? dir.resolve("data-b").toAbsolutePath().toString() : a.toString();
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            producer.send(new ProducerRecord<>("tools-move", 0, null, new byte[500])).get(20, TimeUnit.SECONDS);
        }
        Path json = dir.resolve("reassign.json");
        java.nio.file.Files.writeString(json, "{\"version\":1,\"partitions\":[{\"topic\":\"tools-move\",\"partition\":0,"
                + "\"replicas\":[" + node + "],\"log_dirs\":[\"" + target + "\"]}]}");
        String reassign = "org.apache.kafka.tools.reassign.ReassignPartitionsCommand";
        KafkaTool.Result execute = KafkaTool.run(reassign, "--bootstrap-server", bootstrap, "--reassignment-json-file",
                json.toString(), "--execute");
        assertThat(execute.exitCode()).isZero();
        assertThat(execute.out()).contains("Successfully started partition reassignment for tools-move-0")
                .contains("Successfully started moving log directory to " + target + " for replica tools-move-0 with broker " + node);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        KafkaTool.Result verify;
        do {
            assertThat(System.nanoTime()).as("the move finished in time").isLessThan(deadline);
            Thread.sleep(100);
            verify = KafkaTool.run(reassign, "--bootstrap-server", bootstrap, "--reassignment-json-file", json.toString(), "--verify");
        } while (!verify.out().contains("Reassignment of replica tools-move-0-" + node + " completed successfully"));
        assertThat(verify.out()).contains("Reassignment of partition tools-move-0 is completed");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertThat(admin.describeReplicaLogDirs(List.of(replica)).all().get(20, TimeUnit.SECONDS).get(replica)
                    .getCurrentReplicaLogDir()).isEqualTo(target);
        }
    }

    @Test
    void kafkaAclsListReportsThatSecurityIsDisabled() throws Exception {
        KafkaTool.Result result = KafkaTool.run("org.apache.kafka.tools.AclCommand", "--bootstrap-server", bootstrap, "--list");
        // what it prints against a Kafka broker without an authorizer
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.all()).contains("Error while executing ACL command").contains("No Authorizer is configured.");
    }

    @Test
    void kafkaFeaturesDescribePrintsTheFinalizedMetadataVersion() throws Exception {
        KafkaTool.Result result = KafkaTool.run("org.apache.kafka.tools.FeatureCommand", "--bootstrap-server", bootstrap, "describe");
        assertThat(result.exitCode()).isZero();
        assertThat(result.out().strip()).isEqualTo("Feature: metadata.version\tSupportedMinVersion: 4.1-IV1\t"
                + "SupportedMaxVersion: 4.1-IV1\tFinalizedVersionLevel: 4.1-IV1\tEpoch: 0");
        KafkaTool.Result upgrade = KafkaTool.run("org.apache.kafka.tools.FeatureCommand", "--bootstrap-server", bootstrap,
                "upgrade", "--metadata", "4.2-IV1");
        assertThat(upgrade.exitCode()).isEqualTo(1);
        assertThat(upgrade.all()).contains("Sluice cannot change metadata.version");
    }

    @Test
    void kafkaConfigsSetsDescribesAndDeletesQuotasOfClientsUsersAndBoth() throws Exception {
        String configs = "kafka.admin.ConfigCommand";
        assertThat(KafkaTool.run(configs, "--bootstrap-server", bootstrap, "--alter", "--entity-type", "clients",
                "--entity-name", "reporting", "--add-config", "producer_byte_rate=1024,consumer_byte_rate=2048").out())
                .contains("Completed updating config for client reporting.");
        assertThat(KafkaTool.run(configs, "--bootstrap-server", bootstrap, "--describe", "--entity-type", "clients",
                "--entity-name", "reporting").out())
                .contains("Quota configs for client-id 'reporting' are consumer_byte_rate=2048.0, producer_byte_rate=1024.0");

        assertThat(KafkaTool.run(configs, "--bootstrap-server", bootstrap, "--alter", "--entity-type", "users",
                "--entity-default", "--add-config", "request_percentage=150").exitCode()).isZero();
        assertThat(KafkaTool.run(configs, "--bootstrap-server", bootstrap, "--alter", "--entity-type", "users",
                "--entity-name", "alice", "--entity-type", "clients", "--entity-name", "etl",
                "--add-config", "producer_byte_rate=4096").exitCode()).isZero();
        KafkaTool.Result users = KafkaTool.run(configs, "--bootstrap-server", bootstrap, "--describe", "--entity-type", "users");
        assertThat(users.exitCode()).isZero();
        assertThat(users.out()).contains("Quota configs for the default user-principal are request_percentage=150.0");
        KafkaTool.Result alice = KafkaTool.run(configs, "--bootstrap-server", bootstrap, "--describe", "--entity-type", "users",
                "--entity-name", "alice");
        assertThat(alice.exitCode()).isZero();
        assertThat(KafkaTool.run(configs, "--bootstrap-server", bootstrap, "--describe", "--entity-type", "users",
                "--entity-name", "alice", "--entity-type", "clients", "--entity-name", "etl").out())
                .contains("Quota configs for user-principal 'alice', client-id 'etl' are producer_byte_rate=4096.0");

        assertThat(KafkaTool.run(configs, "--bootstrap-server", bootstrap, "--alter", "--entity-type", "clients",
                "--entity-name", "reporting", "--delete-config", "producer_byte_rate").exitCode()).isZero();
        assertThat(KafkaTool.run(configs, "--bootstrap-server", bootstrap, "--describe", "--entity-type", "clients",
                "--entity-name", "reporting").out())
                .contains("Quota configs for client-id 'reporting' are consumer_byte_rate=2048.0")
                .doesNotContain("producer_byte_rate");
    }
}
