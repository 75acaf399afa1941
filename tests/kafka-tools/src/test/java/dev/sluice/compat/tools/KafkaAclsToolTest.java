package dev.sluice.compat.tools;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kafka-acls.sh (Kafka 4.1's AclCommand) managing the ACLs of a Sluice broker configured with Kafka's
 * authorizer class name: add, list, remove, the consumer convenience, and the ACLs surviving a restart
 * (a single node keeps them in its first log directory). The tool connects without authentication, as
 * {@code User:ANONYMOUS}, made a super user here so it may manage ACLs.
 */
class KafkaAclsToolTest {
    private static final String ACL_COMMAND = "org.apache.kafka.tools.AclCommand";

    @TempDir
    Path dir;

    private Broker start() throws Exception {
        return Broker.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", dir.toString(),
                "num.io.threads", "2", "num.network.threads", "1",
                "authorizer.class.name", "kafka.security.authorizer.AclAuthorizer", "super.users", "User:ANONYMOUS")));
    }

    @Test
    void kafkaAclsAddsListsAndRemovesAclsThatSurviveARestart() throws Exception {
        try (Broker broker = start()) {
            String bootstrap = broker.bootstrapServers();
            KafkaTool.Result added = KafkaTool.run(ACL_COMMAND, "--bootstrap-server", bootstrap, "--add",
                    "--allow-principal", "User:alice", "--allow-host", "10.0.0.1", "--operation", "Read", "--operation", "Write",
                    "--topic", "orders");
            assertThat(added.exitCode()).isZero();
            assertThat(added.out()).contains("Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, "
                    + "patternType=LITERAL)`");
            assertThat(KafkaTool.run(ACL_COMMAND, "--bootstrap-server", bootstrap, "--add", "--deny-principal", "User:bob",
                    "--operation", "All", "--topic", "pay-", "--resource-pattern-type", "prefixed").exitCode()).isZero();
            assertThat(KafkaTool.run(ACL_COMMAND, "--bootstrap-server", bootstrap, "--add", "--allow-principal", "User:carol",
                    "--consumer", "--topic", "events", "--group", "readers").exitCode()).isZero();

            KafkaTool.Result listed = KafkaTool.run(ACL_COMMAND, "--bootstrap-server", bootstrap, "--list");
            assertThat(listed.exitCode()).isZero();
            assertThat(listed.out())
                    .contains("Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`")
                    .contains("(principal=User:alice, host=10.0.0.1, operation=READ, permissionType=ALLOW)")
                    .contains("(principal=User:alice, host=10.0.0.1, operation=WRITE, permissionType=ALLOW)")
                    .contains("Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=pay-, patternType=PREFIXED)`")
                    .contains("(principal=User:bob, host=*, operation=ALL, permissionType=DENY)")
                    .contains("ResourcePattern(resourceType=GROUP, name=readers, patternType=LITERAL)")
                    .contains("(principal=User:carol, host=*, operation=DESCRIBE, permissionType=ALLOW)");

            KafkaTool.Result matching = KafkaTool.run(ACL_COMMAND, "--bootstrap-server", bootstrap, "--list", "--topic", "pay-now",
                    "--resource-pattern-type", "match");
            assertThat(matching.out()).contains("name=pay-, patternType=PREFIXED").doesNotContain("name=orders");

            KafkaTool.Result removed = KafkaTool.run(ACL_COMMAND, "--bootstrap-server", bootstrap, "--remove", "--force",
                    "--allow-principal", "User:alice", "--allow-host", "10.0.0.1", "--operation", "Write", "--topic", "orders");
            assertThat(removed.exitCode()).isZero();
        }
        try (Broker broker = start()) {
            KafkaTool.Result listed = KafkaTool.run(ACL_COMMAND, "--bootstrap-server", broker.bootstrapServers(), "--list",
                    "--topic", "orders");
            assertThat(listed.out()).contains("operation=READ, permissionType=ALLOW").doesNotContain("operation=WRITE");
            KafkaTool.Result all = KafkaTool.run(ACL_COMMAND, "--bootstrap-server", broker.bootstrapServers(), "--list");
            assertThat(all.out()).contains("name=pay-, patternType=PREFIXED").contains("name=readers");
        }
    }

    @Test
    void withoutAlterOnTheClusterKafkaAclsIsRefused() throws Exception {
        try (Broker broker = Broker.start(BrokerConfig.of(Map.of("listeners", "PLAINTEXT://127.0.0.1:0", "log.dirs", dir.toString(),
                "num.io.threads", "2", "num.network.threads", "1", "authorizer.class.name", "acl")))) {
            KafkaTool.Result added = KafkaTool.run(ACL_COMMAND, "--bootstrap-server", broker.bootstrapServers(), "--add",
                    "--allow-principal", "User:alice", "--operation", "Read", "--topic", "orders");
            assertThat(added.all()).contains("ClusterAuthorizationException");
            KafkaTool.Result listed = KafkaTool.run(ACL_COMMAND, "--bootstrap-server", broker.bootstrapServers(), "--list");
            assertThat(listed.all()).contains("ClusterAuthorizationException");
        }
    }
}
