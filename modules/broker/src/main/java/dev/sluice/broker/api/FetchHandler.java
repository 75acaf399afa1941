package dev.sluice.broker.api;

import dev.sluice.api.storage.OffsetOutOfRangeException;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.delay.DelayedOperation;
import dev.sluice.broker.partition.FetchedData;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fetch: reads each requested partition from its fetch offset, answering at once when at least
 * {@code MinBytes} are available (or on error), else parking the request until an append to one
 * of its partitions or {@code MaxWaitMs}. Records go out as zero-copy log slices. Fetch sessions
 * are not kept: every response says session 0, so clients send full fetch requests.
 */
final class FetchHandler implements ApiHandler {
    private static final System.Logger LOG = System.getLogger(FetchHandler.class.getName());

    private final BrokerState broker;

    FetchHandler(BrokerState broker) {
        this.broker = broker;
    }

    /** One partition of the request, resolved once. */
    private record Wanted(String topicName, UUID topicId, int partition, long fetchOffset, int maxBytes,
                          int currentLeaderEpoch, Partition target, Errors lookupError) {
    }

    @Override
    public void handle(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        int replicaId = version >= 15 ? request.getStruct("ReplicaState").getInt("ReplicaId") : request.getInt("ReplicaId");
        int maxWaitMs = Math.max(0, request.getInt("MaxWaitMs"));
        int minBytes = Math.max(0, request.getInt("MinBytes"));
        int maxBytes = version >= 3 ? request.getInt("MaxBytes") : Integer.MAX_VALUE;
        List<Wanted> wanted = new ArrayList<>();
        List<TopicPartition> keys = new ArrayList<>();
        for (Struct topic : request.getArray("Topics")) {
            String name = version <= 12 ? topic.getString("Topic") : null;
            UUID id = version >= 13 ? topic.getUuid("TopicId") : null;
            Optional<TopicMetadata> meta = name != null ? broker.partitions().topics().get(name)
                    : broker.partitions().topics().get(id);
            for (Struct p : topic.getArray("Partitions")) {
                int index = p.getInt("Partition");
                Partition target = meta.flatMap(t -> broker.partitions().partition(t.name(), index))
                        .orElse(null);
                Errors lookupError = target != null ? Errors.NONE
                        : version >= 13 && meta.isEmpty() ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                wanted.add(new Wanted(name, id, index, p.getLong("FetchOffset"), p.getInt("PartitionMaxBytes"),
                        version >= 9 ? p.getInt("CurrentLeaderEpoch") : -1, target, lookupError));
                if (target != null) {
                    keys.add(target.topicPartition());
                }
            }
        }
        FetchOperation operation = new FetchOperation(ctx, wanted, replicaId >= 0, minBytes, maxBytes);
        if (maxWaitMs == 0 || minBytes == 0 || keys.isEmpty()) {
            operation.respond();
        } else {
            broker.partitions().fetchWaiters().tryCompleteElseWatch(operation, keys, maxWaitMs);
        }
    }

    /** A fetch that completes when enough bytes are there or on timeout; reads afresh each time. */
    private static final class FetchOperation implements DelayedOperation {
        private final RequestContext ctx;
        private final List<Wanted> wanted;
        private final boolean follower;
        private final int minBytes;
        private final int maxBytes;
        private final AtomicBoolean responded = new AtomicBoolean();

        FetchOperation(RequestContext ctx, List<Wanted> wanted, boolean follower, int minBytes, int maxBytes) {
            this.ctx = ctx;
            this.wanted = wanted;
            this.follower = follower;
            this.minBytes = minBytes;
            this.maxBytes = maxBytes;
        }

        @Override
        public boolean tryComplete() {
            Struct response = build();
            if (response == null) {
                return false;
            }
            send(response);
            return true;
        }

        @Override
        public void onExpire() {
            respond();
        }

        void respond() {
            Struct response = ctx.newResponse();
            fill(response);
            send(response);
        }

        private void send(Struct response) {
            if (responded.compareAndSet(false, true)) {
                ctx.respond(response);
            }
        }

        /** The response if it may go out now (enough bytes, or an error), else null. */
        private Struct build() {
            Struct response = ctx.newResponse();
            Outcome outcome = fill(response);
            return outcome.bytes >= minBytes || outcome.errors ? response : null;
        }

        private record Outcome(long bytes, boolean errors) {
        }

        private Outcome fill(Struct response) {
            short version = ctx.version();
            response.set("ErrorCode", Errors.NONE.code()).set("SessionId", 0);
            long total = 0;
            boolean errors = false;
            Struct topicOut = null;
            Wanted previous = null;
            for (Wanted w : wanted) {
                if (topicOut == null || !sameTopic(previous, w)) {
                    topicOut = response.addStruct("Responses");
                    if (version <= 12) {
                        topicOut.set("Topic", w.topicName());
                    } else {
                        topicOut.set("TopicId", w.topicId());
                    }
                }
                previous = w;
                Struct out = topicOut.addStruct("Partitions").set("PartitionIndex", w.partition());
                if (w.target() == null) {
                    partitionError(out, w.lookupError());
                    errors = true;
                    continue;
                }
                Partition partition = w.target();
                Errors epochError = checkLeaderEpoch(w.currentLeaderEpoch(), partition.leaderEpoch());
                if (epochError != Errors.NONE) {
                    partitionError(out, epochError);
                    errors = true;
                    continue;
                }
                int budget = (int) Math.max(0, Math.min(w.maxBytes(), maxBytes - total)); // a negative PartitionMaxBytes reads nothing
                try {
                    // the first partition with data may exceed the limits so a consumer never stalls on a large batch
                    FetchedData data = partition.read(w.fetchOffset(), budget, follower, total == 0);
                    out.set("ErrorCode", Errors.NONE.code()).set("HighWatermark", data.highWatermark())
                            .set("LastStableOffset", data.highWatermark()).set("LogStartOffset", data.logStartOffset())
                            .set("Records", data.records());
                    total += data.records().sizeInBytes();
                } catch (OffsetOutOfRangeException e) {
                    partitionError(out, Errors.OFFSET_OUT_OF_RANGE);
                    out.set("HighWatermark", partition.highWatermark()).set("LogStartOffset", partition.logStartOffset());
                    errors = true;
                } catch (RuntimeException e) {
                    // e.g. the topic was deleted while this fetch waited: answer for this partition, keep the rest
                    LOG.log(System.Logger.Level.DEBUG, () -> "fetch from " + partition.topicPartition() + " failed: " + e);
                    partitionError(out, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                    errors = true;
                }
            }
            return new Outcome(total, errors);
        }

        private static boolean sameTopic(Wanted a, Wanted b) {
            return a != null && java.util.Objects.equals(a.topicName(), b.topicName())
                    && java.util.Objects.equals(a.topicId(), b.topicId());
        }

        private static void partitionError(Struct out, Errors error) {
            out.set("ErrorCode", error.code()).set("HighWatermark", -1L).set("Records", dev.sluice.api.storage.LogSlice.EMPTY);
        }
    }

    /** Kafka's fencing: an older epoch is fenced, a newer one means our metadata is behind. */
    static Errors checkLeaderEpoch(int requested, int current) {
        if (requested < 0 || requested == current) {
            return Errors.NONE;
        }
        return requested < current ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH;
    }
}
