package dev.sluice.broker.security.acl;

import dev.sluice.api.cluster.ClusterListener;
import dev.sluice.api.cluster.ClusterMetadataStore;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.cluster.WriteOutcome;
import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.AclBinding;
import dev.sluice.api.security.AclBindingFilter;
import dev.sluice.api.security.AclChangeFailure;
import dev.sluice.api.security.AclCreateOutcome;
import dev.sluice.api.security.AclDeleteOutcome;
import dev.sluice.api.security.Action;
import dev.sluice.api.security.AuthorizableRequest;
import dev.sluice.api.security.AuthorizationResult;
import dev.sluice.api.security.Authorizer;
import dev.sluice.api.security.AuthorizerContext;
import dev.sluice.api.security.KafkaPrincipal;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The built-in authorizer: Kafka's ACL model ({@link AclIndex} has the rules), the ACLs kept in the
 * cluster metadata store — ZooKeeper in a cluster, in Kafka's {@code /kafka-acl} layout, so every broker
 * sees them; a single node's own store on disk in its first log directory otherwise. Chosen by
 * {@code authorizer.class.name} = this class, {@code acl}, or Kafka's {@code kafka.security.authorizer.AclAuthorizer}
 * / {@code org.apache.kafka.metadata.authorizer.StandardAuthorizer}. Settings: {@code super.users}
 * ({@code User:admin;User:broker}), {@code allow.everyone.if.no.acl.found} (false).
 *
 * <p>Every broker keeps all ACLs in memory ({@link AclIndex}, replaced whole on every change its own
 * writes or the store's {@code aclsChanged} events bring; decisions are cached in it). Changes are
 * read-modify-write per resource pattern, conditional on the pattern's version and retried on a lost
 * race, as Kafka's AclAuthorizer does.
 *
 * <p>Threads: {@link #authorize} from every request-handler thread (reads the volatile index); ACL
 * changes from handler threads and reloads from the store's event thread are serialized by {@link #lock}.
 */
public final class AclAuthorizer implements Authorizer {
    private static final System.Logger LOG = System.getLogger(AclAuthorizer.class.getName());
    private static final int WRITE_ATTEMPTS = 20;

    private final Object lock = new Object();
    private volatile AclIndex index = new AclIndex(Map.of(), Set.of(), false);
    private ClusterMetadataStore store;
    private Set<KafkaPrincipal> superUsers = Set.of();
    private boolean allowIfNoAcl;

    @Override
    public Set<String> aliases() {
        return Set.of("acl", "kafka.security.authorizer.AclAuthorizer", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    }

    @Override
    public void start(AuthorizerContext context) {
        store = context.store();
        superUsers = parseSuperUsers(context.settings().getOrDefault("super.users", ""));
        allowIfNoAcl = Boolean.parseBoolean(context.settings().getOrDefault("allow.everyone.if.no.acl.found", "false").trim());
        store.addListener(new ClusterListener() {
            @Override
            public void aclsChanged(ResourcePattern pattern) {
                reloadQuietly();
            }

            @Override
            public void sessionEstablished() {
                reloadQuietly(); // changes during the lost session brought no events
            }
        });
        reload();
        LOG.log(System.Logger.Level.INFO, "ACL authorizer started: " + index.patterns().size() + " resource patterns with ACLs, "
                + "super users " + superUsers + ", allow.everyone.if.no.acl.found=" + allowIfNoAcl);
    }

    /** Kafka's {@code super.users}: principals separated by ';'. */
    static Set<KafkaPrincipal> parseSuperUsers(String text) {
        Set<KafkaPrincipal> users = new HashSet<>();
        for (String part : text.split(";")) {
            if (!part.isBlank()) {
                users.add(KafkaPrincipal.parse(part.trim()));
            }
        }
        return users;
    }

    private void reload() {
        synchronized (lock) {
            index = new AclIndex(store.acls(), superUsers, allowIfNoAcl);
        }
    }

    private void reloadQuietly() {
        try {
            reload();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "could not reload the ACLs (keeping the ones known): " + e.getMessage());
        }
    }

    @Override
    public AuthorizationResult authorize(AuthorizableRequest request, Action action) {
        return index.authorize(request.principal(), request.clientHost(), action);
    }

    @Override
    public List<AclCreateOutcome> createAcls(AuthorizableRequest request, List<AclBinding> bindings) {
        List<AclCreateOutcome> outcomes = new ArrayList<>();
        Map<ResourcePattern, List<AclBinding>> byPattern = new LinkedHashMap<>();
        Map<AclBinding, AclChangeFailure> failures = new java.util.HashMap<>();
        for (AclBinding binding : bindings) {
            String problem = problem(binding);
            if (problem != null) {
                failures.put(binding, new AclChangeFailure(AclChangeFailure.Kind.INVALID_REQUEST, problem));
            } else {
                byPattern.computeIfAbsent(binding.pattern(), p -> new ArrayList<>()).add(binding);
            }
        }
        byPattern.forEach((pattern, added) -> {
            AclChangeFailure failure = change(pattern, current -> {
                Set<AccessControlEntry> next = new LinkedHashSet<>(current);
                added.forEach(b -> next.add(b.entry()));
                return next;
            });
            if (failure != null) {
                added.forEach(b -> failures.put(b, failure));
            }
        });
        for (AclBinding binding : bindings) {
            AclChangeFailure failure = failures.get(binding);
            outcomes.add(failure == null ? new AclCreateOutcome.Created(binding) : new AclCreateOutcome.Failed(binding, failure));
        }
        return outcomes;
    }

    /** Kafka's checks of a new ACL (AclAuthorizer.validateAclBinding). */
    private static String problem(AclBinding binding) {
        ResourcePattern pattern = binding.pattern();
        if (pattern.resourceType() == ResourceType.CLUSTER && !pattern.name().equals(ResourcePattern.CLUSTER_NAME)) {
            return "The only valid name for the CLUSTER resource is " + ResourcePattern.CLUSTER_NAME;
        }
        if (pattern.name().isEmpty()) {
            return "Invalid ACL creation requested: empty resource name";
        }
        return null;
    }

    @Override
    public List<AclDeleteOutcome> deleteAcls(AuthorizableRequest request, List<AclBindingFilter> filters) {
        List<AclDeleteOutcome> outcomes = new ArrayList<>();
        for (AclBindingFilter filter : filters) {
            String problem = filter.problem();
            if (problem != null) {
                outcomes.add(new AclDeleteOutcome.Failed(new AclChangeFailure(AclChangeFailure.Kind.INVALID_REQUEST, problem)));
                continue;
            }
            List<AclBinding> deleted = new ArrayList<>();
            AclChangeFailure failure = null;
            for (ResourcePattern pattern : index.patterns().keySet()) {
                if (!filter.matchesPattern(pattern)) {
                    continue;
                }
                List<AclBinding> removedHere = new ArrayList<>();
                failure = change(pattern, current -> {
                    removedHere.clear();
                    Set<AccessControlEntry> next = new LinkedHashSet<>();
                    for (AccessControlEntry e : current) {
                        if (filter.matchesEntry(e)) {
                            removedHere.add(new AclBinding(pattern, e));
                        } else {
                            next.add(e);
                        }
                    }
                    return next;
                });
                if (failure != null) {
                    break;
                }
                deleted.addAll(removedHere);
            }
            outcomes.add(failure != null ? new AclDeleteOutcome.Failed(failure) : new AclDeleteOutcome.Deleted(deleted));
        }
        return outcomes;
    }

    /**
     * Applies {@code update} to the entries of {@code pattern} and writes the result conditionally on the
     * version read, again on a lost race; the index is reloaded after. Null when written (or nothing to change).
     */
    private AclChangeFailure change(ResourcePattern pattern, UnaryOperator<Set<AccessControlEntry>> update) {
        synchronized (lock) {
            try {
                for (int attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
                    Versioned<Set<AccessControlEntry>> current = index.patterns().get(pattern);
                    Set<AccessControlEntry> before = current == null ? Set.of() : current.value();
                    Set<AccessControlEntry> after = update.apply(before);
                    if (after.equals(before)) {
                        return null;
                    }
                    WriteOutcome outcome = store.writeAcls(pattern, after, current == null ? -1 : current.version());
                    index = new AclIndex(store.acls(), superUsers, allowIfNoAcl);
                    if (outcome.written()) {
                        return null;
                    }
                    // another broker changed the pattern first: decide again on what it wrote
                }
                return new AclChangeFailure(AclChangeFailure.Kind.STORE_FAILED, "the ACLs of " + pattern
                        + " kept changing under " + WRITE_ATTEMPTS + " attempts to write them");
            } catch (ClusterStoreException e) {
                return new AclChangeFailure(AclChangeFailure.Kind.STORE_FAILED, "the cluster metadata store failed "
                        + "(the change may or may not have happened): " + e.getMessage());
            }
        }
    }

    @Override
    public List<AclBinding> acls(AclBindingFilter filter) {
        List<AclBinding> found = new ArrayList<>();
        index.patterns().forEach((pattern, entries) -> {
            if (filter.matchesPattern(pattern)) {
                for (AccessControlEntry e : entries.value()) {
                    if (filter.matchesEntry(e)) {
                        found.add(new AclBinding(pattern, e));
                    }
                }
            }
        });
        return found;
    }
}
