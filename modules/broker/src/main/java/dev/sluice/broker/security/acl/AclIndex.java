package dev.sluice.broker.security.acl;

import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.AclPermissionType;
import dev.sluice.api.security.Action;
import dev.sluice.api.security.AuthorizationResult;
import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.api.security.PatternType;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One immutable view of every ACL, and the decisions taken on it (Kafka's AclAuthorizer rules):
 * <ol>
 *   <li>a super user may do everything;</li>
 *   <li>the ACLs that apply to a resource are those of its literal name, of the literal wildcard {@code *}
 *       and of every prefixed pattern its name starts with;</li>
 *   <li>a DENY entry for the principal (or {@code User:*}) and host (or {@code *}) with the operation (or
 *       ALL) refuses, whatever allows;</li>
 *   <li>with no ACL at all on the resource, {@code allow.everyone.if.no.acl.found} decides;</li>
 *   <li>else an ALLOW entry for the principal and host with the operation, ALL, or an operation implying it
 *       ({@link AclOperation#grantedBy()}: READ, WRITE, DELETE, ALTER imply DESCRIBE; ALTER_CONFIGS implies
 *       DESCRIBE_CONFIGS) allows; nothing else does.</li>
 * </ol>
 * Decisions are cached per (principal, host, action) for the life of this view: a change of
 * the ACLs builds a new view with an empty cache, so no stale decision survives it. The cache is
 * emptied when it passes {@link #CACHE_LIMIT} entries (many distinct resources or hosts).
 *
 * <p>Thread-safe: immutable but for the concurrent cache; request-handler threads decide concurrently.
 */
final class AclIndex {
    static final int CACHE_LIMIT = 100_000;

    private final Map<ResourcePattern, Versioned<Set<AccessControlEntry>>> patterns;
    private final Map<ResourceType, Map<String, Set<AccessControlEntry>>> literal = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, Map<String, Set<AccessControlEntry>>> prefixed = new EnumMap<>(ResourceType.class);
    private final Set<KafkaPrincipal> superUsers;
    private final boolean allowIfNoAcl;
    /**
     * Decisions by principal, then host, then action: the caller's own objects are the keys, so a cached
     * decision is found without making one.
     */
    private final ConcurrentHashMap<KafkaPrincipal, ConcurrentHashMap<String, ConcurrentHashMap<Action, AuthorizationResult>>> cache =
            new ConcurrentHashMap<>();
    private final AtomicInteger cached = new AtomicInteger();

    AclIndex(Map<ResourcePattern, Versioned<Set<AccessControlEntry>>> patterns, Set<KafkaPrincipal> superUsers, boolean allowIfNoAcl) {
        this.patterns = Map.copyOf(patterns);
        this.superUsers = Set.copyOf(superUsers);
        this.allowIfNoAcl = allowIfNoAcl;
        this.patterns.forEach((pattern, entries) -> (pattern.patternType() == PatternType.LITERAL ? literal : prefixed)
                .computeIfAbsent(pattern.resourceType(), t -> new HashMap<>()).put(pattern.name(), entries.value()));
    }

    Map<ResourcePattern, Versioned<Set<AccessControlEntry>>> patterns() {
        return patterns;
    }

    boolean isSuperUser(KafkaPrincipal principal) {
        return superUsers.contains(principal);
    }

    AuthorizationResult authorize(KafkaPrincipal principal, String host, Action action) {
        var byHost = cache.get(principal);
        var byAction = byHost == null ? null : byHost.get(host);
        AuthorizationResult result = byAction == null ? null : byAction.get(action);
        if (result != null) {
            return result;
        }
        result = decide(principal, host, action);
        if (cached.incrementAndGet() > CACHE_LIMIT) { // counts puts, a few twice under races: a bound, not a census
            cache.clear();
            cached.set(1);
        }
        cache.computeIfAbsent(principal, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(host, h -> new ConcurrentHashMap<>())
                .put(action, result);
        return result;
    }

    private AuthorizationResult decide(KafkaPrincipal principal, String host, Action action) {
        if (superUsers.contains(principal)) {
            return AuthorizationResult.ALLOWED;
        }
        List<Set<AccessControlEntry>> applying = applying(action.resourceType(), action.resourceName());
        String who = principal.toString();
        AclOperation op = action.operation();
        for (Set<AccessControlEntry> entries : applying) {
            for (AccessControlEntry e : entries) {
                if (e.permission() == AclPermissionType.DENY && e.appliesTo(who, host)
                        && (e.operation() == op || e.operation() == AclOperation.ALL)) {
                    return AuthorizationResult.DENIED;
                }
            }
        }
        if (applying.isEmpty()) {
            return allowIfNoAcl ? AuthorizationResult.ALLOWED : AuthorizationResult.DENIED;
        }
        Set<AclOperation> granting = op.grantedBy();
        for (Set<AccessControlEntry> entries : applying) {
            for (AccessControlEntry e : entries) {
                if (e.permission() == AclPermissionType.ALLOW && e.appliesTo(who, host)
                        && (e.operation() == AclOperation.ALL || granting.contains(e.operation()))) {
                    return AuthorizationResult.ALLOWED;
                }
            }
        }
        return AuthorizationResult.DENIED;
    }

    /** The entry sets of every pattern covering the resource: its literal name, the wildcard, its prefixes. */
    private List<Set<AccessControlEntry>> applying(ResourceType type, String name) {
        List<Set<AccessControlEntry>> found = new ArrayList<>(2);
        Map<String, Set<AccessControlEntry>> literals = literal.get(type);
        if (literals != null) {
            addIfPresent(found, literals.get(name));
            if (!name.equals(ResourcePattern.WILDCARD_RESOURCE)) {
                addIfPresent(found, literals.get(ResourcePattern.WILDCARD_RESOURCE));
            }
        }
        Map<String, Set<AccessControlEntry>> prefixes = prefixed.get(type);
        if (prefixes != null) {
            for (Map.Entry<String, Set<AccessControlEntry>> p : prefixes.entrySet()) {
                if (name.startsWith(p.getKey())) {
                    found.add(p.getValue());
                }
            }
        }
        return found;
    }

    private static void addIfPresent(List<Set<AccessControlEntry>> found, Set<AccessControlEntry> entries) {
        if (entries != null && !entries.isEmpty()) {
            found.add(entries);
        }
    }
}
