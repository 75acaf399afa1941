package dev.sluice.tools.console;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerRebalanceListener;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.tools.cli.ClientCommand;

import java.io.PrintStream;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code consume --group}: the console consumer is a real group member (subscribe) and commits
 * the offset after each record it printed, every few seconds, when a rebalance takes partitions
 * away, and at the end. Not the consumer's position: stopping at {@code --max-messages} in the
 * middle of a poll must not skip the rest of that poll for the group.
 */
final class GroupProgress implements ConsumerRebalanceListener {
    private static final long INTERVAL_MS = 5_000;

    private final String group;
    private final PrintStream err;
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    /** Partitions a poll returned records of (printed or not): their position may be past what was printed. */
    private final java.util.Set<TopicPartition> returned = new java.util.HashSet<>();
    private SluiceConsumer consumer;
    private long lastCommitMs = System.currentTimeMillis();
    private volatile long assignedAtMs;

    GroupProgress(String group, PrintStream err) {
        this.group = group;
        this.err = err;
    }

    void subscribe(SluiceConsumer consumer, String topic) {
        this.consumer = consumer;
        consumer.subscribe(java.util.List.of(topic), this);
    }

    /** When partitions last came in: a --timeout-ms counts from then, not from the start of the join. */
    long assignedAtMs() {
        return assignedAtMs;
    }

    void returned(TopicPartition tp) {
        returned.add(tp);
    }

    void printed(TopicPartition tp, long offset) {
        pending.put(tp, new OffsetAndMetadata(offset + 1));
    }

    void maybeCommit() {
        if (System.currentTimeMillis() - lastCommitMs >= INTERVAL_MS) {
            commit(Map.copyOf(pending));
        }
    }

    /**
     * At the end, also the position of every assigned partition that returned no record (as Kafka's
     * consumer commits all positions): otherwise a record produced there later, after a reset to
     * latest, would be skipped by the next run.
     */
    void commitAll() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>(pending);
        try {
            for (TopicPartition tp : consumer.assignment()) {
                if (!offsets.containsKey(tp) && !returned.contains(tp)) {
                    offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
                }
            }
        } catch (RuntimeException e) {
            err.println("WARNING: cannot read the positions of group " + group + ": " + ClientCommand.explain(e, null));
        }
        commit(offsets);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> revoked = new HashMap<>();
        partitions.forEach(tp -> {
            if (pending.containsKey(tp)) {
                revoked.put(tp, pending.get(tp));
            }
        });
        commit(revoked);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        assignedAtMs = System.currentTimeMillis();
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        partitions.forEach(pending::remove); // someone else owns them now: our commit would be refused
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        lastCommitMs = System.currentTimeMillis();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            offsets.keySet().forEach(pending::remove);
        } catch (RuntimeException e) {
            err.println("WARNING: cannot commit offsets of group " + group + ": " + ClientCommand.explain(e, null));
        }
    }
}
