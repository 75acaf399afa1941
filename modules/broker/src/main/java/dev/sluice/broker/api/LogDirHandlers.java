package dev.sluice.broker.api;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.LogDirMoveOutcome;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * DescribeLogDirs: every log directory of {@code log.dirs} with the size in bytes of each partition
 * stored there (all topics, or the ones asked for), the future replicas being filled there by a
 * move ({@code IsFutureKey}, with how many offsets they are behind), and the volume's total and
 * usable bytes. A directory whose storage failed answers KAFKA_STORAGE_ERROR with no partitions, as
 * Kafka answers for an offline directory. AlterReplicaLogDirs: starts moving partitions to another
 * directory (see {@code SpreadEngine}). Runs on request-handler threads; reads only thread-safe
 * partition state.
 */
final class LogDirHandlers {
    private final BrokerState broker;

    LogDirHandlers(BrokerState broker) {
        this.broker = broker;
    }

    /** A compacted partition's dirty ratio as the log cleaner sees it (for {@code sluice topics --describe}). */
    private java.util.Optional<Double> dirtyRatio(Partition partition) {
        try {
            return broker.partitions().topics().get(partition.topicPartition().topic()).flatMap(topic ->
                    dev.sluice.broker.cleaner.LogCleaner.dirtyRatio(partition, topic, broker.config().values(),
                            broker.time().milliseconds()));
        } catch (RuntimeException closedOrFailed) {
            return java.util.Optional.empty();
        }
    }

