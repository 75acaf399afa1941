package dev.sluice.streams.runtime;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.streams.internals.ProcessingTask;
import dev.sluice.streams.processor.TaskId;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A running task: its {@link ProcessingTask} and a queue of fetched records per input partition. The
 * next record processed is the queued head with the smallest timestamp (Kafka's choice across a task's
 * partitions), and each partition's next offset is what a commit records. Records arrive a partition's
 * poll at a time, so taking one to process allocates nothing. Stream thread only.
 */
final class StreamTask {
    private final ProcessingTask processing;
    private final Map<TopicPartition, PartitionQueue> byPartition = new HashMap<>();
    private final List<PartitionQueue> queues = new ArrayList<>(); // the same, indexed for the per-record scan
    private boolean uncommitted;

    StreamTask(ProcessingTask processing) {
        this.processing = processing;
    }

    /** One input partition's fetched records not yet processed, and the offset after the last processed. */
    private static final class PartitionQueue {
        final TopicPartition partition;
        final ArrayDeque<ConsumerRecord> records = new ArrayDeque<>();
        long nextOffset = -1;

        PartitionQueue(TopicPartition partition) {
            this.partition = partition;
        }
    }

    TaskId id() {
        return processing.id();
    }

    ProcessingTask processing() {
        return processing;
    }

    /** Queues what one poll returned for {@code partition}, in offset order. */
    void add(TopicPartition partition, List<ConsumerRecord> records) {
        PartitionQueue q = byPartition.get(partition);
        if (q == null) {
            q = new PartitionQueue(partition);
            byPartition.put(partition, q);
            queues.add(q);
        }
        q.records.addAll(records);
    }

    /** Processes the earliest queued record; false if none is queued. */
    boolean processOne() {
        PartitionQueue next = null;
        for (int i = 0; i < queues.size(); i++) {
            PartitionQueue q = queues.get(i);
            ConsumerRecord head = q.records.peek();
            if (head != null && (next == null || head.timestamp() < next.records.peek().timestamp())) {
                next = q;
            }
        }
        if (next == null) {
            return false;
        }
        ConsumerRecord r = next.records.poll();
        processing.process(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
        next.nextOffset = r.offset() + 1;
        uncommitted = true;
        return true;
    }

    /** The input positions to commit, if anything was processed since the last commit. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        if (uncommitted) {
            for (PartitionQueue q : queues) {
                if (q.nextOffset >= 0) {
                    out.put(q.partition, new OffsetAndMetadata(q.nextOffset));
                }
            }
        }
        return out;
    }

    void committed() {
        uncommitted = false;
    }

    /** Drops queued records (the partitions were revoked; they will be fetched again by their next owner). */
    void clearQueues() {
        for (PartitionQueue q : queues) {
            q.records.clear();
        }
    }
}
