package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.GroupDescription;
import dev.sluice.client.admin.GroupListing;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.connect.runtime.MissingTopics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A flow's consumer-group checkpoints (MirrorMaker 2's MirrorCheckpointConnector): every
 * {@code emit.checkpoints.interval.seconds} it reads the new offset syncs, and for each group of the
 * source matching {@code groups} writes each committed offset of a copied partition, translated
 * ({@link OffsetTranslator}), to {@code <source>.checkpoints.internal} on the target. With {@code sync.group.offsets.enabled} it also commits them as the group's offsets on the
 * target, when the group has no members there and only forward, so consumers moving to the target resume
 * where they stopped (reading a few records again at most). Failures are logged and retried next round.
 *
 * <p>Threads: its own thread owns the clients and the translator; {@link #close} from any thread.
 */
final class GroupCheckpoints implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GroupCheckpoints.class.getName());
    private static final long TIMEOUT_S = 30;
    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");

    private final MirrorConfig.Flow flow;
    private final MirrorConfig.Cluster source;
    private final MirrorConfig.Cluster target;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final OffsetTranslator translator = new OffsetTranslator();

    GroupCheckpoints(MirrorConfig.Flow flow, MirrorConfig.Cluster source, MirrorConfig.Cluster target) {
        this.flow = flow;
        this.source = source;
        this.target = target;
        this.thread = new Thread(this::run, "mirror-checkpoints-" + flow.name());
    }

    void start() {
        thread.start();
    }

    private void run() {
        String id = "mirror-" + flow.source() + "-" + flow.target() + "-checkpoints";
        long interval = flow.checkpointInterval().toMillis();
        try {
            while (!closing.await(interval, TimeUnit.MILLISECONDS)) {
                try {
                    session(id, interval);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    LOG.log(System.Logger.Level.WARNING, "flow " + flow.name() + ": checkpoints failed (" + e
                            + "); trying again in " + interval + " ms");
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** Checkpoints every interval with one set of clients until closed or failed. */
    private void session(String id, long interval) throws Exception {
        var producerProps = target.producerProperties();
        producerProps.put("client.id", id + "-producer");
        producerProps.put("acks", "all");
        try (SluiceAdmin sourceAdmin = new SluiceAdmin(admin(source, id + "-source-admin"));
             SluiceAdmin targetAdmin = new SluiceAdmin(admin(target, id + "-target-admin"));
             SluiceProducer producer = new SluiceProducer(producerProps);
             SluiceConsumer syncReader = new SluiceConsumer(MirrorFlow.consumer(source, id + "-offset-syncs"))) {
            MissingTopics.create(targetAdmin, new NewTopic(flow.checkpointsTopic(), 1, flow.internalReplication(), COMPACTED));
            MissingTopics.create(sourceAdmin, new NewTopic(flow.offsetSyncsTopic(), 1, flow.internalReplication(), COMPACTED));
            int count = sourceAdmin.describeTopics(List.of(flow.offsetSyncsTopic())).get(TIMEOUT_S, TimeUnit.SECONDS)
                    .get(flow.offsetSyncsTopic()).partitions().size();
            List<TopicPartition> syncPartitions = new ArrayList<>();
            for (int p = 0; p < count; p++) {
                syncPartitions.add(new TopicPartition(flow.offsetSyncsTopic(), p));
            }
            syncReader.assign(syncPartitions);
            syncReader.seekToBeginning(syncPartitions);
            do {
                ReadToEnd.read(syncReader, syncPartitions, this::addSync);
                checkpoint(sourceAdmin, targetAdmin, producer);
            } while (!closing.await(interval, TimeUnit.MILLISECONDS));
        }
    }

    private void addSync(ConsumerRecord r) {
        try {
            translator.add(OffsetSync.decode(r.key(), r.value()));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, flow.offsetSyncsTopic() + ": skipped a record at offset " + r.offset()
                    + ": " + e.getMessage());
        }
    }

    private void checkpoint(SluiceAdmin sourceAdmin, SluiceAdmin targetAdmin, SluiceProducer producer) throws Exception {
        for (GroupListing listing : sourceAdmin.listGroups().get(TIMEOUT_S, TimeUnit.SECONDS)) {
            String group = listing.groupId();
            if (!flow.checkpoints(group)) {
                continue;
            }
            Map<TopicPartition, Long> translated = new HashMap<>();
            sourceAdmin.listGroupOffsets(group).get(TIMEOUT_S, TimeUnit.SECONDS).forEach((tp, upstream) -> {
                if (upstream < 0 || !flow.copies(tp.topic())) {
                    return;
                }
                OptionalLong downstream = translator.translate(tp, upstream);
                if (downstream.isEmpty()) {
                    return;
                }
                TopicPartition remote = new TopicPartition(flow.policy().remoteTopic(flow.source(), tp.topic()), tp.partition());
                Checkpoint c = new Checkpoint(group, remote, upstream, downstream.getAsLong(), "");
                translated.put(remote, c.downstream());
                producer.send(ProducerRecord.of(flow.checkpointsTopic(), c.key(), c.value()));
            });
            if (flow.syncGroupOffsets() && !translated.isEmpty()) {
                syncGroupOffsets(targetAdmin, group, translated);
            }
        }
        producer.flush();
    }

    /** Commits the translated offsets for {@code group} on the target where it has no members and they move forward. */
    private void syncGroupOffsets(SluiceAdmin targetAdmin, String group, Map<TopicPartition, Long> translated) throws Exception {
        GroupDescription d = targetAdmin.describeGroups(List.of(group)).get(TIMEOUT_S, TimeUnit.SECONDS).get(group);
        if (d != null && d.exists() && !d.members().isEmpty()) {
            return; // consumers run on the target: their own commits win
        }
        Map<TopicPartition, Long> current = d == null || !d.exists() ? Map.of()
                : targetAdmin.listGroupOffsets(group).get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<TopicPartition, Long> ahead = new HashMap<>();
        translated.forEach((tp, offset) -> {
            if (offset > current.getOrDefault(tp, -1L)) {
                ahead.put(tp, offset);
            }
        });
        if (ahead.isEmpty()) {
            return;
        }
        try {
            targetAdmin.alterGroupOffsets(group, ahead).get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) { // a consumer joined meanwhile
            LOG.log(System.Logger.Level.INFO, "flow " + flow.name() + ": group " + group + "'s offsets not synced: "
                    + e.getCause().getMessage());
        }
    }

    private static Properties admin(MirrorConfig.Cluster cluster, String clientId) {
        Properties p = cluster.adminProperties();
        p.put("client.id", clientId);
        return p;
    }

    @Override
    public void close() {
        closing.countDown();
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
