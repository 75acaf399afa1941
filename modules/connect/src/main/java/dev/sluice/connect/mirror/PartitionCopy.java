package dev.sluice.connect.mirror;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.producer.Callback;
import dev.sluice.client.producer.RecordMetadata;

import java.util.Queue;

/**
 * The copying of one source partition to its remote partition: what was sent, what is committed, and
 * the offset syncs due. A sync is due for the first acknowledged record of a run, where the offsets stop
 * moving in step (a gap upstream such as a transaction marker, or downstream), once {@code offset.lag.max}
 * records passed the last one, and for the latest record at each commit ({@link #latestSync}).
 *
 * <p>Threads: {@code sent}, {@code committed} and {@code copied} belong to the flow's thread; acknowledgements
 * arrive on the target producer's I/O thread ({@link #callback}); the ack state is guarded by {@code this}.
 */
final class PartitionCopy {
    final TopicPartition source;
    final String remoteTopic;
    /** Upstream offset of the last record handed to the producer, -1 for none (flow thread). */
    long sent = -1;
    /** Upstream offset of the last record committed in the offsets topic, -1 for none (flow thread). */
    long committed = -1;
    /** Records sent since the mirror started (flow thread; the progress lines). */
    long copied;
    /** {@code copied} at the last progress line (flow thread). */
    long reported;

    private final long offsetLagMax;
    private final Queue<OffsetSync> syncs;
    private final FailureSink failures;
    private long ackedUp = -1;
    private long ackedDown = -1;
    private long syncedUp = -1;

    /** Where a failed send is reported (the flow restarts from its committed offsets). */
    interface FailureSink {
        void failed(TopicPartition partition, Exception e);
    }

    PartitionCopy(TopicPartition source, String remoteTopic, long offsetLagMax, Queue<OffsetSync> syncs, FailureSink failures) {
        this.source = source;
        this.remoteTopic = remoteTopic;
        this.offsetLagMax = offsetLagMax;
        this.syncs = syncs;
        this.failures = failures;
    }

    /** The callback of the send of upstream record {@code upstream}. */
    Callback callback(long upstream) {
        return (metadata, exception) -> acked(upstream, metadata, exception);
    }

    private void acked(long upstream, RecordMetadata metadata, Exception exception) {
        if (exception != null) {
            failures.failed(source, exception);
            return;
        }
        long downstream = metadata.offset();
        if (downstream < 0) {
            return; // a retried batch the broker had already (no offset returned): no sync from it
        }
        synchronized (this) {
            boolean due = syncedUp < 0 || upstream != ackedUp + 1 || downstream != ackedDown + 1
                    || upstream - syncedUp >= offsetLagMax;
            ackedUp = upstream;
            ackedDown = downstream;
            if (due) {
                sync();
            }
        }
    }

    /** Queues a sync for the latest acknowledged record unless it was synced already (at a commit). */
    synchronized void latestSync() {
        if (ackedUp >= 0 && ackedUp != syncedUp) {
            sync();
        }
    }

    private void sync() {
        syncedUp = ackedUp;
        syncs.add(new OffsetSync(source, syncedUp, ackedDown));
    }
}
