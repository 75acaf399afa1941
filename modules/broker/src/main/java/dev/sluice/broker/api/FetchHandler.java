package dev.sluice.broker.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.replica.FetchParams;
import dev.sluice.broker.replica.FetchPartitionResult;
import dev.sluice.broker.replica.LeaderHint;
import dev.sluice.broker.replica.FetchTarget;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Fetch: decodes the request, lets the replica manager read (or wait for {@code MinBytes} up to
 * {@code MaxWaitMs}), encodes its answer. Records go out as zero-copy log slices. A read_committed
 * consumer (IsolationLevel 1) reads up to the last stable offset and gets the aborted transactions. Fetch sessions
 * are not kept: every response says session 0, so clients send full fetch requests.
 */
final class FetchHandler implements ApiHandler {

    /** Fetch's IsolationLevel for read_committed (0 is read_uncommitted). */
    private static final byte READ_COMMITTED = 1;

    private final BrokerState broker;

    FetchHandler(BrokerState broker) {
        this.broker = broker;
    }

    /** How one requested partition is named in the response; {@code refused}: not read, answered with that error. */
    private record Name(String topicName, UUID topicId, int partition, boolean unknownTopicId, Errors refused) {
    }

    @Override
    public void handle(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        int replicaId = version >= 15 ? request.getStruct(FetchFields.REPLICA_STATE).getInt(FetchFields.STATE_REPLICA_ID)
                : request.getInt(FetchFields.REPLICA_ID);
        boolean readCommitted = version >= 4 && ((Number) request.get(FetchFields.ISOLATION_LEVEL)).byteValue() == READ_COMMITTED;
        FetchParams params = new FetchParams(replicaId, Math.max(0, request.getInt(FetchFields.MAX_WAIT_MS)),
                Math.max(0, request.getInt(FetchFields.MIN_BYTES)), version >= 3 ? request.getInt(FetchFields.MAX_BYTES) : Integer.MAX_VALUE,
                readCommitted && replicaId < 0);
        List<Name> names = new ArrayList<>();
        List<FetchTarget> targets = new ArrayList<>();
        Authorization authorization = broker.authorization();
        // as Kafka: a follower needs CLUSTER_ACTION (else every partition is refused), a consumer READ on each topic
        boolean followerRefused = replicaId >= 0 && !authorization.allowsOnCluster(ctx, AclOperation.CLUSTER_ACTION);
        for (Struct topic : request.getArray(FetchFields.TOPICS)) {
            String name = version <= 12 ? topic.getString(FetchFields.TOPIC) : null;
            UUID id = version >= 13 ? topic.getUuid(FetchFields.TOPIC_ID) : null;
            Optional<TopicMetadata> meta = name != null ? broker.partitions().topics().get(name)
                    : broker.partitions().topics().get(id);
            Errors refused = followerRefused ? Errors.TOPIC_AUTHORIZATION_FAILED
                    : replicaId < 0 && (name != null || meta.isPresent()) && !authorization.allows(ctx, AclOperation.READ,
                    ResourceType.TOPIC, meta.map(TopicMetadata::name).orElse(name)) ? Errors.TOPIC_AUTHORIZATION_FAILED : null;
            for (Struct p : topic.getArray(FetchFields.PARTITIONS)) {
                int index = p.getInt(FetchFields.PARTITION);
                names.add(new Name(name, id, index, version >= 13 && meta.isEmpty(), refused));
                // a refused partition is not read: no partition to fetch, answered with the refusal
                TopicPartition tp = refused == null && meta.isPresent() && index >= 0 ? new TopicPartition(meta.get().name(), index) : null;
                targets.add(new FetchTarget(tp, p.getLong(FetchFields.FETCH_OFFSET), p.getInt(FetchFields.PARTITION_MAX_BYTES),
                        version >= 9 ? p.getInt(FetchFields.CURRENT_LEADER_EPOCH) : -1,
                        version >= 12 ? p.getInt(FetchFields.LAST_FETCHED_EPOCH) : -1,
                        version >= 5 ? p.getLong(FetchFields.FOLLOWER_LOG_START_OFFSET) : -1L));
            }
        }
        broker.replicas().fetchMessages(params, targets, results -> ctx.respond(encode(ctx, names, targets, results)));
    }

