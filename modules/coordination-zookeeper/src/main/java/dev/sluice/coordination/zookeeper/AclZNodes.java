package dev.sluice.coordination.zookeeper;

import dev.sluice.api.Time;
import dev.sluice.api.cluster.ClusterStoreException;
import dev.sluice.api.cluster.Versioned;
import dev.sluice.api.cluster.WriteOutcome;
import dev.sluice.api.internal.json.AclJson;
import dev.sluice.api.internal.json.JsonWriter;
import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.PatternType;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.data.Stat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.sluice.coordination.zookeeper.ZkCalls.OPEN;

/**
 * ACLs in Kafka's ZooKeeper layout, as its AclAuthorizer keeps them: literal patterns under
 * {@code /kafka-acl/<Type>/<name>}, prefixed ones under {@code /kafka-acl-extended/prefixed/<Type>/<name>},
 * each znode Kafka's ACL JSON ({@link AclJson}) and its znode version the pattern's version. Every write
 * adds, in the same multi-op, Kafka's change notification: {@code /kafka-acl-changes/acl_changes_N}
 * holding {@code Topic:name} for a literal pattern, {@code /kafka-acl-extended-changes/acl_changes_N}
 * holding {@code {"version":1,"resourceType":"Topic","name":"...","patternType":"PREFIXED"}} otherwise;
 * Sluice's brokers see the ACL znode itself through the recursive watch, the notifications are for
 * Kafka-era tools and purged after 15 minutes.
 *
 * <p>Threads: any caller thread (request handlers creating or deleting ACLs, brokers loading them);
 * no state of its own.
 */
final class AclZNodes {

    static final String LITERAL_ROOT = "/kafka-acl";
    static final String PREFIXED_ROOT = "/kafka-acl-extended/prefixed";
    static final String LITERAL_CHANGES = "/kafka-acl-changes";
    static final String EXTENDED_CHANGES = "/kafka-acl-extended-changes";
    static final String CHANGE_PREFIX = "acl_changes_";
    static final List<String> PERSISTENT_PATHS = List.of(LITERAL_ROOT, PREFIXED_ROOT, LITERAL_CHANGES, EXTENDED_CHANGES);

    private final ZkCalls zk;
    private final Time time;

    AclZNodes(ZkCalls zk, Time time) {
        this.zk = zk;
        this.time = time;
    }

    static String path(ResourcePattern pattern) {
        return (pattern.patternType() == PatternType.LITERAL ? LITERAL_ROOT : PREFIXED_ROOT) + "/"
                + pattern.resourceType().kafkaName() + "/" + pattern.name();
    }

    /** The pattern a znode path stands for, or null if the path is not an ACL znode. */
    static ResourcePattern patternOf(String path) {
        String root = path.startsWith(PREFIXED_ROOT + "/") ? PREFIXED_ROOT : path.startsWith(LITERAL_ROOT + "/") ? LITERAL_ROOT : null;
        if (root == null) {
            return null;
        }
        String[] typeAndName = path.substring(root.length() + 1).split("/", 2);
        ResourceType type = ResourceType.fromName(typeAndName[0]);
        if (typeAndName.length < 2 || typeAndName[1].isEmpty() || type == ResourceType.UNKNOWN || type == ResourceType.ANY) {
            return null;
        }
        return new ResourcePattern(type, typeAndName[1], root.equals(LITERAL_ROOT) ? PatternType.LITERAL : PatternType.PREFIXED);
    }

    Map<ResourcePattern, Versioned<Set<AccessControlEntry>>> acls() {
        Map<ResourcePattern, Versioned<Set<AccessControlEntry>>> acls = new HashMap<>();
        for (String root : List.of(LITERAL_ROOT, PREFIXED_ROOT)) {
            for (String type : zk.childrenOrEmpty(root)) {
                for (String name : zk.childrenOrEmpty(root + "/" + type)) {
                    String path = root + "/" + type + "/" + name;
                    ResourcePattern pattern = patternOf(path);
                    Stat stat = new Stat();
                    byte[] data = zk.dataOrNull(path, stat);
                    if (pattern != null && data != null && data.length > 0) {
                        acls.put(pattern, new Versioned<>(AclJson.decode(new String(data, StandardCharsets.UTF_8)), stat.getVersion()));
                    }
                }
            }
        }
        return acls;
    }

    WriteOutcome write(ResourcePattern pattern, Set<AccessControlEntry> entries, int expectedVersion) {
        String path = path(pattern);
        if (expectedVersion < 0 && entries.isEmpty()) {
            return new WriteOutcome.NotFound(path);
        }
        zk.createRecursively(path.substring(0, path.lastIndexOf('/'))); // /kafka-acl/<Type>, as Kafka makes it
        byte[] data = AclJson.encode(entries).getBytes(StandardCharsets.UTF_8);
        List<Op> ops = new ArrayList<>();
        if (entries.isEmpty()) {
            ops.add(Op.delete(path, expectedVersion));
        } else if (expectedVersion < 0) {
            ops.add(Op.create(path, data, OPEN, CreateMode.PERSISTENT));
        } else {
            ops.add(Op.setData(path, data, expectedVersion));
        }
        boolean literal = pattern.patternType() == PatternType.LITERAL;
        String changes = literal ? LITERAL_CHANGES : EXTENDED_CHANGES;
        ops.add(Op.create(changes + "/" + CHANGE_PREFIX, changeNotification(pattern), OPEN, CreateMode.PERSISTENT_SEQUENTIAL));
        try {
            List<OpResult> results = zk.call("write ACLs " + path, h -> h.multi(ops));
            String written = ((OpResult.CreateResult) results.get(1)).getPath();
            try {
                zk.purgeOldChildren(changes, CHANGE_PREFIX, time.milliseconds() - ConfigZNodes.CHANGE_NOTIFICATION_EXPIRY_MS,
                        written.substring(written.lastIndexOf('/') + 1));
            } catch (ClusterStoreException e) {
                // written; the next change purges
            }
            if (entries.isEmpty()) {
                return new WriteOutcome.Written(expectedVersion + 1);
            }
            return new WriteOutcome.Written(expectedVersion < 0 ? 0 : ((OpResult.SetDataResult) results.get(0)).getStat().getVersion());
        } catch (KeeperException e) {
            if (ZkCalls.failedOp(e) == 0) { // NodeExists, NoNode or BadVersion: another broker wrote first
                return new WriteOutcome.VersionConflict(expectedVersion);
            }
            throw new ClusterStoreException("write ACLs " + path + ": " + e.getMessage(), e);
        }
    }

    private static byte[] changeNotification(ResourcePattern pattern) {
        if (pattern.patternType() == PatternType.LITERAL) {
            return (pattern.resourceType().kafkaName() + ":" + pattern.name()).getBytes(StandardCharsets.UTF_8);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", 1);
        json.put("resourceType", pattern.resourceType().kafkaName());
        json.put("name", pattern.name());
        json.put("patternType", pattern.patternType().name());
        return JsonWriter.write(json).getBytes(StandardCharsets.UTF_8);
    }
}
