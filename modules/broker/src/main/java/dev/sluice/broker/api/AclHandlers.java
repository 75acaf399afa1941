package dev.sluice.broker.api;

import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.AclBinding;
import dev.sluice.api.security.AclBindingFilter;
import dev.sluice.api.security.AclChangeFailure;
import dev.sluice.api.security.AclCreateOutcome;
import dev.sluice.api.security.AclDeleteOutcome;
import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.AclPermissionType;
import dev.sluice.api.security.PatternType;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DescribeAcls (29), CreateAcls (30) and DeleteAcls (31) over the configured authorizer, as Kafka's
 * AclApis answers them: DESCRIBE on the cluster to list, ALTER on the cluster to create or delete
 * (CLUSTER_AUTHORIZATION_FAILED otherwise); a binding or filter with an unknown or ANY field where a
 * concrete one is needed is INVALID_REQUEST for that entry. Without an authorizer every answer is
 * SECURITY_DISABLED ({@link SecurityHandlers}). Stateless; request-handler threads (ACL changes block
 * while the store writes them).
 */
final class AclHandlers {
    private final Authorization authorization;
    private final SecurityHandlers disabled;

    AclHandlers(Authorization authorization, SecurityHandlers disabled) {
        this.authorization = authorization;
        this.disabled = disabled;
    }

