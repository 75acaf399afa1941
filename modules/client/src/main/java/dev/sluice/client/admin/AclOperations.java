package dev.sluice.client.admin;

import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.AclBinding;
import dev.sluice.api.security.AclBindingFilter;
import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.AclPermissionType;
import dev.sluice.api.security.PatternType;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * CreateAcls, DescribeAcls and DeleteAcls for {@link SluiceAdmin} (any broker answers; the ACLs are the
 * cluster's). The first error a broker reports fails the call with the client's exception for it.
 * Thread-safe (stateless over {@link AdminCalls}).
 */
final class AclOperations {
    private final AdminCalls calls;

    AclOperations(AdminCalls calls) {
        this.calls = calls;
    }

    CompletableFuture<Void> create(List<AclBinding> bindings) {
        return calls.call(ApiKey.CREATE_ACLS, AdminCalls.Target.ANY, v -> {
            Struct body = ApiKey.CREATE_ACLS.newRequest();
            for (AclBinding b : bindings) {
                Struct c = body.addStruct("Creations").set("ResourceType", b.pattern().resourceType().code())
                        .set("ResourceName", b.pattern().name()).set("Principal", b.entry().principal())
                        .set("Host", b.entry().host()).set("Operation", b.entry().operation().code())
                        .set("PermissionType", b.entry().permission().code());
                if (v >= 1) {
                    c.set("ResourcePatternType", b.pattern().patternType().code());
                }
            }
            return body;
        }, response -> {
            for (Struct result : response.body().getArray("Results")) {
                throwIfError(result, "create ACLs");
            }
            return null;
        });
    }

    CompletableFuture<List<AclBinding>> describe(AclBindingFilter filter) {
        return calls.call(ApiKey.DESCRIBE_ACLS, AdminCalls.Target.ANY, v -> filter(ApiKey.DESCRIBE_ACLS.newRequest(), filter, v),
                response -> {
                    Struct body = response.body();
                    throwIfError(body, "describe ACLs");
                    List<AclBinding> found = new ArrayList<>();
                    for (Struct resource : body.getArray("Resources")) {
                        ResourcePattern pattern = new ResourcePattern(ResourceType.fromCode(resource.getByte("ResourceType")),
                                resource.getString("ResourceName"), response.version() >= 1
                                ? PatternType.fromCode(resource.getByte("PatternType")) : PatternType.LITERAL);
                        for (Struct acl : resource.getArray("Acls")) {
                            found.add(new AclBinding(pattern, entry(acl)));
                        }
                    }
                    return found;
                });
    }

    CompletableFuture<List<AclBinding>> delete(List<AclBindingFilter> filters) {
        return calls.call(ApiKey.DELETE_ACLS, AdminCalls.Target.ANY, v -> {
            Struct body = ApiKey.DELETE_ACLS.newRequest();
            filters.forEach(f -> filter(body.addStruct("Filters"), f, v));
            return body;
        }, response -> {
            List<AclBinding> deleted = new ArrayList<>();
            for (Struct result : response.body().getArray("FilterResults")) {
                throwIfError(result, "delete ACLs");
                for (Struct acl : result.getArray("MatchingAcls")) {
                    deleted.add(new AclBinding(new ResourcePattern(ResourceType.fromCode(acl.getByte("ResourceType")),
                            acl.getString("ResourceName"), response.version() >= 1
                            ? PatternType.fromCode(acl.getByte("PatternType")) : PatternType.LITERAL), entry(acl)));
                }
            }
            return deleted;
        });
    }

    private static Struct filter(Struct target, AclBindingFilter f, short version) {
        target.set("ResourceTypeFilter", f.resourceType().code()).set("ResourceNameFilter", f.name())
                .set("PrincipalFilter", f.principal()).set("HostFilter", f.host())
                .set("Operation", f.operation().code()).set("PermissionType", f.permission().code());
        if (version >= 1) {
            target.set("PatternTypeFilter", f.patternType().code());
        }
        return target;
    }

    private static AccessControlEntry entry(Struct acl) {
        return new AccessControlEntry(acl.getString("Principal"), acl.getString("Host"),
                AclOperation.fromCode(acl.getByte("Operation")), AclPermissionType.fromCode(acl.getByte("PermissionType")));
    }

    private static void throwIfError(Struct result, String what) {
        short code = result.getShort("ErrorCode");
        if (code != 0) {
            String message = result.getString("ErrorMessage");
            throw ErrorMapper.toException(code, what + (message == null ? "" : ": " + message));
        }
    }
}
