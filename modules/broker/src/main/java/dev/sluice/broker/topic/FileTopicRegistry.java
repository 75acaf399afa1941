package dev.sluice.broker.topic;

import dev.sluice.api.storage.StorageException;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-node topic catalogue: one small properties file per topic in
 * {@code <log dir>/.topics/}, written atomically (temp file + rename): name, id, partitions,
 * replication factor, leader epoch, storage engine and {@code config.}-prefixed overrides. With
 * ZooKeeper a cluster metadata store implements {@link TopicRegistry} instead.
 *
 * <p>Threads: reads from any thread (concurrent maps); writes are synchronized.
 */
public final class FileTopicRegistry implements TopicRegistry {
    private static final String SUFFIX = ".topic";
    private static final String EPOCH_FLOOR_FILE = "leader-epoch-floor";

    private final Path directory;
    private final Map<String, TopicMetadata> byName = new ConcurrentHashMap<>();
    private final Map<UUID, TopicMetadata> byId = new ConcurrentHashMap<>();
    private volatile int leaderEpochFloor; // every deleted topic's epoch is below it

    public FileTopicRegistry(Path logDir) {
        this.directory = logDir.resolve(".topics");
        try {
            Files.createDirectories(directory);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + SUFFIX)) {
                for (Path file : files) {
                    TopicMetadata topic = read(file);
                    byName.put(topic.name(), topic);
                    byId.put(topic.id(), topic);
                }
            }
            Path floor = directory.resolve(EPOCH_FLOOR_FILE);
            if (Files.exists(floor)) {
                leaderEpochFloor = Integer.parseInt(Files.readString(floor, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException | NumberFormatException e) {
            throw new StorageException("cannot read the topic catalogue in " + directory, e);
        }
    }

    /**
     * The leader epoch a new topic starts at: above every epoch of every topic deleted so far
     * (durably: it survives restarts), so a re-created name never repeats an old epoch.
     */
    @Override
    public int initialLeaderEpoch() {
        return leaderEpochFloor;
    }

    @Override
    public Optional<TopicMetadata> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @Override
    public Optional<TopicMetadata> get(UUID id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public Collection<TopicMetadata> all() {
        return byName.values();
    }

    /** Creates or replaces the topic's entry. */
    @Override
    public synchronized void put(TopicMetadata topic) {
        Properties props = new Properties();
        props.setProperty("name", topic.name());
        props.setProperty("id", topic.id().toString());
        props.setProperty("partitions", Integer.toString(topic.partitions()));
        props.setProperty("replication.factor", Short.toString(topic.replicationFactor()));
        props.setProperty("leader.epoch", Integer.toString(topic.leaderEpoch()));
        if (topic.storageEngine() != null) {
            props.setProperty("storage.engine", topic.storageEngine());
        }
        topic.configs().forEach((k, v) -> props.setProperty("config." + k, v));
        Path file = directory.resolve(topic.name() + SUFFIX);
        Path tmp = directory.resolve(topic.name() + SUFFIX + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            props.store(out, "Sluice topic");
        } catch (IOException e) {
            throw new StorageException("cannot write topic " + topic.name(), e);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("cannot write topic " + topic.name(), e);
        }
        TopicMetadata previous = byName.put(topic.name(), topic);
        if (previous != null) {
            byId.remove(previous.id());
        }
        byId.put(topic.id(), topic);
    }

    @Override
    public synchronized void remove(String name) {
        TopicMetadata topic = byName.get(name);
        if (topic != null) {
            // the floor first: a crash between the two leaves a higher floor, never a reusable epoch
            raiseLeaderEpochFloor(topic.leaderEpoch() + 1);
            byName.remove(name);
            byId.remove(topic.id());
            try {
                Files.deleteIfExists(directory.resolve(name + SUFFIX));
            } catch (IOException e) {
                throw new StorageException("cannot delete topic entry " + name, e);
            }
        }
    }

    private void raiseLeaderEpochFloor(int atLeast) {
        if (atLeast <= leaderEpochFloor) {
            return;
        }
        Path file = directory.resolve(EPOCH_FLOOR_FILE);
        Path tmp = directory.resolve(EPOCH_FLOOR_FILE + ".tmp");
        try {
            Files.writeString(tmp, Integer.toString(atLeast), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new StorageException("cannot write " + file, e);
        }
        leaderEpochFloor = atLeast;
    }

    private static TopicMetadata read(Path file) throws IOException {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        Map<String, String> configs = new TreeMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("config.")) {
                configs.put(key.substring("config.".length()), props.getProperty(key));
            }
        }
        try {
            return new TopicMetadata(props.getProperty("name"), UUID.fromString(props.getProperty("id")),
                    Integer.parseInt(props.getProperty("partitions")),
                    Short.parseShort(props.getProperty("replication.factor", "1")), configs,
                    Integer.parseInt(props.getProperty("leader.epoch", "0")),
                    props.getProperty("storage.engine", configs.get("storage.engine")));
        } catch (RuntimeException e) {
            throw new IOException("corrupt topic file " + file + ": " + e.getMessage(), e);
        }
    }
}
