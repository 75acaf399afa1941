package dev.sluice.api.internal.json;

import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.AclPermissionType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's JSON of one resource's ACLs, as its AclAuthorizer writes {@code /kafka-acl/Topic/orders}:
 * <pre>{"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"}]}</pre>
 * Operations and permissions by Kafka's names ({@code DescribeConfigs}, {@code Deny}). Used by the
 * ZooKeeper store and the single node's ACL file. Stateless; any thread.
 */
public final class AclJson {
    private AclJson() {
    }

    public static String encode(Set<AccessControlEntry> entries) {
        List<Object> acls = new ArrayList<>();
        for (AccessControlEntry e : entries) {
            Map<String, Object> acl = new LinkedHashMap<>();
            acl.put("principal", e.principal());
            acl.put("permissionType", e.permission().kafkaName());
            acl.put("operation", e.operation().kafkaName());
            acl.put("host", e.host());
            acls.add(acl);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("acls", acls);
        return JsonWriter.write(root);
    }

    /** The entries of Kafka's JSON; an entry this broker cannot read is an {@link IllegalArgumentException}. */
    public static Set<AccessControlEntry> decode(String json) {
        Map<String, Object> root = JsonReader.parseObject(json, JsonReader.Option.INTEGERS_ONLY);
        Set<AccessControlEntry> entries = new LinkedHashSet<>();
        Object acls = root.get("acls");
        if (acls instanceof List<?> list) {
            for (Object item : list) {
                if (!(item instanceof Map<?, ?> acl)) {
                    throw new IllegalArgumentException("an ACL entry must be an object: " + item);
                }
                AclOperation op = AclOperation.fromName(String.valueOf(acl.get("operation")));
                AclPermissionType permission = AclPermissionType.fromName(String.valueOf(acl.get("permissionType")));
                entries.add(new AccessControlEntry(String.valueOf(acl.get("principal")), String.valueOf(acl.get("host")),
                        op, permission));
            }
        }
        return entries;
    }
}
