package dev.sluice.example.plugin;

import dev.sluice.api.security.AclBinding;
import dev.sluice.api.security.AclBindingFilter;
import dev.sluice.api.security.AclChangeFailure;
import dev.sluice.api.security.AclCreateOutcome;
import dev.sluice.api.security.AclDeleteOutcome;
import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.Action;
import dev.sluice.api.security.AuthorizableRequest;
import dev.sluice.api.security.AuthorizationResult;
import dev.sluice.api.security.Authorizer;
import dev.sluice.api.security.AuthorizerContext;
import dev.sluice.api.security.ResourceType;

import java.util.List;
import java.util.Set;

/**
 * An example authorizer from outside the core, standing for one backed by an outside policy: reading and
 * describing are allowed everywhere (and idempotent producers' ids), changing anything only on topics named
 * {@code scratch-...}. It keeps no ACLs, so the ACL APIs refuse to create any. Chosen by
 * {@code authorizer.class.name=dev.sluice.example.plugin.ScratchOnlyAuthorizer} or {@code scratch-only}.
 *
 * <p>Stateless; any thread.
 */
public final class ScratchOnlyAuthorizer implements Authorizer {
    static final String PREFIX = "scratch-";

    @Override
    public Set<String> aliases() {
        return Set.of("scratch-only");
    }

    @Override
    public void start(AuthorizerContext context) {
        // nothing to load: the policy is the code
    }

    @Override
    public AuthorizationResult authorize(AuthorizableRequest request, Action action) {
        AclOperation op = action.operation();
        boolean looking = op == AclOperation.READ || op == AclOperation.DESCRIBE || op == AclOperation.DESCRIBE_CONFIGS
                || op == AclOperation.IDEMPOTENT_WRITE; // producers' ids; what they write is checked per topic
        boolean scratch = action.resourceType() == ResourceType.TOPIC && action.resourceName().startsWith(PREFIX);
        boolean group = action.resourceType() == ResourceType.GROUP; // consumers may join and commit
        return looking || scratch || group ? AuthorizationResult.ALLOWED : AuthorizationResult.DENIED;
    }

    @Override
    public List<AclCreateOutcome> createAcls(AuthorizableRequest request, List<AclBinding> bindings) {
        return bindings.stream().<AclCreateOutcome>map(b -> new AclCreateOutcome.Failed(b, new AclChangeFailure(
                AclChangeFailure.Kind.INVALID_REQUEST, "the scratch-only policy keeps no ACLs"))).toList();
    }

    @Override
    public List<AclDeleteOutcome> deleteAcls(AuthorizableRequest request, List<AclBindingFilter> filters) {
        return filters.stream().<AclDeleteOutcome>map(f -> new AclDeleteOutcome.Deleted(List.of())).toList();
    }

    @Override
    public List<AclBinding> acls(AclBindingFilter filter) {
        return List.of();
    }
}
