package dev.sluice.connect.distributed;

import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.admin.TopicDescription;
import dev.sluice.connect.api.ConnectException;
import dev.sluice.connect.runtime.MissingTopics;
import dev.sluice.connect.runtime.WorkerConfig;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The distributed worker's three compacted topics ({@code config.storage.topic} with one partition,
 * {@code offset.storage.topic}, {@code status.storage.topic}), created when missing with the
 * configured partitions and replication factors; their partition counts are read back. Startup only.
 */
record InternalTopics(String config, String offsets, int offsetPartitions, String status, int statusPartitions) {

    static InternalTopics ensure(WorkerConfig worker) {
        var v = worker.values();
        try (SluiceAdmin admin = new SluiceAdmin(worker.clientProperties("admin."))) {
            create(admin, v.getString("config.storage.topic"), 1, v.getShort("config.storage.replication.factor"));
            create(admin, v.getString("offset.storage.topic"), v.getInt("offset.storage.partitions"),
                    v.getShort("offset.storage.replication.factor"));
            create(admin, v.getString("status.storage.topic"), v.getInt("status.storage.partitions"),
                    v.getShort("status.storage.replication.factor"));
            Map<String, TopicDescription> d = admin.describeTopics(List.of(v.getString("offset.storage.topic"),
                    v.getString("status.storage.topic"))).get(30, TimeUnit.SECONDS);
            return new InternalTopics(v.getString("config.storage.topic"), v.getString("offset.storage.topic"),
                    d.get(v.getString("offset.storage.topic")).partitions().size(), v.getString("status.storage.topic"),
                    d.get(v.getString("status.storage.topic")).partitions().size());
        } catch (ConnectException e) {
            throw e;
        } catch (Exception e) {
            throw new ConnectException("cannot prepare the internal topics: " + e.getMessage(), e);
        }
    }

    private static void create(SluiceAdmin admin, String topic, int partitions, short rf) {
        MissingTopics.create(admin, new NewTopic(topic, partitions, rf, Map.of("cleanup.policy", "compact")));
    }
}
