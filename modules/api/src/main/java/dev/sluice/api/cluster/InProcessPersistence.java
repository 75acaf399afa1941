package dev.sluice.api.cluster;

import dev.sluice.api.internal.json.AclJson;
import dev.sluice.api.security.AccessControlEntry;
import dev.sluice.api.security.PatternType;
import dev.sluice.api.security.ResourcePattern;
import dev.sluice.api.security.ResourceType;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Keeps the persistent part of an {@link InProcessClusterState} in a directory, so a single node's
 * cluster metadata survives restarts as ZooKeeper's would: {@code cluster} (cluster id, controller
 * epoch and its version, next producer id), {@code topics/<name>} (id, assignment version, replicas
 * and partition states with their versions), {@code configs/<TOPIC|BROKER|USER|CLIENT>-<name>} (a {@code /} in the name as {@code +}) and
 * {@code delete/<name>} (deletion requests). Ephemeral records (registrations, the controller) are
 * not kept, as in ZooKeeper. Every write goes to a temporary file, is fsynced, renamed into place
 * and the directory fsynced: a crash leaves the old or the new file, never a torn one.
 *
 * <p>Called only under the state's lock.
 */
final class InProcessPersistence {

    private final Path dir;

    InProcessPersistence(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("topics"));
            Files.createDirectories(dir.resolve("configs"));
            Files.createDirectories(dir.resolve("delete"));
        } catch (IOException e) {
            throw new ClusterStoreException("cannot create the cluster metadata directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** What {@link #load()} found. */
    record Loaded(Properties cluster, Map<String, Versioned<TopicAssignment>> topics,
                  Map<String, Map<Integer, Versioned<PartitionState>>> states,
                  Map<ConfigEntity, Map<String, String>> configs, List<String> deletions) {
    }

    Loaded load() {
        try {
            Properties cluster = Files.exists(dir.resolve("cluster")) ? read(dir.resolve("cluster")) : new Properties();
            Map<String, Versioned<TopicAssignment>> topics = new TreeMap<>();
            Map<String, Map<Integer, Versioned<PartitionState>>> states = new HashMap<>();
            for (Path file : list(dir.resolve("topics"))) {
                String name = file.getFileName().toString();
                Properties p = read(file);
                Map<Integer, List<Integer>> replicas = new TreeMap<>();
                Map<Integer, Versioned<PartitionState>> partitionStates = new HashMap<>();
                for (String key : p.stringPropertyNames()) {
                    if (key.startsWith("replicas.")) {
                        replicas.put(Integer.parseInt(key.substring(9)), ints(p.getProperty(key)));
                    } else if (key.startsWith("state.")) {
                        // leader;leaderEpoch;isr;controllerEpoch;version
                        String[] f = p.getProperty(key).split(";", -1);
                        partitionStates.put(Integer.parseInt(key.substring(6)), new Versioned<>(
                                new PartitionState(Integer.parseInt(f[0]), Integer.parseInt(f[1]), ints(f[2]),
                                        Integer.parseInt(f[3])), Integer.parseInt(f[4])));
                    }
                }
                topics.put(name, new Versioned<>(new TopicAssignment(name, UUID.fromString(p.getProperty("id")), replicas),
                        Integer.parseInt(p.getProperty("version"))));
                states.put(name, partitionStates);
            }
            Map<ConfigEntity, Map<String, String>> configs = new HashMap<>();
            for (Path file : list(dir.resolve("configs"))) {
                String fileName = file.getFileName().toString();
                int dash = fileName.indexOf('-');
                ConfigEntity entity = new ConfigEntity(ConfigEntity.Type.valueOf(fileName.substring(0, dash)),
                        fileName.substring(dash + 1).replace('+', '/'));
                Properties p = read(file);
                Map<String, String> overrides = new TreeMap<>();
                p.stringPropertyNames().forEach(k -> overrides.put(k, p.getProperty(k)));
                configs.put(entity, overrides);
            }
            List<String> deletions = new ArrayList<>();
            for (Path file : list(dir.resolve("delete"))) {
                deletions.add(file.getFileName().toString());
            }
            return new Loaded(cluster, topics, states, configs, deletions);
        } catch (IOException | RuntimeException e) {
            throw new ClusterStoreException("cannot read the cluster metadata in " + dir + ": " + e.getMessage(), e);
        }
    }

    void writeCluster(String clusterId, int controllerEpoch, int controllerEpochVersion, long nextProducerId) {
        Properties p = new Properties();
        if (clusterId != null) {
            p.setProperty("cluster.id", clusterId);
        }
        p.setProperty("controller.epoch", Integer.toString(controllerEpoch));
        p.setProperty("controller.epoch.version", Integer.toString(controllerEpochVersion));
        p.setProperty("next.producer.id", Long.toString(nextProducerId));
        write(dir.resolve("cluster"), p);
    }

    void writeTopic(String name, Versioned<TopicAssignment> topic, Map<Integer, Versioned<PartitionState>> states) {
        Path file = dir.resolve("topics").resolve(name);
        if (topic == null) {
            delete(file);
            return;
        }
        Properties p = new Properties();
        p.setProperty("id", topic.value().topicId().toString());
        p.setProperty("version", Integer.toString(topic.version()));
        topic.value().replicas().forEach((partition, replicas) -> p.setProperty("replicas." + partition, join(replicas)));
        if (states != null) {
            states.forEach((partition, s) -> p.setProperty("state." + partition, s.value().leader() + ";"
                    + s.value().leaderEpoch() + ";" + join(s.value().isr()) + ";" + s.value().controllerEpoch() + ";" + s.version()));
        }
        write(file, p);
    }

    void writeConfig(ConfigEntity entity, Map<String, String> overrides) {
        // a user-and-client quota entity's name holds '/'; no entity name holds '+' (topic names cannot,
        // quota names are URL-encoded with '+' as %20), so it stands for '/' in the file name
        Path file = dir.resolve("configs").resolve(entity.type() + "-" + entity.name().replace('/', '+'));
        if (overrides == null || overrides.isEmpty()) {
            delete(file);
            return;
        }
        Properties p = new Properties();
        overrides.forEach(p::setProperty);
        write(file, p);
    }

    /**
     * The ACLs kept in the one file {@code acls}: a key {@code LITERAL/Topic/orders} per pattern, its value the
     * version and Kafka's ACL JSON ({@code 3 {"version":1,"acls":[...]}}).
     */
    Map<ResourcePattern, Versioned<Set<AccessControlEntry>>> loadAcls() {
        Map<ResourcePattern, Versioned<Set<AccessControlEntry>>> acls = new HashMap<>();
        Path file = dir.resolve("acls");
        if (!Files.exists(file)) {
            return acls;
        }
        try {
            Properties p = read(file);
            for (String key : p.stringPropertyNames()) {
                String[] k = key.split("/", 3);
                String value = p.getProperty(key);
                int space = value.indexOf(' ');
                acls.put(new ResourcePattern(ResourceType.fromName(k[1]), k[2], PatternType.valueOf(k[0])),
                        new Versioned<>(AclJson.decode(value.substring(space + 1)), Integer.parseInt(value.substring(0, space))));
            }
            return acls;
        } catch (IOException | RuntimeException e) {
            throw new ClusterStoreException("cannot read the ACLs in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the ACL file with {@code acls}, atomically (a temporary file, fsynced, renamed). */
    void writeAcls(Map<ResourcePattern, Versioned<Set<AccessControlEntry>>> acls) {
        Properties p = new Properties();
        acls.forEach((pattern, entries) -> p.setProperty(pattern.patternType() + "/" + pattern.resourceType().kafkaName()
                + "/" + pattern.name(), entries.version() + " " + AclJson.encode(entries.value())));
        write(dir.resolve("acls"), p);
    }

    void writeDeletion(String topic, boolean requested) {
        Path file = dir.resolve("delete").resolve(topic);
        if (requested) {
            write(file, new Properties());
        } else {
            delete(file);
        }
    }

    private static String join(List<Integer> ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(id);
        }
        return sb.toString();
    }

    private static List<Integer> ints(String text) {
        return text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(Integer::valueOf).toList();
    }

    private static List<Path> list(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            for (Path p : stream) {
                if (!p.getFileName().toString().endsWith(".tmp")) {
                    files.add(p);
                }
            }
        }
        return files;
    }

    private static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = new StringReader(Files.readString(file, StandardCharsets.UTF_8))) {
            p.load(r);
        }
        return p;
    }

    private void write(Path file, Properties p) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            StringWriter text = new StringWriter();
            p.store(text, null);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(file.getParent());
        } catch (IOException e) {
            throw new ClusterStoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private void delete(Path file) {
        try {
            if (Files.deleteIfExists(file)) {
                syncDirectory(file.getParent());
            }
        } catch (IOException e) {
            throw new ClusterStoreException("cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
