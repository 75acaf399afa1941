package dev.sluice.broker.api;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * DescribeLogDirs: the broker's log directory with the size in bytes of each partition stored
 * there (all topics, or the ones asked for) and the volume's total and usable bytes. One
 * directory per broker; offline partitions are left out (their storage cannot say), as Kafka
 * leaves out the partitions of an offline directory. Runs on request-handler threads; reads
 * only thread-safe partition state.
 */
final class LogDirHandlers {
    private final BrokerState broker;

    LogDirHandlers(BrokerState broker) {
        this.broker = broker;
    }

    void describeLogDirs(RequestContext ctx) {
        List<Struct> wanted = ctx.body().getArray("Topics");
        Map<String, Set<Integer>> only = null;
        if (wanted != null) {
            only = new HashMap<>();
            for (Struct t : wanted) {
                only.computeIfAbsent(t.getString("Topic"), k -> new java.util.HashSet<>()).addAll(t.<Integer>getList("Partitions"));
            }
        }
        Map<String, Map<Integer, Long>> sizes = new TreeMap<>();
        for (Partition partition : broker.partitions().all()) {
            TopicPartition tp = partition.topicPartition();
            if (only != null && !only.getOrDefault(tp.topic(), Set.of()).contains(tp.partition())) {
                continue;
            }
            if (partition.role() instanceof PartitionRole.Offline) {
                continue;
            }
            long size;
            try {
                size = partition.log().sizeInBytes();
            } catch (RuntimeException closedOrFailed) { // deleted or failed meanwhile: not there to describe
                continue;
            }
            sizes.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), size);
        }
        Path dir = broker.partitions().logDir().toAbsolutePath().normalize();
        Struct response = ctx.newResponse();
        if (ctx.version() >= 3) {
            response.set("ErrorCode", Errors.NONE.code());
        }
        Struct result = response.addStruct("Results").set("ErrorCode", Errors.NONE.code()).set("LogDir", dir.toString());
        sizes.forEach((topic, partitions) -> {
            Struct t = result.addStruct("Topics").set("Name", topic);
            partitions.forEach((index, size) -> t.addStruct("Partitions").set("PartitionIndex", index)
                    .set("PartitionSize", size).set("OffsetLag", 0L).set("IsFutureKey", false));
        });
        if (ctx.version() >= 4) {
            long total = -1;
            long usable = -1;
            try {
                FileStore store = Files.getFileStore(dir);
                total = store.getTotalSpace();
                usable = store.getUsableSpace();
            } catch (IOException unknown) {
                // -1 is the schema's "unknown"
            }
            result.set("TotalBytes", total).set("UsableBytes", usable);
        }
        ctx.respond(response);
    }
}
