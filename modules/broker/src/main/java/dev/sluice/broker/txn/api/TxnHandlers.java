package dev.sluice.broker.txn.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.api.ApiHandler;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.api.RequestContext;
import dev.sluice.broker.metadata.GroupCoordinatorLookup;
import dev.sluice.broker.txn.TransactionCoordinator;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntSupplier;

/**
 * InitProducerId (with a transactional id; without one the idempotent handler answers),
 * AddPartitionsToTxn 0-5 (one transaction before v4, batched from v4 with the verify-only form),
 * AddOffsetsToTxn 0-4 and EndTxn 0-4: decode, call the {@link TransactionCoordinator}, encode.
 * Answers come from the thread that replicated the coordinator's write. Threads: request handler threads.
 */
final class TxnHandlers {
    private final TransactionCoordinator coordinator;
    private final BrokerState broker;
    private final ApiHandler idempotentInit;
    private final IntSupplier offsetsPartitions;

    /**
     * @param idempotentInit    InitProducerId without a transactional id
     * @param offsetsPartitions the partition count of {@code __consumer_offsets} (AddOffsetsToTxn's partition)
     */
    TxnHandlers(TransactionCoordinator coordinator, BrokerState broker, ApiHandler idempotentInit,
                IntSupplier offsetsPartitions) {
        this.coordinator = coordinator;
        this.broker = broker;
        this.idempotentInit = idempotentInit;
        this.offsetsPartitions = offsetsPartitions;
    }

