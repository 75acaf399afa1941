package dev.sluice.streams.runtime;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.streams.internals.ProcessingTask;
import dev.sluice.streams.processor.TaskId;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A running task: its {@link ProcessingTask} and a queue of fetched records per input partition. The
 * next record processed is the queued head with the smallest timestamp (Kafka's choice across a task's
 * partitions), and each partition's next offset is what a commit records. Stream thread only.
 */
final class StreamTask {
    private final ProcessingTask processing;
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord>> queues = new LinkedHashMap<>();
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private boolean uncommitted;

    StreamTask(ProcessingTask processing) {
        this.processing = processing;
    }

    TaskId id() {
        return processing.id();
    }

    ProcessingTask processing() {
        return processing;
    }

    void add(ConsumerRecord record) {
        queues.computeIfAbsent(new TopicPartition(record.topic(), record.partition()), tp -> new ArrayDeque<>()).add(record);
    }

    boolean hasRecords() {
        for (ArrayDeque<ConsumerRecord> q : queues.values()) {
            if (!q.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    int buffered() {
        int n = 0;
        for (ArrayDeque<ConsumerRecord> q : queues.values()) {
            n += q.size();
        }
        return n;
    }

    /** Processes the earliest queued record; false if none is queued. */
    boolean processOne() {
        ArrayDeque<ConsumerRecord> next = null;
        for (ArrayDeque<ConsumerRecord> q : queues.values()) {
            if (!q.isEmpty() && (next == null || q.peek().timestamp() < next.peek().timestamp())) {
                next = q;
            }
        }
        if (next == null) {
            return false;
        }
        ConsumerRecord r = next.poll();
        processing.process(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), r.headers());
        nextOffsets.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
        uncommitted = true;
        return true;
    }

    /** The input positions to commit, if anything was processed since the last commit. */
    Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        if (uncommitted) {
            nextOffsets.forEach((tp, o) -> out.put(tp, new OffsetAndMetadata(o)));
        }
        return out;
    }

    void committed() {
        uncommitted = false;
    }

    /** Drops queued records (the partitions were revoked; they will be fetched again by their next owner). */
    void clearQueues() {
        queues.clear();
    }
}
