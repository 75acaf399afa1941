package dev.sluice.tools;

import dev.sluice.broker.Broker;
import dev.sluice.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice acls} against a broker with the ACL authorizer (the command connects as User:ANONYMOUS,
 * a super user here): add, list (text with kafka-acls.sh's lines, json, match), remove; and the answer of a
 * broker without an authorizer.
 */
class AclsCommandTest {
    @TempDir
    Path dir;

    private static BrokerTestBase.Result sluice(String bootstrap, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-server");
        all.add(bootstrap);
        return BrokerTestBase.run(new ByteArrayInputStream(new byte[0]), all.toArray(String[]::new));
    }

    private Broker start(Map<String, String> extra) throws Exception {
        Map<String, String> config = new java.util.HashMap<>(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "log.dirs", dir.resolve("data").toString(), "num.io.threads", "2", "num.network.threads", "1"));
        config.putAll(extra);
        return Broker.start(BrokerConfig.of(config));
    }

    @Test
    void aclsAreAddedListedAndRemovedWithKafkaAclsWords() throws Exception {
        try (Broker broker = start(Map.of("authorizer.class.name", "acl", "super.users", "User:ANONYMOUS"))) {
            String b = broker.bootstrapServers();
            BrokerTestBase.Result added = sluice(b, "acls", "--add", "--allow-principal", "User:alice", "--operation", "Read",
                    "--operation", "Write", "--topic", "orders");
            assertThat(added.exitCode()).as(added.err()).isZero();
            assertThat(added.lines()).contains(
                    "Adding ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`: ",
                    " \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)");
            assertThat(sluice(b, "acls", "--add", "--deny-principal", "User:bob", "--deny-host", "10.0.0.1", "--topic", "ord",
                    "--resource-pattern-type", "prefixed").exitCode()).isZero();
            assertThat(sluice(b, "acls", "--add", "--allow-principal", "User:ops", "--operation", "Describe", "--cluster",
                    "--group", "g1").exitCode()).isZero();

            BrokerTestBase.Result listed = sluice(b, "acls", "--list", "--topic", "orders", "--resource-pattern-type", "match");
            assertThat(listed.out()).contains("Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, "
                    + "patternType=LITERAL)`: ").contains("(principal=User:alice, host=*, operation=WRITE, permissionType=ALLOW)")
                    .contains("name=ord, patternType=PREFIXED").contains("(principal=User:bob, host=10.0.0.1, operation=ALL, "
                            + "permissionType=DENY)").doesNotContain("User:ops");
            BrokerTestBase.Result json = sluice(b, "acls", "--list", "--principal", "User:ops", "--format", "json");
            assertThat(json.out().strip()).isEqualTo("[{\"resourceType\":\"CLUSTER\",\"name\":\"kafka-cluster\",\"patternType\":"
                    + "\"LITERAL\",\"principal\":\"User:ops\",\"host\":\"*\",\"operation\":\"DESCRIBE\",\"permissionType\":\"ALLOW\"},"
                    + "{\"resourceType\":\"GROUP\",\"name\":\"g1\",\"patternType\":\"LITERAL\",\"principal\":\"User:ops\","
                    + "\"host\":\"*\",\"operation\":\"DESCRIBE\",\"permissionType\":\"ALLOW\"}]");

            BrokerTestBase.Result removed = sluice(b, "acls", "--remove", "--allow-principal", "User:alice", "--operation", "Write",
                    "--topic", "orders");
            assertThat(removed.lines()).containsExactly("Removed ACL (principal=User:alice, host=*, operation=WRITE, "
                    + "permissionType=ALLOW) of resource `ResourcePattern(resourceType=TOPIC, name=orders, patternType=LITERAL)`");
            assertThat(sluice(b, "acls", "--remove", "--group", "g1").lines()).hasSize(1);
            assertThat(sluice(b, "acls", "--list", "--topic", "orders").out()).contains("operation=READ").doesNotContain("WRITE");

            BrokerTestBase.Result wrong = sluice(b, "acls", "--add", "--allow-principal", "alice", "--topic", "orders");
            assertThat(wrong.exitCode()).isEqualTo(2);
            assertThat(wrong.err()).contains("a principal is written Type:name");
        }
    }

    @Test
    void aBrokerWithoutAnAuthorizerSaysSecurityIsDisabled() throws Exception {
        try (Broker broker = start(Map.of())) {
            BrokerTestBase.Result listed = sluice(broker.bootstrapServers(), "acls", "--list");
            assertThat(listed.exitCode()).isEqualTo(1);
            assertThat(listed.err()).contains("No Authorizer is configured.");
        }
    }
}