    void initProducerId(RequestContext ctx) {
        Struct request = ctx.body();
        String transactionalId = request.getString("TransactionalId");
        if (transactionalId == null) {
            idempotentInit.handle(ctx);
            return;
        }
        if (!writesTransaction(ctx, transactionalId)) {
            ctx.respond(ctx.newResponse().set("ErrorCode", Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
                    .set("ProducerId", -1L).set("ProducerEpoch", (short) -1));
            return;
        }
        long expectedId = ctx.version() >= 3 ? request.getLong("ProducerId") : -1L;
        short expectedEpoch = ctx.version() >= 3 ? request.getShort("ProducerEpoch") : -1;
        coordinator.initProducerId(transactionalId, request.getInt("TransactionTimeoutMs"), expectedId, expectedEpoch,
                result -> ctx.respond(ctx.newResponse().set("ErrorCode", result.error().code())
                        .set("ProducerId", result.producerId()).set("ProducerEpoch", result.producerEpoch())));
    }

    // ---- AddPartitionsToTxn

    void addPartitionsToTxn(RequestContext ctx) {
        Struct request = ctx.body();
        if (ctx.version() <= 3) {
            Map<String, List<Integer>> topics = topics(request.getArray("V3AndBelowTopics"));
            addOne(ctx, request.getString("V3AndBelowTransactionalId"), request.getLong("V3AndBelowProducerId"),
                    request.getShort("V3AndBelowProducerEpoch"), false, topics).thenAccept(results -> {
                        Struct response = ctx.newResponse();
                        fillTopicResults(response, "ResultsByTopicV3AndBelow", results);
                        ctx.respond(response);
                    });
            return;
        }
        List<CompletableFuture<Struct>> answers = new ArrayList<>();
        Struct response = ctx.newResponse().set("ErrorCode", Errors.NONE.code());
        // as Kafka: the batched form (v4+) comes from brokers verifying transactions, and needs CLUSTER_ACTION
        if (!broker.authorization().allowsOnCluster(ctx, AclOperation.CLUSTER_ACTION)) {
            ctx.respond(response.set("ErrorCode", Errors.CLUSTER_AUTHORIZATION_FAILED.code()));
            return;
        }
        for (Struct txn : request.getArray("Transactions")) {
            String id = txn.getString("TransactionalId");
            Struct out = response.addStruct("ResultsByTransaction").set("TransactionalId", id);
            answers.add(addOne(ctx, id, txn.getLong("ProducerId"), txn.getShort("ProducerEpoch"), txn.getBool("VerifyOnly"),
                    topics(txn.getArray("Topics"))).thenApply(results -> {
                        synchronized (response) {
                            fillTopicResults(out, "TopicResults", results);
                        }
                        return out;
                    }));
        }
        CompletableFuture.allOf(answers.toArray(new CompletableFuture[0])).thenRun(() -> {
            synchronized (response) {
                ctx.respond(response);
            }
        });
    }

    private static Map<String, List<Integer>> topics(List<Struct> topics) {
        Map<String, List<Integer>> byName = new LinkedHashMap<>();
        for (Struct topic : topics) {
            byName.computeIfAbsent(topic.getString("Name"), n -> new ArrayList<>())
                    .addAll(topic.<Integer>getList("Partitions"));
        }
        return byName;
    }

    /**
     * One transaction's partitions. Without WRITE on the transactional id every partition is
     * TRANSACTIONAL_ID_AUTHORIZATION_FAILED; a topic without WRITE (TOPIC_AUTHORIZATION_FAILED) or an unknown
     * partition fails the request, and Kafka answers the others OPERATION_NOT_ATTEMPTED.
     */
    private CompletableFuture<Map<TopicPartition, Errors>> addOne(RequestContext ctx, String transactionalId, long producerId,
                                                                  short epoch, boolean verifyOnly,
                                                                  Map<String, List<Integer>> topics) {
        Set<TopicPartition> partitions = new LinkedHashSet<>();
        topics.forEach((name, indexes) -> indexes.forEach(p -> partitions.add(new TopicPartition(name, p))));
        Map<TopicPartition, Errors> results = new LinkedHashMap<>();
        if (!writesTransaction(ctx, transactionalId)) {
            partitions.forEach(tp -> results.put(tp, Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
            return CompletableFuture.completedFuture(results);
        }
        Set<String> refusedTopics = new java.util.HashSet<>();
        topics.keySet().forEach(t -> {
            if (!broker.authorization().allows(ctx, AclOperation.WRITE, ResourceType.TOPIC, t)) {
                refusedTopics.add(t);
            }
        });
        boolean unknown = false;
        for (TopicPartition tp : partitions) {
            boolean exists = tp.partition() >= 0 && broker.partitions().topics().get(tp.topic())
                    .map(t -> tp.partition() < t.partitions()).orElse(false);
            Errors error = refusedTopics.contains(tp.topic()) ? Errors.TOPIC_AUTHORIZATION_FAILED
                    : exists ? Errors.OPERATION_NOT_ATTEMPTED : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            results.put(tp, error);
            unknown |= error != Errors.OPERATION_NOT_ATTEMPTED;
        }
        if (unknown || partitions.isEmpty()) {
            return CompletableFuture.completedFuture(results);
        }
        if (verifyOnly) {
            return CompletableFuture.completedFuture(coordinator.verifyPartitions(transactionalId, producerId, epoch,
                    partitions));
        }
        CompletableFuture<Map<TopicPartition, Errors>> answer = new CompletableFuture<>();
        coordinator.addPartitions(transactionalId, producerId, epoch, partitions, error -> {
            partitions.forEach(tp -> results.put(tp, error));
            answer.complete(results);
        });
        return answer;
    }

    private static void fillTopicResults(Struct parent, String arrayName, Map<TopicPartition, Errors> results) {
        Map<String, Struct> topics = new LinkedHashMap<>();
        results.forEach((tp, error) -> topics.computeIfAbsent(tp.topic(), n -> parent.addStruct(arrayName).set("Name", n))
                .addStruct("ResultsByPartition").set("PartitionIndex", tp.partition())
                .set("PartitionErrorCode", error.code()));
    }

    // ---- AddOffsetsToTxn, EndTxn

    void addOffsetsToTxn(RequestContext ctx) {
        Struct request = ctx.body();
        String group = request.getString("GroupId");
        if (!writesTransaction(ctx, request.getString("TransactionalId"))) {
            ctx.respond(ctx.newResponse().set("ErrorCode", Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
            return;
        }
        if (!broker.authorization().allows(ctx, AclOperation.READ, ResourceType.GROUP, group)) {
            ctx.respond(ctx.newResponse().set("ErrorCode", Errors.GROUP_AUTHORIZATION_FAILED.code()));
            return;
        }
        TopicPartition offsets = new TopicPartition(GroupCoordinatorLookup.OFFSETS_TOPIC,
                GroupCoordinatorLookup.partitionFor(group, offsetsPartitions.getAsInt()));
        coordinator.addPartitions(request.getString("TransactionalId"), request.getLong("ProducerId"),
                request.getShort("ProducerEpoch"), Set.of(offsets),
                error -> ctx.respond(ctx.newResponse().set("ErrorCode", error.code())));
    }

    void endTxn(RequestContext ctx) {
        Struct request = ctx.body();
        if (!writesTransaction(ctx, request.getString("TransactionalId"))) {
            ctx.respond(ctx.newResponse().set("ErrorCode", Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()));
            return;
        }
        coordinator.endTxn(request.getString("TransactionalId"), request.getLong("ProducerId"),
                request.getShort("ProducerEpoch"), request.getBool("Committed"),
                error -> ctx.respond(ctx.newResponse().set("ErrorCode", error.code())));
    }

    /** Kafka's check of every transactional request: WRITE on the transactional id. */
    private boolean writesTransaction(RequestContext ctx, String transactionalId) {
        return broker.authorization().allows(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID,
                transactionalId == null ? "" : transactionalId);
    }
}