    private Struct encode(RequestContext ctx, List<Name> names, List<FetchTarget> targets, List<FetchPartitionResult> results) {
        short version = ctx.version();
        Struct response = ctx.newResponse();
        response.set(FetchFields.ERROR_CODE, Errors.NONE.code()).set(FetchFields.SESSION_ID, 0);
        Struct topicOut = null;
        Name previous = null;
        LeaderEndpoints leaders = null; // only when a partition was refused: none on the happy path
        for (int i = 0; i < names.size(); i++) {
            Name name = names.get(i);
            if (topicOut == null || !sameTopic(previous, name)) {
                topicOut = response.addStruct(FetchFields.RESPONSES);
                if (version <= 12) {
                    topicOut.set(FetchFields.RESPONSE_TOPIC, name.topicName());
                } else {
                    topicOut.set(FetchFields.RESPONSE_TOPIC_ID, name.topicId());
                }
            }
            previous = name;
            Struct out = topicOut.addStruct(FetchFields.RESPONSE_PARTITIONS).set(FetchFields.PARTITION_INDEX, name.partition());
            FetchPartitionResult result = results.get(i);
            if (name.refused() != null) {
                out.set(FetchFields.PARTITION_ERROR_CODE, name.refused().code()).set(FetchFields.HIGH_WATERMARK, -1L);
                continue;
            }
            Errors error = result.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION && name.unknownTopicId()
                    ? Errors.UNKNOWN_TOPIC_ID : result.error();
            LeaderHint hint = null;
            if (error == Errors.UNKNOWN_TOPIC_OR_PARTITION || error == Errors.NOT_LEADER_OR_FOLLOWER
                    || error == Errors.FENCED_LEADER_EPOCH) {
                TopicPartition tp = targets.get(i).topicPartition();
                leaders = leaders != null ? leaders : new LeaderEndpoints(broker.metadata().snapshot(), broker.nodeId(),
                        ctx.listenerName());
                if (error == Errors.UNKNOWN_TOPIC_OR_PARTITION) {
                    hint = leaders.ledElsewhere(tp);
                    error = hint != null ? Errors.NOT_LEADER_OR_FOLLOWER : error;
                } else {
                    hint = leaders.hint(tp, result.currentLeader());
                }
            }
            out.set(FetchFields.PARTITION_ERROR_CODE, error.code()).set(FetchFields.HIGH_WATERMARK, result.highWatermark())
                    .set(FetchFields.RECORDS, result.records());
            if (error == Errors.NONE) {
                out.set(FetchFields.LAST_STABLE_OFFSET, result.lastStableOffset())
                        .set(FetchFields.LOG_START_OFFSET, result.logStartOffset());
                if (result.abortedTransactions() != null) { // read_committed: a list, maybe empty; else null
                    out.set(FetchFields.ABORTED_TRANSACTIONS, new ArrayList<Struct>(result.abortedTransactions().size()));
                    for (AbortedTxn aborted : result.abortedTransactions()) {
                        out.addStruct(FetchFields.ABORTED_TRANSACTIONS)
                                .set(FetchFields.ABORTED_PRODUCER_ID, aborted.producerId())
                                .set(FetchFields.ABORTED_FIRST_OFFSET, aborted.firstOffset());
                    }
                }
                if (result.divergingEpoch() != null && version >= 12) {
                    out.set(FetchFields.DIVERGING_EPOCH, out.newStruct("DivergingEpoch")
                            .set(FetchFields.DIVERGING_EPOCH_EPOCH, result.divergingEpoch().epoch())
                            .set(FetchFields.DIVERGING_EPOCH_END_OFFSET, result.divergingEpoch().endOffset()));
                }
            } else if (error == Errors.OFFSET_OUT_OF_RANGE) {
                out.set(FetchFields.LOG_START_OFFSET, result.logStartOffset());
            }
            if (hint != null && version >= 12) {
                leaders.setCurrentLeader(out, hint);
            }
        }
        if (leaders != null && version >= 16) {
            leaders.writeTo(response);
        }
        return response;
    }

    private static boolean sameTopic(Name a, Name b) {
        return a != null && Objects.equals(a.topicName(), b.topicName()) && Objects.equals(a.topicId(), b.topicId());
    }
}