    void describeAcls(RequestContext ctx) {
        if (!authorization.enabled()) {
            disabled.describeAcls(ctx);
            return;
        }
        Struct response = ctx.newResponse();
        if (!authorization.allowsOnCluster(ctx, AclOperation.DESCRIBE)) {
            ctx.respond(response.set("ErrorCode", Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .set("ErrorMessage", Errors.CLUSTER_AUTHORIZATION_FAILED.message()));
            return;
        }
        AclBindingFilter filter = filter(ctx.body(), ctx.version());
        String problem = filter.problem();
        if (problem != null) {
            ctx.respond(response.set("ErrorCode", Errors.INVALID_REQUEST.code()).set("ErrorMessage", "Invalid filter: " + problem));
            return;
        }
        Map<ResourcePattern, List<AccessControlEntry>> byPattern = new LinkedHashMap<>();
        for (AclBinding b : authorization.authorizer().acls(filter)) {
            byPattern.computeIfAbsent(b.pattern(), p -> new ArrayList<>()).add(b.entry());
        }
        response.set("ErrorCode", Errors.NONE.code());
        byPattern.forEach((pattern, entries) -> {
            Struct resource = response.addStruct("Resources").set("ResourceType", pattern.resourceType().code())
                    .set("ResourceName", pattern.name());
            if (ctx.version() >= 1) {
                resource.set("PatternType", pattern.patternType().code());
            }
            for (AccessControlEntry e : entries) {
                resource.addStruct("Acls").set("Principal", e.principal()).set("Host", e.host())
                        .set("Operation", e.operation().code()).set("PermissionType", e.permission().code());
            }
        });
        ctx.respond(response);
    }

    void createAcls(RequestContext ctx) {
        if (!authorization.enabled()) {
            disabled.createAcls(ctx);
            return;
        }
        Struct response = ctx.newResponse();
        List<Struct> creations = ctx.body().getArray("Creations");
        if (!authorization.allowsOnCluster(ctx, AclOperation.ALTER)) {
            creations.forEach(c -> response.addStruct("Results").set("ErrorCode", Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .set("ErrorMessage", Errors.CLUSTER_AUTHORIZATION_FAILED.message()));
            ctx.respond(response);
            return;
        }
        List<Object> parsed = new ArrayList<>(); // an AclBinding, or the String saying why it is invalid
        List<AclBinding> valid = new ArrayList<>();
        for (Struct c : creations) {
            try {
                AclBinding binding = new AclBinding(new ResourcePattern(ResourceType.fromCode(c.getByte("ResourceType")),
                        c.getString("ResourceName"), ctx.version() >= 1 ? PatternType.fromCode(c.getByte("ResourcePatternType"))
                        : PatternType.LITERAL), new AccessControlEntry(c.getString("Principal"), c.getString("Host"),
                        AclOperation.fromCode(c.getByte("Operation")), AclPermissionType.fromCode(c.getByte("PermissionType"))));
                parsed.add(binding);
                valid.add(binding);
            } catch (IllegalArgumentException | NullPointerException e) {
                parsed.add("Invalid ACL creation requested: " + e.getMessage());
            }
        }
        List<AclCreateOutcome> outcomes = authorization.authorizer().createAcls(ctx.authorizable(), valid);
        int next = 0;
        for (Object p : parsed) {
            Struct result = response.addStruct("Results");
            if (p instanceof String problem) {
                result.set("ErrorCode", Errors.INVALID_REQUEST.code()).set("ErrorMessage", problem);
                continue;
            }
            AclCreateOutcome outcome = outcomes.get(next++);
            if (outcome instanceof AclCreateOutcome.Failed failed) {
                result.set("ErrorCode", code(failed.failure()).code()).set("ErrorMessage", failed.failure().message());
            } else {
                result.set("ErrorCode", Errors.NONE.code());
            }
        }
        ctx.respond(response);
    }

    void deleteAcls(RequestContext ctx) {
        if (!authorization.enabled()) {
            disabled.deleteAcls(ctx);
            return;
        }
        Struct response = ctx.newResponse();
        List<Struct> filters = ctx.body().getArray("Filters");
        if (!authorization.allowsOnCluster(ctx, AclOperation.ALTER)) {
            filters.forEach(f -> response.addStruct("FilterResults").set("ErrorCode", Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .set("ErrorMessage", Errors.CLUSTER_AUTHORIZATION_FAILED.message()));
            ctx.respond(response);
            return;
        }
        List<AclBindingFilter> parsed = filters.stream().map(f -> filter(f, ctx.version())).toList();
        List<AclDeleteOutcome> outcomes = authorization.authorizer().deleteAcls(ctx.authorizable(), parsed);
        for (AclDeleteOutcome outcome : outcomes) {
            Struct result = response.addStruct("FilterResults");
            if (outcome instanceof AclDeleteOutcome.Failed failed) {
                result.set("ErrorCode", code(failed.failure()).code()).set("ErrorMessage", failed.failure().message());
                continue;
            }
            result.set("ErrorCode", Errors.NONE.code());
            for (AclBinding b : ((AclDeleteOutcome.Deleted) outcome).deleted()) {
                Struct acl = result.addStruct("MatchingAcls").set("ErrorCode", Errors.NONE.code())
                        .set("ResourceType", b.pattern().resourceType().code()).set("ResourceName", b.pattern().name())
                        .set("Principal", b.entry().principal()).set("Host", b.entry().host())
                        .set("Operation", b.entry().operation().code()).set("PermissionType", b.entry().permission().code());
                if (ctx.version() >= 1) {
                    acl.set("PatternType", b.pattern().patternType().code());
                }
            }
        }
        ctx.respond(response);
    }

    /** A DescribeAcls request or one of DeleteAcls' filters (same field names). */
    private static AclBindingFilter filter(Struct f, short version) {
        return new AclBindingFilter(ResourceType.fromCode(f.getByte("ResourceTypeFilter")), f.getString("ResourceNameFilter"),
                version >= 1 ? PatternType.fromCode(f.getByte("PatternTypeFilter")) : PatternType.LITERAL,
                f.getString("PrincipalFilter"), f.getString("HostFilter"), AclOperation.fromCode(f.getByte("Operation")),
                AclPermissionType.fromCode(f.getByte("PermissionType")));
    }

    private static Errors code(AclChangeFailure failure) {
        return switch (failure.kind()) {
            case INVALID_REQUEST -> Errors.INVALID_REQUEST;
            case STORE_FAILED -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }
}
