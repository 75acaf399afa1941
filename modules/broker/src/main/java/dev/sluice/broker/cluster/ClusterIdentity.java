package dev.sluice.broker.cluster;

import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Properties;
import java.util.UUID;

/**
 * The cluster id and node id recorded in {@code <log dir>/meta.properties} of every log directory
 * (as Kafka does), so a data directory is never silently opened by a broker of another identity,
 * and losing one directory does not lose the broker's identity.
 */
public record ClusterIdentity(String clusterId, int nodeId) {
    private static final String FILE = "meta.properties";

    /**
     * @param configuredClusterId {@code cluster.id} from the configuration, or null to generate one
     */
    public static ClusterIdentity loadOrCreate(Path logDir, int nodeId, String configuredClusterId) {
        return loadOrCreate(java.util.List.of(logDir), nodeId, configuredClusterId);
    }

    /**
     * Reads {@code meta.properties} of every directory of {@code log.dirs}: all those present must name
     * this node and one cluster (and the configured one, if set), else start-up fails naming the
     * directory; the directories without one (new, or emptied by a replaced disk) get it written,
     * atomically, before anything else is stored there.
     *
     * @param configuredClusterId {@code cluster.id} from the configuration, or null to generate one
     */
    public static ClusterIdentity loadOrCreate(java.util.List<Path> logDirs, int nodeId, String configuredClusterId) {
        String clusterId = null;
        Path agreedIn = null;
        java.util.List<Path> missing = new java.util.ArrayList<>();
        for (Path logDir : logDirs) {
            Path file = logDir.resolve(FILE);
            try {
                Files.createDirectories(logDir);
                if (!Files.exists(file)) {
                    missing.add(logDir);
                    continue;
                }
                Properties props = new Properties();
                try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    props.load(in);
                }
                int storedNode = Integer.parseInt(props.getProperty("node.id", "-1"));
                if (storedNode != nodeId) {
                    throw new IllegalStateException("log dir " + logDir + " belongs to node.id=" + storedNode
                            + " but this broker has node.id=" + nodeId + "; set node.id=" + storedNode + " or use another log.dirs");
                }
                String stored = props.getProperty("cluster.id");
                if (configuredClusterId != null && !configuredClusterId.equals(stored)) {
                    throw new IllegalStateException("log dir " + logDir + " belongs to cluster " + stored
                            + " but cluster.id=" + configuredClusterId + " is configured; remove the setting or use another log.dirs");
                }
                if (clusterId != null && !clusterId.equals(stored)) {
                    throw new IllegalStateException("log dir " + logDir + " belongs to cluster " + stored + " but " + agreedIn
                            + " to cluster " + clusterId + "; the directories of log.dirs must all be this broker's");
                }
                clusterId = stored;
                agreedIn = logDir;
            } catch (IOException e) {
                throw new StorageException("cannot read " + file, e);
            }
        }
        ClusterIdentity identity = new ClusterIdentity(clusterId != null ? clusterId
                : configuredClusterId != null ? configuredClusterId : randomClusterId(), nodeId);
        for (Path logDir : missing) {
            write(logDir, identity);
        }
        return identity;
    }

    /** {@code meta.properties} written to a temporary file, fsynced, renamed into place, the directory fsynced. */
    private static void write(Path logDir, ClusterIdentity identity) {
        Path file = logDir.resolve(FILE);
        Path tmp = logDir.resolve(FILE + ".tmp");
        Properties props = new Properties();
        props.setProperty("version", "1");
        props.setProperty("cluster.id", identity.clusterId());
        props.setProperty("node.id", Integer.toString(identity.nodeId()));
        try {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(tmp,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
                 Writer out = java.nio.channels.Channels.newWriter(channel, StandardCharsets.UTF_8)) {
                props.store(out, "Sluice broker identity");
                out.flush();
                channel.force(true);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            try (java.nio.channels.FileChannel dir = java.nio.channels.FileChannel.open(logDir, java.nio.file.StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new StorageException("cannot write " + file, e);
        }
    }

    /** A new cluster id: 22-character URL-safe base64 of a random UUID, the shape Kafka's cluster ids have. */
    public static String newClusterId() {
        return randomClusterId();
    }

    private static String randomClusterId() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }
}
