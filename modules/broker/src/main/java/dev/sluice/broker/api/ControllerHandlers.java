package dev.sluice.broker.api;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.controller.AlterPartitionResult;
import dev.sluice.broker.controller.ControllerService;
import dev.sluice.broker.controller.PartitionLeaderInfo;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * Brokers' requests to the controller (Kafka 3.9.1's ZooKeeper-mode schemas): ControlledShutdown
 * (0–3) and AlterPartition (0–3), decoded, handed to this broker's {@link ControllerService} and
 * answered when its thread has decided. A broker that is not the controller (or not in a cluster,
 * or not yet joined) answers NOT_CONTROLLER, so the sender looks the controller up again.
 *
 * <p>Inter-broker: answered on the client port, not advertised in ApiVersions (like LeaderAndIsr).
 *
 * <p>Threads: handlers run on request-handler threads; answers are sent from the controller's thread.
 * {@link #attach} once, from the broker's start-up thread, when it joins the cluster.
 */
final class ControllerHandlers {
    /** This broker's controller candidate; null on a single node and until the broker joins its cluster. */
    private volatile ControllerService controller;

    void attach(ControllerService controller) {
        this.controller = controller;
    }

    void controlledShutdown(RequestContext ctx) {
        Struct request = ctx.body();
        int brokerId = request.getInt("BrokerId");
        long brokerEpoch = ctx.version() >= 2 ? request.getLong("BrokerEpoch") : -1;
        ControllerService c = controller;
        if (c == null) {
            ctx.respond(ctx.newResponse().set("ErrorCode", Errors.NOT_CONTROLLER.code()));
            return;
        }
        c.controlledShutdown(brokerId, brokerEpoch).whenComplete((result, failure) -> {
            Struct response = ctx.newResponse();
            if (failure != null) {
                response.set("ErrorCode", errorOf(failure).code());
            } else {
                response.set("ErrorCode", result.error().code());
                for (TopicPartition tp : result.remaining()) {
                    response.addStruct("RemainingPartitions").set("TopicName", tp.topic()).set("PartitionIndex", tp.partition());
                }
            }
            ctx.respond(response);
        });
    }

    /** One partition of an AlterPartition request, in request order. */
    private record IsrChange(Struct topic, int partition, CompletableFuture<AlterPartitionResult> result) {
    }

    /**
     * Per partition the controller's answer; NOT_CONTROLLER or STALE_BROKER_EPOCH (the requesting broker is
     * not a live incarnation) answer the whole request at top level with no topics, as ZooKeeper-mode Kafka.
     */
    void alterPartition(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        ControllerService c = controller;
        if (c == null) {
            ctx.respond(ctx.newResponse().set("ErrorCode", Errors.NOT_CONTROLLER.code()));
            return;
        }
        int brokerId = request.getInt("BrokerId");
        long brokerEpoch = request.getLong("BrokerEpoch");
        List<IsrChange> changes = new ArrayList<>();
        for (Struct topic : request.getArray("Topics")) {
            for (Struct p : topic.getArray("Partitions")) {
                List<Integer> isr = new ArrayList<>();
                Map<Integer, Long> epochs = new LinkedHashMap<>();
                if (version >= 3) {
                    for (Struct member : p.getArray("NewIsrWithEpochs")) {
                        isr.add(member.getInt("BrokerId"));
                        epochs.put(member.getInt("BrokerId"), member.getLong("BrokerEpoch"));
                    }
                } else {
                    isr.addAll(p.<Integer>getList("NewIsr"));
                }
                int partition = p.getInt("PartitionIndex");
                int leaderEpoch = p.getInt("LeaderEpoch");
                int partitionEpoch = p.getInt("PartitionEpoch");
                CompletableFuture<AlterPartitionResult> result = version >= 2
                        ? c.alterPartition(brokerId, brokerEpoch, topic.getUuid("TopicId"), partition, leaderEpoch,
                                partitionEpoch, isr, epochs)
                        : c.alterPartition(brokerId, brokerEpoch, new TopicPartition(topic.getString("TopicName"), partition),
                                leaderEpoch, partitionEpoch, isr, epochs);
                changes.add(new IsrChange(topic, partition, result));
            }
        }
        CompletableFuture.allOf(changes.stream().map(IsrChange::result).toArray(CompletableFuture[]::new))
                .whenComplete((ignored, failure) -> ctx.respond(alterPartitionResponse(ctx, changes, failure)));
    }

    private static Struct alterPartitionResponse(RequestContext ctx, List<IsrChange> changes, Throwable failure) {
        Struct response = ctx.newResponse();
        if (failure != null) {
            return response.set("ErrorCode", errorOf(failure).code());
        }
        for (IsrChange change : changes) {
            Errors error = change.result().join().error();
            if (error == Errors.NOT_CONTROLLER || error == Errors.STALE_BROKER_EPOCH) {
                return response.set("ErrorCode", error.code());
            }
        }
        boolean byId = ctx.version() >= 2;
        Map<Object, Struct> topics = new LinkedHashMap<>();
        for (IsrChange change : changes) {
            Object key = byId ? change.topic().getUuid("TopicId") : change.topic().getString("TopicName");
            Struct topic = topics.computeIfAbsent(key, k -> byId
                    ? response.addStruct("Topics").set("TopicId", (UUID) k)
                    : response.addStruct("Topics").set("TopicName", (String) k));
            AlterPartitionResult result = change.result().join();
            Struct p = topic.addStruct("Partitions").set("PartitionIndex", change.partition())
                    .set("ErrorCode", result.error().code());
            if (result.state().isPresent()) {
                PartitionLeaderInfo state = result.state().get();
                p.set("LeaderId", state.leader()).set("LeaderEpoch", state.leaderEpoch()).set("Isr", state.isr())
                        .set("PartitionEpoch", state.partitionEpoch());
            }
        }
        return response.set("ErrorCode", Errors.NONE.code());
    }

    /** The controller's thread stopped (the broker is closing): no longer the controller. */
    private static Errors errorOf(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof RejectedExecutionException ? Errors.NOT_CONTROLLER : Errors.UNKNOWN_SERVER_ERROR;
    }
}
