package dev.sluice.broker.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.Action;
import dev.sluice.api.security.AuthorizableRequest;
import dev.sluice.api.security.AuthorizationResult;
import dev.sluice.api.security.Authorizer;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;

/**
 * The checks handlers make before acting, over the configured {@link Authorizer} (none: everything is
 * allowed at the cost of one null check). Handlers ask in Kafka's terms — may this request READ topic
 * {@code t}? — and map a "no" onto Kafka's error code themselves. Who asks is read only from
 * {@link RequestContext#authorizable()} (its principal and client host), however they were set; over the
 * network that object is the connection's, so a check allocates only its {@code Action}.
 *
 * <p>Every refusal that answers a request with an *_AUTHORIZATION_FAILED code is written to the audit log
 * (logger {@value #AUDIT_LOGGER}, INFO, Kafka's wording); a resource merely left out of a listing
 * ({@link #shows}: topics Metadata hides, groups ListGroups leaves out) is logged at DEBUG, as Kafka does
 * not log those either.
 *
 * <p>Immutable; any thread (request-handler threads call it concurrently).
 */
public final class Authorization implements AutoCloseable {
    /** The logger of the audit lines: one per denial. */
    public static final String AUDIT_LOGGER = "dev.sluice.authorizer.audit";
    private static final System.Logger AUDIT = System.getLogger(AUDIT_LOGGER);

    /** No authorizer: everything is allowed, the ACL APIs answer SECURITY_DISABLED. */
    public static final Authorization NONE = new Authorization(null);

    private final Authorizer authorizer;

    private Authorization(Authorizer authorizer) {
        this.authorizer = authorizer;
    }

    public static Authorization by(Authorizer authorizer) {
        return new Authorization(java.util.Objects.requireNonNull(authorizer, "authorizer"));
    }

    public boolean enabled() {
        return authorizer != null;
    }

    /** The authorizer (the ACL APIs manage its ACLs); null if none is configured. */
    public Authorizer authorizer() {
        return authorizer;
    }

    /** Whether the request may do {@code operation} on the resource; a refusal is audited. */
    public boolean allows(RequestContext ctx, AclOperation operation, ResourceType type, String name) {
        return authorizer == null || decide(ctx, new Action(operation, type, name), System.Logger.Level.INFO);
    }

    /** Whether the request may do {@code operation} on the cluster; a refusal is audited. */
    public boolean allowsOnCluster(RequestContext ctx, AclOperation operation) {
        return authorizer == null || decide(ctx, Action.onCluster(operation), System.Logger.Level.INFO);
    }

    /** For listings: whether the resource is shown to the request; leaving it out is logged at DEBUG only. */
    public boolean shows(RequestContext ctx, AclOperation operation, ResourceType type, String name) {
        return authorizer == null || decide(ctx, new Action(operation, type, name), System.Logger.Level.DEBUG);
    }

    /**
     * Whether the request may do {@code operation} on some resource of {@code type} (KIP-679: an
     * idempotent producer needs WRITE on any topic, or IDEMPOTENT_WRITE on the cluster).
     */
    public boolean allowsOnAny(RequestContext ctx, AclOperation operation, ResourceType type) {
        if (authorizer == null) {
            return true;
        }
        AuthorizableRequest request = ctx.authorizable();
        boolean allowed = authorizer.authorizeByResourceType(request, operation, type) == AuthorizationResult.ALLOWED;
        if (!allowed) {
            audit(System.Logger.Level.INFO, ctx, request, operation.kafkaName() + " on any " + type.kafkaName());
        }
        return allowed;
    }

    /**
     * KIP-430's authorized operations of a resource, as the 32-bit field Metadata, DescribeGroups and DescribeCluster
     * carry: bit {@code code} set for each operation the resource type supports ({@link ResourceType#supportedOperations})
     * that the authorizer allows on it; every supported one without an authorizer. Not audited: a client asking what
     * it may do is not denied anything (Kafka logs neither way here).
     */
    public int authorizedOperations(RequestContext ctx, ResourceType type, String name) {
        int bits = 0;
        AuthorizableRequest request = authorizer == null ? null : ctx.authorizable();
        for (AclOperation operation : type.supportedOperations()) {
            if (request == null || authorizer.authorize(request, new Action(operation, type, name)) == AuthorizationResult.ALLOWED) {
                bits |= 1 << operation.code();
            }
        }
        return bits;
    }

    /** The cluster's authorized operations; none (0) to a principal that may not describe the cluster, as Kafka. */
    public int clusterAuthorizedOperations(RequestContext ctx) {
        if (!shows(ctx, AclOperation.DESCRIBE, ResourceType.CLUSTER, ResourcePattern.CLUSTER_NAME)) {
            return 0;
        }
        return authorizedOperations(ctx, ResourceType.CLUSTER, ResourcePattern.CLUSTER_NAME);
    }

    /**
     * Wraps the handler of an API whose one check is an operation on the cluster: refused, it answers
     * CLUSTER_AUTHORIZATION_FAILED in the response's top-level ErrorCode (an API without one, e.g.
     * DescribeLogDirs before v3, gets an empty response, as Kafka answers it).
     */
    public ApiHandler onCluster(AclOperation operation, ApiHandler handler) {
        if (authorizer == null) {
            return handler;
        }
        return ctx -> {
            if (allowsOnCluster(ctx, operation)) {
                handler.handle(ctx);
                return;
            }
            dev.sluice.protocol.message.Struct response = ctx.newResponse();
            if (response.schema().hasField("ErrorCode")) {
                response.set("ErrorCode", dev.sluice.protocol.Errors.CLUSTER_AUTHORIZATION_FAILED.code());
            }
            if (response.schema().hasField("ErrorMessage")) {
                response.set("ErrorMessage", dev.sluice.protocol.Errors.CLUSTER_AUTHORIZATION_FAILED.message());
            }
            ctx.respond(response);
        };
    }

    private boolean decide(RequestContext ctx, Action action, System.Logger.Level level) {
        AuthorizableRequest request = ctx.authorizable();
        if (authorizer.authorize(request, action) == AuthorizationResult.ALLOWED) {
            return true;
        }
        audit(level, ctx, request, action.operation().kafkaName() + " on resource = " + action.resourceType().kafkaName()
                + ":LITERAL:" + action.resourceName());
        return false;
    }

    private static void audit(System.Logger.Level level, RequestContext ctx, AuthorizableRequest request, String what) {
        if (AUDIT.isLoggable(level)) {
            AUDIT.log(level, "Principal = " + request.principal() + " is Denied operation = " + what + " from host = "
                    + request.clientHost() + " for request = " + ctx.request().api().apiName() + " with clientId = "
                    + request.clientId() + (request.listenerName().isEmpty() ? "" : " on listener " + request.listenerName()));
        }
    }

    /** Closes the authorizer, if any (the broker's shutdown). */
    @Override
    public void close() {
        if (authorizer != null) {
            authorizer.close();
        }
    }
}
