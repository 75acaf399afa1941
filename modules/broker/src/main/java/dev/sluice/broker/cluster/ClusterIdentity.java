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
 * The cluster id and node id recorded in {@code <log dir>/meta.properties} (as Kafka does), so a
 * data directory is never silently opened by a broker of another identity.
 */
public record ClusterIdentity(String clusterId, int nodeId) {

    /**
     * @param configuredClusterId {@code cluster.id} from the configuration, or null to generate one
     */
    public static ClusterIdentity loadOrCreate(Path logDir, int nodeId, String configuredClusterId) {
        Path file = logDir.resolve("meta.properties");
        try {
            Files.createDirectories(logDir);
            if (Files.exists(file)) {
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
                return new ClusterIdentity(stored, nodeId);
            }
            ClusterIdentity identity = new ClusterIdentity(
                    configuredClusterId != null ? configuredClusterId : randomClusterId(), nodeId);
            Properties props = new Properties();
            props.setProperty("version", "1");
            props.setProperty("cluster.id", identity.clusterId());
            props.setProperty("node.id", Integer.toString(nodeId));
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                props.store(out, "Sluice broker identity");
            }
            return identity;
        } catch (IOException e) {
            throw new StorageException("cannot read or write " + file, e);
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
