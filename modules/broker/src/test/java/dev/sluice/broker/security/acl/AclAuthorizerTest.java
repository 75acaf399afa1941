package dev.sluice.broker.security.acl;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.AclBinding;
import dev.sluice.api.security.AclBindingFilter;
import dev.sluice.api.security.AclCreateOutcome;
import dev.sluice.api.security.AclDeleteOutcome;
import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.AclPermissionType;
import dev.sluice.api.security.Action;
import dev.sluice.api.security.AuthorizableRequest;
import dev.sluice.api.security.AuthorizationResult;
import dev.sluice.api.security.Authorizer;
import dev.sluice.api.security.AuthorizerContext;
import dev.sluice.api.security.Authorizers;
import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.api.security.PatternType;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.sluice.api.security.AclOperation.ALL;
import static dev.sluice.api.security.AclOperation.ALTER;
import static dev.sluice.api.security.AclOperation.ALTER_CONFIGS;
import static dev.sluice.api.security.AclOperation.CREATE;
import static dev.sluice.api.security.AclOperation.DELETE;
import static dev.sluice.api.security.AclOperation.DESCRIBE;
import static dev.sluice.api.security.AclOperation.DESCRIBE_CONFIGS;
import static dev.sluice.api.security.AclOperation.READ;
import static dev.sluice.api.security.AclOperation.WRITE;
import static dev.sluice.api.security.AclPermissionType.ALLOW;
import static dev.sluice.api.security.AclPermissionType.DENY;
import static dev.sluice.api.security.ResourceType.GROUP;
import static dev.sluice.api.security.ResourceType.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kafka's ACL rules, decided by the built-in authorizer over ACLs in a cluster metadata store. */
class AclAuthorizerTest {
    private static final AuthorizableRequest ALICE = request("User:alice", "/10.0.0.1");
    private static final AuthorizableRequest BOB = request("User:bob", "/10.0.0.2");

    private final InProcessClusterState cluster = new InProcessClusterState();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private static AuthorizableRequest request(String principal, String host) {
        return new AuthorizableRequest(KafkaPrincipal.parse(principal), host, "PLAINTEXT", "test");
    }

    private Authorizer authorizer(Map<String, String> settings) {
        ClusterMetadataStore store = cluster.connect();
        opened.add(store);
        Authorizer authorizer = Authorizers.load("acl");
        opened.add(authorizer);
        authorizer.start(new AuthorizerContext(1, settings, store, Time.SYSTEM));
        return authorizer;
    }

    private static void grant(Authorizer authorizer, ResourcePattern pattern, String principal, String host,
                              AclOperation op, AclPermissionType permission) {
        List<AclCreateOutcome> outcome = authorizer.createAcls(ALICE, List.of(new AclBinding(pattern,
                new AccessControlEntry(principal, host, op, permission))));
        assertThat(outcome).singleElement().isInstanceOf(AclCreateOutcome.Created.class);
    }

    private static boolean allowed(Authorizer authorizer, AuthorizableRequest who, AclOperation op, ResourceType type, String name) {
        return authorizer.authorize(who, new Action(op, type, name)) == AuthorizationResult.ALLOWED;
    }

