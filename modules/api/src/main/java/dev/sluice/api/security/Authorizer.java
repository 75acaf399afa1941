package dev.sluice.api.security;

import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a principal may do an {@link Action}, and keeps the ACLs that CreateAcls,
 * DescribeAcls and DeleteAcls manage (Kafka's {@code org.apache.kafka.server.authorizer.Authorizer}).
 * Found with {@link java.util.ServiceLoader} and chosen by the broker setting {@code authorizer.class.name}:
 * the implementing class's name or one of its {@link #aliases()} ({@link Authorizers#load}). Without the
 * setting nothing is checked and the ACL APIs answer SECURITY_DISABLED.
 *
 * <p>Lifecycle: instantiated with its no-argument constructor, {@link #start} once before any other
 * call, {@link #close} when the broker stops. Threads: {@link #authorize} is called concurrently by
 * every request-handler thread for nearly every request, so it must be cheap and thread-safe; the ACL
 * calls may block (they store the change) and may also run concurrently.
 */
public interface Authorizer extends AutoCloseable {

    /** Other names {@code authorizer.class.name} may use for this authorizer (e.g. a short name). */
    default Set<String> aliases() {
        return Set.of();
    }

    /** Called once before anything else. */
    void start(AuthorizerContext context);

    /** The decision on one action; implementations should answer fast (cache what they can). */
    AuthorizationResult authorize(AuthorizableRequest request, Action action);

    /**
     * Whether the principal may do {@code operation} on at least one resource of {@code type}
     * (Kafka's KIP-679 check: InitProducerId without a transactional id is allowed with WRITE on any
     * topic). The default is Kafka's default over {@link #acls}: allowed if some ALLOW ACL of the
     * principal (or {@code User:*}) and host for the operation (or ALL) is not dominated by a DENY ACL:
     * a literal deny of the same name, a prefixed deny that is a prefix of it, or a wildcard deny.
     * A super user is found by asking {@link #authorize} about an arbitrary name first.
     */
    default AuthorizationResult authorizeByResourceType(AuthorizableRequest request, AclOperation operation, ResourceType type) {
        if (authorize(request, new Action(operation, type, "hardcode")) == AuthorizationResult.ALLOWED) {
            return AuthorizationResult.ALLOWED;
        }
        Map<PatternType, Set<String>> denied = new EnumMap<>(PatternType.class);
        Map<PatternType, Set<String>> allowed = new EnumMap<>(PatternType.class);
        String principal = request.principal().toString();
        for (AclBinding binding : acls(new AclBindingFilter(type, null, PatternType.ANY, null, null,
                AclOperation.ANY, AclPermissionType.ANY))) {
            AccessControlEntry entry = binding.entry();
            if (!entry.appliesTo(principal, request.clientHost())
                    || (entry.operation() != operation && entry.operation() != AclOperation.ALL)) {
                continue;
            }
            ResourcePattern pattern = binding.pattern();
            boolean wildcard = pattern.patternType() == PatternType.LITERAL && pattern.name().equals(ResourcePattern.WILDCARD_RESOURCE);
            if (entry.permission() == AclPermissionType.DENY) {
                if (wildcard) {
                    return AuthorizationResult.DENIED;
                }
                denied.computeIfAbsent(pattern.patternType(), k -> new HashSet<>()).add(pattern.name());
            } else if (wildcard) {
                allowed.computeIfAbsent(PatternType.LITERAL, k -> new HashSet<>()).add(ResourcePattern.WILDCARD_RESOURCE);
            } else {
                allowed.computeIfAbsent(pattern.patternType(), k -> new HashSet<>()).add(pattern.name());
            }
        }
        if (allowed.getOrDefault(PatternType.LITERAL, Set.of()).contains(ResourcePattern.WILDCARD_RESOURCE)) {
            return AuthorizationResult.ALLOWED;
        }
        Set<String> deniedLiterals = denied.getOrDefault(PatternType.LITERAL, Set.of());
        Set<String> deniedPrefixes = denied.getOrDefault(PatternType.PREFIXED, Set.of());
        for (Map.Entry<PatternType, Set<String>> e : allowed.entrySet()) {
            for (String name : e.getValue()) {
                if (e.getKey() == PatternType.LITERAL && deniedLiterals.contains(name)) {
                    continue;
                }
                boolean dominated = false;
                for (int end = 1; end <= name.length() && !dominated; end++) {
                    dominated = deniedPrefixes.contains(name.substring(0, end));
                }
                if (!dominated) {
                    return AuthorizationResult.ALLOWED;
                }
            }
        }
        return AuthorizationResult.DENIED;
    }

    /** Creates ACLs (one outcome per binding, in order); {@code request} is who asks, already allowed ALTER on the cluster. */
    List<AclCreateOutcome> createAcls(AuthorizableRequest request, List<AclBinding> bindings);

    /** Deletes the ACLs each filter selects (one outcome per filter, in order). */
    List<AclDeleteOutcome> deleteAcls(AuthorizableRequest request, List<AclBindingFilter> filters);

    /** The ACLs the filter selects. */
    List<AclBinding> acls(AclBindingFilter filter);

    @Override
    default void close() {
    }
}
