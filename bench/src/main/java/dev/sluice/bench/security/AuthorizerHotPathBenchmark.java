package dev.sluice.bench.security;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.InProcessClusterState;
import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.AclBinding;
import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.AclPermissionType;
import dev.sluice.api.security.Action;
import dev.sluice.api.security.AuthorizableRequest;
import dev.sluice.api.security.AuthorizationResult;
import dev.sluice.api.security.Authorizer;
import dev.sluice.api.security.AuthorizerContext;
import dev.sluice.api.security.Authorizers;
import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a produce or fetch pays per topic for the built-in ACL authorizer: one decision as the broker's
 * Authorization helper asks it (a new {@link AuthorizableRequest} from the connection's principal and
 * host, then {@code authorize}), from four threads as the request handlers call it. 1,000 topics with
 * literal ACLs, 50 prefixed ones and a wildcard deny for another user. {@code cached}: the same topic
 * again (the produce/fetch steady state); {@code decided}: a decision taken from the ACLs each time
 * (the cache is bypassed by asking about ever new topic names; what the first request on a topic costs).
 * Nanoseconds per decision. Threads: JMH's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(4)
public class AuthorizerHotPathBenchmark {
    private static final KafkaPrincipal ALICE = KafkaPrincipal.user("alice");
    private ClusterMetadataStore store;
    private Authorizer authorizer;
    private final Action produceToTopic500 = new Action(AclOperation.WRITE, ResourceType.TOPIC, "topic-500");
    private final java.util.concurrent.atomic.AtomicLong fresh = new java.util.concurrent.atomic.AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
        store = new InProcessClusterState().connect();
        authorizer = Authorizers.load("acl");
        authorizer.start(new AuthorizerContext(0, Map.of("super.users", "User:admin"), store, Time.SYSTEM));
        List<AclBinding> acls = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            acls.add(new AclBinding(ResourcePattern.literal(ResourceType.TOPIC, "topic-" + i),
                    new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW)));
        }
        for (int i = 0; i < 50; i++) {
            acls.add(new AclBinding(ResourcePattern.prefixed(ResourceType.TOPIC, "team-" + i + "-"),
                    new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW)));
        }
        acls.add(new AclBinding(ResourcePattern.literal(ResourceType.TOPIC, "*"),
                new AccessControlEntry("User:mallory", "*", AclOperation.ALL, AclPermissionType.DENY)));
        authorizer.createAcls(new AuthorizableRequest(KafkaPrincipal.user("admin"), "", "", ""), acls);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        authorizer.close();
        store.close();
    }

    @Benchmark
    public AuthorizationResult cached() {
        return authorizer.authorize(new AuthorizableRequest(ALICE, "/10.0.0.1", "PLAINTEXT", "producer-1"), produceToTopic500);
    }

    @Benchmark
    public AuthorizationResult decided() {
        Action action = new Action(AclOperation.READ, ResourceType.TOPIC, "team-7-" + fresh.incrementAndGet());
        return authorizer.authorize(new AuthorizableRequest(ALICE, "/10.0.0.1", "PLAINTEXT", "consumer-1"), action);
    }
}