    @Test
    void kafkasClassNamesAndTheShortNameSelectTheBuiltInAuthorizerAndOthersAreRefusedNamingWhatIsInstalled() {
        assertThat(Authorizers.load("kafka.security.authorizer.AclAuthorizer")).isInstanceOf(AclAuthorizer.class);
        assertThat(Authorizers.load("org.apache.kafka.metadata.authorizer.StandardAuthorizer")).isInstanceOf(AclAuthorizer.class);
        assertThat(Authorizers.load(AclAuthorizer.class.getName())).isInstanceOf(AclAuthorizer.class);
        assertThatThrownBy(() -> Authorizers.load("com.example.Nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no such authorizer").hasMessageContaining(AclAuthorizer.class.getName());
    }

    @Test
    void withoutAnyAclOnAResourceOnlyAllowEveryoneIfNoAclFoundAllows() {
        Authorizer closed = authorizer(Map.of());
        assertThat(allowed(closed, ALICE, READ, TOPIC, "orders")).isFalse();
        Authorizer open = authorizer(Map.of("allow.everyone.if.no.acl.found", "true"));
        assertThat(allowed(open, ALICE, READ, TOPIC, "orders")).isTrue();

        grant(open, ResourcePattern.literal(TOPIC, "orders"), "User:bob", "*", READ, ALLOW);
        assertThat(allowed(open, ALICE, READ, TOPIC, "orders")).as("an ACL exists now: no longer open to all").isFalse();
        assertThat(allowed(open, BOB, READ, TOPIC, "orders")).isTrue();
        assertThat(allowed(open, ALICE, READ, TOPIC, "payments")).isTrue();
    }

    @Test
    void denyWinsOverEveryAllow() {
        Authorizer authorizer = authorizer(Map.of());
        ResourcePattern orders = ResourcePattern.literal(TOPIC, "orders");
        grant(authorizer, orders, "User:alice", "*", ALL, ALLOW);
        grant(authorizer, ResourcePattern.literal(TOPIC, "*"), "User:alice", "*", WRITE, ALLOW);
        assertThat(allowed(authorizer, ALICE, WRITE, TOPIC, "orders")).isTrue();

        grant(authorizer, ResourcePattern.prefixed(TOPIC, "ord"), "User:*", "10.0.0.1", WRITE, DENY);
        assertThat(allowed(authorizer, ALICE, WRITE, TOPIC, "orders")).as("denied from her host").isFalse();
        assertThat(allowed(authorizer, ALICE, READ, TOPIC, "orders")).as("only WRITE is denied").isTrue();
        assertThat(allowed(authorizer, request("User:alice", "/10.0.0.9"), WRITE, TOPIC, "orders")).as("other host").isTrue();

        grant(authorizer, orders, "User:alice", "*", ALL, DENY);
        assertThat(allowed(authorizer, ALICE, DESCRIBE, TOPIC, "orders")).isFalse();
    }

    @Test
    void hostsMatchExactlyOrByWildcard() {
        Authorizer authorizer = authorizer(Map.of());
        grant(authorizer, ResourcePattern.literal(GROUP, "g"), "User:alice", "10.0.0.1", READ, ALLOW);
        assertThat(allowed(authorizer, ALICE, READ, GROUP, "g")).isTrue();
        assertThat(allowed(authorizer, request("User:alice", "/10.0.0.2"), READ, GROUP, "g")).isFalse();
    }

    @Test
    void superUsersMayDoEverythingEvenWhenDenied() {
        Authorizer authorizer = authorizer(Map.of("super.users", "User:admin; User:broker"));
        grant(authorizer, ResourcePattern.literal(TOPIC, "*"), "User:*", "*", ALL, DENY);
        assertThat(allowed(authorizer, request("User:admin", "/1.2.3.4"), DELETE, TOPIC, "orders")).isTrue();
        assertThat(allowed(authorizer, request("User:broker", "/1.2.3.4"), AclOperation.CLUSTER_ACTION, ResourceType.CLUSTER,
                ResourcePattern.CLUSTER_NAME)).isTrue();
        assertThat(allowed(authorizer, ALICE, DESCRIBE, TOPIC, "orders")).isFalse();
    }

    @Test
    void readWriteDeleteAndAlterImplyDescribeAndAlterConfigsImpliesDescribeConfigs() {
        Authorizer authorizer = authorizer(Map.of());
        for (AclOperation op : List.of(READ, WRITE, DELETE, ALTER)) {
            grant(authorizer, ResourcePattern.literal(TOPIC, "t-" + op), "User:alice", "*", op, ALLOW);
            assertThat(allowed(authorizer, ALICE, DESCRIBE, TOPIC, "t-" + op)).as("%s implies DESCRIBE", op).isTrue();
            assertThat(allowed(authorizer, ALICE, DESCRIBE_CONFIGS, TOPIC, "t-" + op)).isFalse();
        }
        grant(authorizer, ResourcePattern.literal(TOPIC, "configs"), "User:alice", "*", ALTER_CONFIGS, ALLOW);
        assertThat(allowed(authorizer, ALICE, DESCRIBE_CONFIGS, TOPIC, "configs")).isTrue();
        assertThat(allowed(authorizer, ALICE, DESCRIBE, TOPIC, "configs")).isFalse();

        grant(authorizer, ResourcePattern.literal(TOPIC, "described"), "User:alice", "*", DESCRIBE, ALLOW);
        assertThat(allowed(authorizer, ALICE, READ, TOPIC, "described")).as("implication is one way").isFalse();
        // a DENY of READ does not deny DESCRIBE that WRITE grants (Kafka denies only the operation named)
        grant(authorizer, ResourcePattern.literal(TOPIC, "t-WRITE"), "User:alice", "*", READ, DENY);
        assertThat(allowed(authorizer, ALICE, DESCRIBE, TOPIC, "t-WRITE")).isTrue();
    }

    @Test
    void wildcardResourcesWildcardPrincipalsAndPrefixes() {
        Authorizer authorizer = authorizer(Map.of());
        grant(authorizer, ResourcePattern.literal(TOPIC, "*"), "User:alice", "*", READ, ALLOW);
        grant(authorizer, ResourcePattern.literal(GROUP, "shared"), "User:*", "*", READ, ALLOW);
        grant(authorizer, ResourcePattern.prefixed(TOPIC, "bob-"), "User:bob", "*", WRITE, ALLOW);

        assertThat(allowed(authorizer, ALICE, READ, TOPIC, "anything")).isTrue();
        assertThat(allowed(authorizer, BOB, READ, GROUP, "shared")).isTrue();
        assertThat(allowed(authorizer, request("Group:ops", "/1.1.1.1"), READ, GROUP, "shared")).isTrue();
        assertThat(allowed(authorizer, BOB, WRITE, TOPIC, "bob-events")).isTrue();
        assertThat(allowed(authorizer, BOB, WRITE, TOPIC, "bo")).isFalse();
        assertThat(allowed(authorizer, BOB, WRITE, TOPIC, "alice-events")).isFalse();
    }

    @Test
    void aclsChangedThroughOneBrokerApplyOnEveryOtherOneEvenAfterADecisionWasCached() throws Exception {
        Authorizer first = authorizer(Map.of());
        Authorizer second = authorizer(Map.of());
        assertThat(allowed(second, ALICE, READ, TOPIC, "orders")).isFalse(); // cached now

        grant(first, ResourcePattern.literal(TOPIC, "orders"), "User:alice", "*", READ, ALLOW);
        awaitDecision(second, true);
        List<AclDeleteOutcome> deleted = first.deleteAcls(ALICE, List.of(new AclBindingFilter(ResourceType.ANY, "orders",
                PatternType.MATCH, null, null, AclOperation.ANY, AclPermissionType.ANY)));
        assertThat(((AclDeleteOutcome.Deleted) deleted.get(0)).deleted()).singleElement()
                .extracting(b -> b.entry().principal()).isEqualTo("User:alice");
        awaitDecision(second, false);
        assertThat(second.acls(AclBindingFilter.ANY)).isEmpty();
    }

    private static void awaitDecision(Authorizer authorizer, boolean expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (allowed(authorizer, ALICE, READ, TOPIC, "orders") != expected) {
            assertThat(System.nanoTime()).as("decision %s in time", expected).isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    @Test
    void describeAndDeleteFiltersSelectAsKafkasDo() {
        Authorizer authorizer = authorizer(Map.of());
        grant(authorizer, ResourcePattern.literal(TOPIC, "orders"), "User:alice", "*", READ, ALLOW);
        grant(authorizer, ResourcePattern.literal(TOPIC, "*"), "User:bob", "*", READ, ALLOW);
        grant(authorizer, ResourcePattern.prefixed(TOPIC, "ord"), "User:carol", "*", WRITE, DENY);
        grant(authorizer, ResourcePattern.prefixed(TOPIC, "pay"), "User:carol", "*", WRITE, DENY);

        assertThat(authorizer.acls(new AclBindingFilter(TOPIC, "orders", PatternType.MATCH, null, null, AclOperation.ANY,
                AclPermissionType.ANY))).extracting(b -> b.entry().principal())
                .containsExactlyInAnyOrder("User:alice", "User:bob", "User:carol");
        assertThat(authorizer.acls(new AclBindingFilter(TOPIC, "orders", PatternType.LITERAL, null, null, AclOperation.ANY,
                AclPermissionType.ANY))).extracting(b -> b.entry().principal()).containsExactly("User:alice");
        assertThat(authorizer.acls(new AclBindingFilter(ResourceType.ANY, null, PatternType.PREFIXED, "User:carol", null,
                WRITE, DENY))).hasSize(2);

        List<AclDeleteOutcome> outcome = authorizer.deleteAcls(ALICE, List.of(new AclBindingFilter(TOPIC, null,
                PatternType.PREFIXED, null, null, AclOperation.ANY, AclPermissionType.ANY)));
        assertThat(((AclDeleteOutcome.Deleted) outcome.get(0)).deleted()).hasSize(2);
        assertThat(authorizer.acls(AclBindingFilter.ANY)).hasSize(2);
    }

    @Test
    void aClusterAclMustNameKafkaCluster() {
        Authorizer authorizer = authorizer(Map.of());
        List<AclCreateOutcome> outcome = authorizer.createAcls(ALICE, List.of(new AclBinding(
                ResourcePattern.literal(ResourceType.CLUSTER, "other"), new AccessControlEntry("User:a", "*", CREATE, ALLOW))));
        assertThat(outcome).singleElement().isInstanceOfSatisfying(AclCreateOutcome.Failed.class,
                f -> assertThat(f.failure().message()).contains("kafka-cluster"));
    }

    @Test
    void writeOnAnyTopicAllowsWhatNeedsItByResourceType() {
        Authorizer authorizer = authorizer(Map.of());
        assertThat(authorizer.authorizeByResourceType(ALICE, WRITE, TOPIC)).isEqualTo(AuthorizationResult.DENIED);
        grant(authorizer, ResourcePattern.prefixed(TOPIC, "alice-"), "User:alice", "*", WRITE, ALLOW);
        assertThat(authorizer.authorizeByResourceType(ALICE, WRITE, TOPIC)).isEqualTo(AuthorizationResult.ALLOWED);
        grant(authorizer, ResourcePattern.prefixed(TOPIC, "ali"), "User:alice", "*", WRITE, DENY);
        assertThat(authorizer.authorizeByResourceType(ALICE, WRITE, TOPIC)).as("dominated by a shorter prefix denied")
                .isEqualTo(AuthorizationResult.DENIED);
    }
}