    void describeLogDirs(RequestContext ctx) {
        Map<String, Set<Integer>> only = wanted(ctx.body().getArray("Topics"));
        Set<Path> offline = broker.partitions().offlineLogDirs();
        Map<Path, Map<String, Map<Integer, Long>>> sizes = new LinkedHashMap<>();
        for (Path dir : broker.partitions().logDirs()) {
            sizes.put(dir, new TreeMap<>());
        }
        Map<TopicPartition, Double> dirtyRatios = new java.util.HashMap<>();
        for (Partition partition : broker.partitions().all()) {
            TopicPartition tp = partition.topicPartition();
            if ((only != null && !only.getOrDefault(tp.topic(), Set.of()).contains(tp.partition()))
                    || partition.role() instanceof PartitionRole.Offline) {
                continue;
            }
            long size;
            Path dir;
            try {
                size = partition.log().sizeInBytes();
                dir = broker.partitions().logDirOf(tp);
            } catch (RuntimeException closedOrFailed) { // deleted or failed meanwhile: not there to describe
                continue;
            }
            Map<String, Map<Integer, Long>> inDir = sizes.get(dir);
            if (inDir != null && !offline.contains(dir)) {
                inDir.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), size);
                dirtyRatio(partition).ifPresent(ratio -> dirtyRatios.put(tp, ratio));
            }
        }
        Map<Path, Map<String, Map<Integer, dev.sluice.broker.partition.FutureReplica>>> futures = new HashMap<>();
        for (dev.sluice.broker.partition.FutureReplica future : broker.partitions().futureReplicas()) {
            TopicPartition tp = future.partition();
            if ((only == null || only.getOrDefault(tp.topic(), Set.of()).contains(tp.partition())) && !offline.contains(future.logDir())) {
                futures.computeIfAbsent(future.logDir(), d -> new TreeMap<>())
                        .computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), future);
                sizes.get(future.logDir()).computeIfAbsent(tp.topic(), t -> new TreeMap<>()); // the topic's entry
            }
        }
        Struct response = ctx.newResponse();
        if (ctx.version() >= 3) {
            response.set("ErrorCode", Errors.NONE.code());
        }
        sizes.forEach((dir, topics) -> {
            Struct result = response.addStruct("Results").set("LogDir", dir.toString())
                    .set("ErrorCode", (offline.contains(dir) ? Errors.KAFKA_STORAGE_ERROR : Errors.NONE).code());
            topics.forEach((topic, partitions) -> {
                Struct t = result.addStruct("Topics").set("Name", topic);
                futures.getOrDefault(dir, Map.of()).getOrDefault(topic, Map.of()).forEach((index, future) ->
                        t.addStruct("Partitions").set("PartitionIndex", index).set("PartitionSize", future.sizeInBytes())
                                .set("OffsetLag", future.offsetLag()).set("IsFutureKey", true));
                partitions.forEach((index, size) -> {
                    Struct p = t.addStruct("Partitions").set("PartitionIndex", index)
                            .set("PartitionSize", size).set("OffsetLag", 0L).set("IsFutureKey", false);
                    Double ratio = dirtyRatios.get(new TopicPartition(topic, index));
                    if (ratio != null && ctx.version() >= 2) { // a tagged field: Kafka's clients skip it
                        p.set("SluiceDirtyRatio", ratio);
                    }
                });
            });
            if (ctx.version() >= 4) {
                long[] space = offline.contains(dir) ? new long[]{-1, -1} : space(dir);
                result.set("TotalBytes", space[0]).set("UsableBytes", space[1]);
            }
        });
        ctx.respond(response);
    }

    void alterReplicaLogDirs(RequestContext ctx) {
        Map<String, Map<Integer, Errors>> results = new java.util.LinkedHashMap<>();
        // as Kafka: ALTER on the cluster, else every partition is refused
        boolean allowed = broker.authorization().allowsOnCluster(ctx, dev.sluice.api.security.AclOperation.ALTER);
        for (Struct dir : ctx.body().getArray("Dirs")) {
            Path path;
            try {
                path = Path.of(dir.getString("Path"));
            } catch (RuntimeException notAPath) {
                path = null;
            }
            for (Struct topic : dir.getArray("Topics")) {
                String name = topic.getString("Name");
                for (int index : topic.<Integer>getList("Partitions")) {
                    Errors error = !allowed ? Errors.CLUSTER_AUTHORIZATION_FAILED : path == null ? Errors.LOG_DIR_NOT_FOUND
                            : errorOf(broker.partitions().moveReplica(new TopicPartition(name, index), path));
                    results.computeIfAbsent(name, n -> new java.util.LinkedHashMap<>()).put(index, error);
                }
            }
        }
        Struct response = ctx.newResponse().set("ThrottleTimeMs", 0);
        results.forEach((topic, partitions) -> {
            Struct t = response.addStruct("Results").set("TopicName", topic);
            partitions.forEach((index, error) -> t.addStruct("Partitions").set("PartitionIndex", index).set("ErrorCode", error.code()));
        });
        ctx.respond(response);
    }

    /** Kafka's codes: a replica not hosted here REPLICA_NOT_AVAILABLE (its directory is kept for when it is). */
    private static Errors errorOf(LogDirMoveOutcome outcome) {
        if (outcome instanceof LogDirMoveOutcome.Moving || outcome instanceof LogDirMoveOutcome.AlreadyThere) {
            return Errors.NONE;
        } else if (outcome instanceof LogDirMoveOutcome.UnknownLogDir) {
            return Errors.LOG_DIR_NOT_FOUND;
        } else if (outcome instanceof LogDirMoveOutcome.LogDirOffline) {
            return Errors.KAFKA_STORAGE_ERROR;
        } else if (outcome instanceof LogDirMoveOutcome.NotHosted) {
            return Errors.REPLICA_NOT_AVAILABLE;
        }
        return Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }

    /** The partitions asked for by topic, or null for all. */
    private static Map<String, Set<Integer>> wanted(List<Struct> topics) {
        if (topics == null) {
            return null;
        }
        Map<String, Set<Integer>> only = new HashMap<>();
        for (Struct t : topics) {
            only.computeIfAbsent(t.getString("Topic"), k -> new java.util.HashSet<>()).addAll(t.<Integer>getList("Partitions"));
        }
        return only;
    }

    /** The volume's total and usable bytes; -1 (the schema's "unknown") if it cannot say. */
    private static long[] space(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            return new long[]{store.getTotalSpace(), store.getUsableSpace()};
        } catch (IOException unknown) {
            return new long[]{-1, -1};
        }
    }
}
