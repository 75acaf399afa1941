package dev.sluice.broker.it;

import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.apache.kafka.common.acl.AclOperation.ALTER;
import static org.apache.kafka.common.acl.AclOperation.ALTER_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.CLUSTER_ACTION;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DELETE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.IDEMPOTENT_WRITE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KIP-430's authorized operations through kafka-clients' Admin ({@code includeAuthorizedOperations}): a topic's
 * (Metadata), a group's (DescribeGroups) and the cluster's (DescribeCluster), computed by the ACL authorizer
 * as Kafka computes them (implied operations included); a super user gets every operation of the resource type;
 * not asked, they are absent. Metadata v8-10's cluster field (kafka-clients 4.1 asks DescribeCluster) on the wire.
 */
class AuthorizedOperationsTest {
    private static final long TIMEOUT_SECONDS = 20;
    @TempDir
    static Path dir;
    static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start(dir, Map.of("listeners", "SASL_PLAINTEXT://127.0.0.1:0", "sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", SaslAuthenticationTest.PLAIN_JAAS,
                "authorizer.class.name", "acl", "super.users", "User:admin", "offsets.topic.num.partitions", "1"));
        try (Admin admin = as("admin", "admin-secret")) {
            admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1), new NewTopic("hidden", 1, (short) 1)))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            admin.alterConsumerGroupOffsets("billing", Map.of(new TopicPartition("orders", 0), new OffsetAndMetadata(0)))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            admin.createAcls(List.of(
                    allow(ResourceType.TOPIC, "orders", READ), allow(ResourceType.TOPIC, "orders", ALTER_CONFIGS),
                    allow(ResourceType.GROUP, "billing", READ),
                    allow(ResourceType.CLUSTER, "kafka-cluster", IDEMPOTENT_WRITE),
                    allow(ResourceType.CLUSTER, "kafka-cluster", DESCRIBE))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private static AclBinding allow(ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:alice", "*", operation, AclPermissionType.ALLOW));
    }

    private static Admin as(String user, String password) {
        return SaslAuthenticationTest.admin(broker.bootstrap(), SaslAuthenticationTest.login("PLAIN", user, password));
    }

    private static Set<AclOperation> topicOperations(Admin admin, boolean include) throws Exception {
        return admin.describeTopics(List.of("orders"), new DescribeTopicsOptions().includeAuthorizedOperations(include))
                .allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get("orders").authorizedOperations();
    }

    @Test
    void aTopicsOperationsAreWhatTheAclsGrantImpliedOnesIncluded() throws Exception {
        try (Admin alice = as("alice", "alice-secret"); Admin admin = as("admin", "admin-secret")) {
            // READ implies DESCRIBE, ALTER_CONFIGS implies DESCRIBE_CONFIGS
            assertThat(topicOperations(alice, true)).containsExactlyInAnyOrder(READ, DESCRIBE, ALTER_CONFIGS, DESCRIBE_CONFIGS);
            assertThat(topicOperations(admin, true)).containsExactlyInAnyOrder(READ, WRITE, CREATE, DESCRIBE, DELETE, ALTER,
                    DESCRIBE_CONFIGS, ALTER_CONFIGS);
            assertThat(topicOperations(alice, false)).isNull();
        }
    }

    @Test
    void aGroupsAndTheClustersOperationsAreWhatTheAclsGrant() throws Exception {
        try (Admin alice = as("alice", "alice-secret"); Admin admin = as("admin", "admin-secret")) {
            assertThat(alice.describeConsumerGroups(List.of("billing"), new DescribeConsumerGroupsOptions()
                    .includeAuthorizedOperations(true)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get("billing")
                    .authorizedOperations()).containsExactlyInAnyOrder(READ, DESCRIBE);
            assertThat(admin.describeConsumerGroups(List.of("billing"), new DescribeConsumerGroupsOptions()
                    .includeAuthorizedOperations(true)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get("billing")
                    .authorizedOperations()).containsExactlyInAnyOrder(READ, DESCRIBE, DELETE);

            assertThat(alice.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
                    .authorizedOperations().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).containsExactlyInAnyOrder(IDEMPOTENT_WRITE, DESCRIBE);
            assertThat(admin.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
                    .authorizedOperations().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).containsExactlyInAnyOrder(CREATE, CLUSTER_ACTION,
                    DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE);
            assertThat(alice.describeCluster().authorizedOperations().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void withoutDescribeOnTheClusterItsOperationsAreNone() throws Exception {
        AclBinding deny = new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                new AccessControlEntry("User:alice", "*", DESCRIBE, AclPermissionType.DENY));
        try (Admin admin = as("admin", "admin-secret")) {
            admin.createAcls(List.of(deny)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            try (Admin alice = as("alice", "alice-secret")) {
                // as Kafka: nothing, although IDEMPOTENT_WRITE is still allowed
                assertThat(alice.describeCluster(new DescribeClusterOptions().includeAuthorizedOperations(true))
                        .authorizedOperations().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEmpty();
            } finally {
                admin.deleteAcls(List.of(deny.toFilter())).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void withoutAnAuthorizerEveryOperationIsAuthorizedAndMetadataV10CarriesTheClusters(@TempDir Path plainDir) throws Exception {
        try (TestBroker plain = TestBroker.start(plainDir, Map.of("auto.create.topics.enable", "false"));
             WireClient client = new WireClient(plain.bootstrap())) {
            client.call(ApiKey.CREATE_TOPICS, WireClient.CREATE_TOPICS_V, WireClient.createTopics("orders", 1));
            Struct asked = WireClient.metadata("orders").set("IncludeClusterAuthorizedOperations", true)
                    .set("IncludeTopicAuthorizedOperations", true);
            Struct v10 = client.call(ApiKey.METADATA, (short) 10, asked);
            // Kafka's own bit field of its supported operations, computed by kafka-clients
            assertThat(v10.getInt("ClusterAuthorizedOperations")).isEqualTo(bits(CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS,
                    ALTER_CONFIGS, IDEMPOTENT_WRITE, ALTER, DESCRIBE));
            assertThat(v10.getArray("Topics").get(0).getInt("TopicAuthorizedOperations")).isEqualTo(bits(READ, WRITE, CREATE,
                    DESCRIBE, DELETE, ALTER, DESCRIBE_CONFIGS, ALTER_CONFIGS));
            Struct notAsked = client.call(ApiKey.METADATA, (short) 10, WireClient.metadata("orders"));
            assertThat(notAsked.getInt("ClusterAuthorizedOperations")).isEqualTo(Integer.MIN_VALUE);
            assertThat(notAsked.getArray("Topics").get(0).getInt("TopicAuthorizedOperations")).isEqualTo(Integer.MIN_VALUE);
        }
    }

    private static int bits(AclOperation... operations) {
        Set<Byte> codes = new java.util.HashSet<>();
        for (AclOperation op : operations) {
            codes.add(op.code());
        }
        return org.apache.kafka.common.utils.Utils.to32BitField(codes);
    }
}
