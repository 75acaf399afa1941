package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.client.producer.Callback;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.connect.runtime.MissingTopics;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One flow {@code source->target} copying records (MirrorMaker 2's MirrorSourceConnector): a consumer
 * without a group reads every copied partition of the source, a producer writes each record to the same
 * partition of the remote topic with its key, value, headers and timestamp. Every
 * {@code offset.flush.interval.ms} (and when stopping) it flushes the producer and only then stores the
 * positions copied in {@code mm2-offsets.<source>.internal} on the target, so a stored position never
 * passes a record the target has not acknowledged: after a crash the copy resumes there, sending again
 * (at least once) what it had sent after. The offset syncs the acknowledgements yield go to
 * {@code mm2-offset-syncs.<target>.internal} on the source. On a failure (a send the producer gave up on,
 * a cluster away) the flow starts over with new clients from its stored positions, waiting longer each
 * time. Every {@code progress.interval.seconds} it reports each topic's lag (records on the source not
 * yet copied).
 *
 * <p>Threads: its own thread owns the clients and the copying; {@link #close} from any thread; the
 * producer's I/O thread reports acknowledgements to {@link PartitionCopy}.
 */
final class MirrorFlow implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MirrorFlow.class.getName());
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long MAX_BACKOFF_MS = 30_000;
    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");

    private final MirrorConfig.Flow flow;
    private final MirrorConfig.Cluster source;
    private final MirrorConfig.Cluster target;
    private final Clock clock;
    private final Consumer<String> progress;
    private final Thread thread;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Queue<OffsetSync> syncs = new ConcurrentLinkedQueue<>();
    /** The first failed send of the current run (producer I/O thread → flow thread). */
    private volatile Exception failure;
    /** Copied partitions by source topic, each indexed by partition (no lookup allocation per record). */
    private final Map<String, PartitionCopy[]> partitions = new HashMap<>();

    MirrorFlow(MirrorConfig.Flow flow, MirrorConfig.Cluster source, MirrorConfig.Cluster target, Clock clock,
               Consumer<String> progress) {
        this.flow = flow;
        this.source = source;
        this.target = target;
        this.clock = clock;
        this.progress = progress;
        this.thread = new Thread(this::run, "mirror-" + flow.name());
    }

    void start() {
        thread.start();
    }

    private boolean closing() {
        return closing.getCount() == 0;
    }

    private void run() {
        long backoff = 1000;
        while (!closing()) {
            try {
                copy();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (closing()) {
                    return;
                }
                LOG.log(System.Logger.Level.WARNING, "flow " + flow.name() + " failed (" + e
                        + "); starting again from its committed positions in " + backoff + " ms");
                try {
                    if (closing.await(backoff, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    /** One run with its own clients, from the stored positions, until closed or failed. */
    private void copy() throws Exception {
        String id = "mirror-" + flow.source() + "-" + flow.target();
        try (SluiceAdmin sourceAdmin = new SluiceAdmin(client(source.adminProperties(), id + "-source-admin"));
             SluiceAdmin targetAdmin = new SluiceAdmin(client(target.adminProperties(), id + "-target-admin"));
             SluiceProducer producer = new SluiceProducer(producer(target, id + "-producer"));
             SluiceProducer syncProducer = new SluiceProducer(producer(source, id + "-offset-syncs"));
             SluiceConsumer consumer = new SluiceConsumer(consumer(source, id + "-consumer"))) {
            MissingTopics.create(targetAdmin, new NewTopic(flow.offsetsTopic(), 1, flow.internalReplication(), COMPACTED));
            MissingTopics.create(sourceAdmin, new NewTopic(flow.offsetSyncsTopic(), 1, flow.internalReplication(), COMPACTED));
            Map<TopicPartition, Long> stored;
            try (SluiceConsumer reader = new SluiceConsumer(consumer(target, id + "-offsets-reader"))) {
                int count = targetAdmin.describeTopics(List.of(flow.offsetsTopic())).get(30, TimeUnit.SECONDS)
                        .get(flow.offsetsTopic()).partitions().size();
                stored = SourceOffsets.load(reader, flow.offsetsTopic(), count, flow.source());
            }
            failure = null;
            syncs.clear();
            partitions.clear();
            RemoteTopics topics = new RemoteTopics(flow, sourceAdmin, targetAdmin);
            Callback offsetsStored = (metadata, e) -> failed(null, e);
            long now = clock.millis();
            long nextRefresh = now;
            long nextCommit = now + flow.offsetFlush().toMillis();
            long nextProgress = now + flow.progressInterval().toMillis();
            long lastProgress = now;
            while (!closing()) {
                now = clock.millis();
                if (now >= nextRefresh) {
                    assign(topics, stored, consumer);
                    nextRefresh = now + flow.refreshTopics().toMillis();
                }
                for (ConsumerRecord r : consumer.poll(POLL)) {
                    PartitionCopy p = partitions.get(r.topic())[r.partition()];
                    producer.send(new ProducerRecord(p.remoteTopic, r.partition(), r.timestamp() < 0 ? null : r.timestamp(),
                            r.key(), r.value(), r.headers()), p.callback(r.offset()));
                    p.sent = r.offset();
                    p.copied++;
                }
                throwIfFailed();
                if (now >= nextCommit) {
                    commit(producer, offsetsStored);
                    nextCommit = now + flow.offsetFlush().toMillis();
                }
                sendSyncs(syncProducer);
                if (now >= nextProgress) {
                    report(consumer, now - lastProgress);
                    lastProgress = now;
                    nextProgress = now + flow.progressInterval().toMillis();
                }
            }
            commit(producer, offsetsStored);
            sendSyncs(syncProducer);
            syncProducer.flush();
        }
    }

    private void failed(TopicPartition partition, Exception e) {
        if (e != null && failure == null) {
            failure = partition == null ? e : new IllegalStateException("copying " + partition + ": " + e.getMessage(), e);
        }
    }

    private void throwIfFailed() throws Exception {
        Exception e = failure;
        if (e != null) {
            throw e;
        }
    }

    /**
     * Looks for the source topics to copy (creating their remote topics) and assigns their partitions,
     * each positioned after the last record copied: in this run, else as stored, else the beginning.
     */
    private void assign(RemoteTopics topics, Map<TopicPartition, Long> stored, SluiceConsumer consumer) throws Exception {
        Map<String, Integer> counts = topics.refresh();
        List<TopicPartition> all = new ArrayList<>();
        counts.forEach((topic, count) -> {
            PartitionCopy[] known = partitions.get(topic);
            PartitionCopy[] copies = new PartitionCopy[count];
            for (int p = 0; p < count; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                copies[p] = known != null && p < known.length ? known[p]
                        : new PartitionCopy(tp, topics.remote(topic), flow.offsetLagMax(), syncs, this::failed);
                if (copies[p].sent < 0) {
                    copies[p].committed = stored.getOrDefault(tp, -1L);
                    copies[p].sent = copies[p].committed;
                }
                all.add(tp);
            }
            partitions.put(topic, copies);
        });
        partitions.keySet().retainAll(counts.keySet());
        consumer.assign(all);
        List<TopicPartition> fromStart = new ArrayList<>();
        for (TopicPartition tp : all) {
            long sent = partitions.get(tp.topic())[tp.partition()].sent;
            if (sent >= 0) {
                consumer.seek(tp, sent + 1);
            } else {
                fromStart.add(tp);
            }
        }
        if (!fromStart.isEmpty()) {
            consumer.seekToBeginning(fromStart);
        }
    }

    /** Flushes what was sent, then stores the positions sent (all acknowledged now) and queues the latest syncs. */
    private void commit(SluiceProducer producer, Callback offsetsStored) throws Exception {
        List<PartitionCopy> due = new ArrayList<>();
        for (PartitionCopy[] copies : partitions.values()) {
            for (PartitionCopy p : copies) {
                if (p.sent > p.committed) {
                    due.add(p);
                }
            }
        }
        if (due.isEmpty()) {
            return;
        }
        producer.flush();
        throwIfFailed();
        for (PartitionCopy p : due) {
            producer.send(SourceOffsets.record(flow.offsetsTopic(), flow.source(), p.source, p.sent), offsetsStored);
        }
        producer.flush();
        throwIfFailed();
        for (PartitionCopy p : due) {
            p.committed = p.sent;
            p.latestSync();
        }
    }

    private void sendSyncs(SluiceProducer syncProducer) {
        for (OffsetSync s = syncs.poll(); s != null; s = syncs.poll()) {
            syncProducer.send(ProducerRecord.of(flow.offsetSyncsTopic(), s.key(), s.value()), (metadata, e) -> {
                if (e != null) { // a lost sync only makes a translation less precise
                    LOG.log(System.Logger.Level.DEBUG, "flow " + flow.name() + ": an offset sync was not written: " + e);
                }
            });
        }
    }

    /** One line per topic: its lag (source records not yet copied), records copied and the rate since the last line. */
    private void report(SluiceConsumer consumer, long elapsedMs) {
        if (partitions.isEmpty()) {
            progress.accept("mirror " + flow.name() + ": no source topic matches topics = " + flow.topics().pattern());
            return;
        }
        List<TopicPartition> all = new ArrayList<>();
        partitions.forEach((topic, copies) -> {
            for (PartitionCopy p : copies) {
                all.add(p.source);
            }
        });
        Map<TopicPartition, Long> end = consumer.endOffsets(all);
        Map<String, long[]> byTopic = new LinkedHashMap<>(); // lag, copied, copied since the last line
        for (PartitionCopy[] copies : partitions.values()) {
            for (PartitionCopy p : copies) {
                long[] t = byTopic.computeIfAbsent(p.source.topic(), k -> new long[3]);
                t[0] += Math.max(0, end.getOrDefault(p.source, 0L) - (p.sent + 1));
                t[1] += p.copied;
                t[2] += p.copied - p.reported;
                p.reported = p.copied;
            }
        }
        byTopic.forEach((topic, t) -> progress.accept(String.format("mirror %s: %s -> %s: lag %d records, %d copied, %.1f records/s",
                flow.name(), topic, flow.policy().remoteTopic(flow.source(), topic), t[0], t[1],
                elapsedMs <= 0 ? 0.0 : t[2] * 1000.0 / elapsedMs)));
    }

    private static Properties client(Properties p, String clientId) {
        p.put("client.id", clientId);
        return p;
    }

    private static Properties producer(MirrorConfig.Cluster cluster, String clientId) {
        Properties p = client(cluster.producerProperties(), clientId);
        p.put("acks", "all"); // a stored position must never pass a record a failover could lose
        return p;
    }

    static Properties consumer(MirrorConfig.Cluster cluster, String clientId) {
        Properties p = client(cluster.consumerProperties(), clientId);
        p.remove("group.id");
        p.put("enable.auto.commit", "false");
        p.putIfAbsent("auto.offset.reset", "earliest");
        return p;
    }

    /** Stops copying after a last commit; waits for the thread up to a minute. */
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
