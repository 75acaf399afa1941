package dev.sluice.replication.fetch;

import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.LogSlice;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.partition.FetchIsolation;
import dev.sluice.broker.partition.FetchedData;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.protocol.Errors;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A leader for the fetch-state machine, without a network: a real leader {@link Replica} answering
 * a replica fetch as Kafka's leader does (fencing by CurrentLeaderEpoch, DivergingEpoch from
 * LastFetchedEpoch, OFFSET_OUT_OF_RANGE outside its log, records up to its log end, the follower's
 * position moving its high watermark). Tests can script one-off answers and watch each request.
 */
final class FakeLeader implements LeaderEndpoint {
    private final int brokerId;
    private final int followerId;
    final Map<TopicPartition, Replica> replicas = new LinkedHashMap<>();
    final List<FetchRequest> requests = new ArrayList<>();
    final Deque<Errors> scriptedErrors = new ArrayDeque<>();
    int unavailableFetches;
    Consumer<FetchRequest> duringFetch = r -> { };
    /** Answers the next fetch with these records instead of the log's (a misbehaving leader). */
    java.nio.ByteBuffer scriptedRecords;
    int listOffsetCalls;

    FakeLeader(int brokerId, int followerId, Replica replica) {
        this.brokerId = brokerId;
        this.followerId = followerId;
        this.replicas.put(replica.tp, replica);
    }

    /** This leader leads another partition too. */
    FakeLeader and(Replica replica) {
        replicas.put(replica.tp, replica);
        return this;
    }

    @Override
    public int brokerId() {
        return brokerId;
    }

    @Override
    public FetchResponse fetch(FetchRequest request) {
        requests.add(request);
        duringFetch.accept(request);
        if (unavailableFetches > 0) {
            unavailableFetches--;
            throw new LeaderUnavailableException("connection refused (scripted)");
        }
        Map<TopicPartition, FetchResponse.PartitionData> out = new LinkedHashMap<>();
        for (FetchRequest.PartitionFetch p : request.partitions()) {
            out.put(p.topicPartition(), answer(p));
        }
        return new FetchResponse(out);
    }

    private FetchResponse.PartitionData answer(FetchRequest.PartitionFetch p) {
        if (!scriptedErrors.isEmpty()) {
            return FetchResponse.PartitionData.error(scriptedErrors.poll());
        }
        var leader = replicas.get(p.topicPartition()).partition;
        if (scriptedRecords != null) {
            java.nio.ByteBuffer records = scriptedRecords;
            scriptedRecords = null;
            return new FetchResponse.PartitionData(Errors.NONE, leader.highWatermark(), leader.logStartOffset(), records, null);
        }
        PartitionRole role = leader.role();
        if (!(role instanceof PartitionRole.Leader)) {
            return FetchResponse.PartitionData.error(Errors.NOT_LEADER_OR_FOLLOWER);
        }
        if (p.currentLeaderEpoch() >= 0 && p.currentLeaderEpoch() != role.leaderEpoch()) {
            return FetchResponse.PartitionData.error(p.currentLeaderEpoch() < role.leaderEpoch()
                    ? Errors.FENCED_LEADER_EPOCH : Errors.UNKNOWN_LEADER_EPOCH);
        }
        if (p.lastFetchedEpoch() >= 0) {
            EpochEndOffset mine = leader.endOffsetForEpoch(p.lastFetchedEpoch());
            if (!mine.isUndefined() && (mine.epoch() < p.lastFetchedEpoch() || mine.endOffset() < p.fetchOffset())) {
                return new FetchResponse.PartitionData(Errors.NONE, leader.highWatermark(), leader.logStartOffset(),
                        java.nio.ByteBuffer.allocate(0), mine);
            }
        }
        if (p.fetchOffset() > leader.logEndOffset() || p.fetchOffset() < leader.logStartOffset()) {
            return new FetchResponse.PartitionData(Errors.OFFSET_OUT_OF_RANGE, leader.highWatermark(),
                    leader.logStartOffset(), java.nio.ByteBuffer.allocate(0), null);
        }
        leader.updateFollowerFetchState(followerId, p.fetchOffset());
        FetchedData data = leader.read(p.fetchOffset(), p.maxBytes(), FetchIsolation.LOG_END, true);
        LogSlice slice = data.records();
        try {
            return new FetchResponse.PartitionData(Errors.NONE, data.highWatermark(), data.logStartOffset(),
                    slice.toBuffer(), null);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Override
    public long latestOffset(TopicPartition tp, int currentLeaderEpoch) {
        listOffsetCalls++;
        return replicas.get(tp).partition.logEndOffset();
    }

    @Override
    public long earliestOffset(TopicPartition tp, int currentLeaderEpoch) {
        listOffsetCalls++;
        return replicas.get(tp).partition.logStartOffset();
    }

    @Override
    public void close() {
    }
}
