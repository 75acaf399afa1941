package dev.sluice.broker.txn;

import dev.sluice.api.Scheduler;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.protocol.Errors;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Writes a transaction's markers on all its partitions (Kafka's {@code TransactionMarkerChannelManager}):
 * groups the partitions still missing a marker by their leader, sends each leader one
 * WriteTxnMarkers through the {@link MarkerChannel}, and retries what failed (no leader, not the
 * leader any more, not answered, not enough replicas, ...) after {@code retryBackoffMs}, until every
 * partition has its marker; then calls the job's {@code done}. A job stops without calling it once
 * {@code stillCoordinator} turns false (this broker lost the transaction's partition: the new
 * coordinator finishes the markers when it loads the state).
 *
 * <p>Threads: {@link #send} from any thread; attempts run on the {@code retries} scheduler, answers
 * are handled on the channel's threads (each job's state under its own lock).
 */
public final class TxnMarkerSender {
    private static final System.Logger LOG = System.getLogger(TxnMarkerSender.class.getName());

    private final MarkerChannel channel;
    private final MarkerTargets targets;
    private final Scheduler retries;
    private final long retryBackoffMs;

    public TxnMarkerSender(MarkerChannel channel, MarkerTargets targets, Scheduler retries, long retryBackoffMs) {
        this.channel = channel;
        this.targets = targets;
        this.retries = retries;
        this.retryBackoffMs = retryBackoffMs;
    }

    private final class Job {
        final String transactionalId;
        final TxnMarker marker;
        final BooleanSupplier stillCoordinator;
        final Runnable done;
        final Set<TopicPartition> remaining;
        int outstanding;
        boolean finished;

        Job(String transactionalId, TxnMarker marker, BooleanSupplier stillCoordinator, Runnable done) {
            this.transactionalId = transactionalId;
            this.marker = marker;
            this.stillCoordinator = stillCoordinator;
            this.done = done;
            this.remaining = new HashSet<>(marker.partitions());
        }
    }

    /** Starts writing {@code marker}'s partitions; {@code done} runs once all have it. */
    public void send(String transactionalId, TxnMarker marker, BooleanSupplier stillCoordinator, Runnable done) {
        Job job = new Job(transactionalId, marker, stillCoordinator, done);
        retries.schedule(() -> attempt(job), 0);
    }

    private void attempt(Job job) {
        Map<BrokerNode, Set<TopicPartition>> byLeader = new HashMap<>();
        boolean complete;
        synchronized (job) {
            if (job.finished || !job.stillCoordinator.getAsBoolean()) {
                return;
            }
            for (TopicPartition tp : Set.copyOf(job.remaining)) {
                MarkerTargets.Target target = targets.of(tp);
                if (target instanceof MarkerTargets.Target.Leader leader) {
                    byLeader.computeIfAbsent(leader.node(), n -> new HashSet<>()).add(tp);
                } else if (target instanceof MarkerTargets.Target.Deleted) {
                    job.remaining.remove(tp);
                } // Unavailable: retried after the backoff
            }
            job.outstanding = byLeader.size();
            complete = job.remaining.isEmpty();
        }
        if (complete) {
            finish(job);
            return;
        }
        if (byLeader.isEmpty()) {
            retries.schedule(() -> attempt(job), retryBackoffMs);
            return;
        }
        byLeader.forEach((leader, partitions) -> channel.send(leader, job.marker.on(partitions))
                .whenComplete((errors, failure) -> answered(job, leader, partitions, errors, failure)));
    }

    private void answered(Job job, BrokerNode leader, Set<TopicPartition> sent, Map<TopicPartition, Errors> errors,
                          Throwable failure) {
        boolean complete;
        boolean retry;
        synchronized (job) {
            if (failure != null) {
                LOG.log(System.Logger.Level.DEBUG, () -> "markers of " + job.transactionalId + " to broker " + leader.id()
                        + " not answered: " + failure);
            } else {
                errors.forEach((tp, error) -> {
                    if (sent.contains(tp) && markerDone(job, tp, error)) {
                        job.remaining.remove(tp);
                    }
                });
            }
            job.outstanding--;
            complete = job.remaining.isEmpty();
            retry = !complete && job.outstanding == 0;
        }
        if (complete) {
            finish(job);
        } else if (retry) {
            retries.schedule(() -> attempt(job), retryBackoffMs);
        }
    }

    /** Kafka's {@code TransactionMarkerRequestCompletionHandler}: which answers end a partition's attempts. */
    private static boolean markerDone(Job job, TopicPartition tp, Errors error) {
        return switch (error) {
            case NONE -> true;
            // a newer epoch wrote to the partition, or it cannot take markers: retrying cannot help
            case INVALID_PRODUCER_EPOCH, PRODUCER_FENCED, UNSUPPORTED_FOR_MESSAGE_FORMAT -> {
                LOG.log(System.Logger.Level.WARNING, "marker of " + job.transactionalId + " on " + tp + " refused: "
                        + error + "; not retried");
                yield true;
            }
            case CORRUPT_MESSAGE, MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_REQUIRED_ACKS -> {
                LOG.log(System.Logger.Level.ERROR, "marker of " + job.transactionalId + " on " + tp + " refused: "
                        + error + "; not retried");
                yield true;
            }
            default -> false; // NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, timeouts...
        };
    }

    private void finish(Job job) {
        synchronized (job) {
            if (job.finished) {
                return;
            }
            job.finished = true;
        }
        if (job.stillCoordinator.getAsBoolean()) {
            job.done.run();
        }
    }
}
