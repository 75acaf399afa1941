package dev.sluice.broker.txn.api;

import dev.sluice.api.security.AclOperation;
import dev.sluice.api.security.ResourceType;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.api.ApiHandler;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.api.FindCoordinatorAnswer;
import dev.sluice.broker.api.FindCoordinatorAnswer.Coordinator;
import dev.sluice.broker.api.RequestContext;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.broker.txn.TransactionCoordinator;
import dev.sluice.broker.txn.TxnMetadata;
import dev.sluice.broker.txn.TxnState;
import dev.sluice.broker.txn.TxnTopic;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * FindCoordinator for transactional ids (key type 1, every version: one key before v4, batched
 * keys from v4; group keys go to the group coordinator's handler), ListTransactions 0-2 (the ids
 * coordinated here: clients ask every broker) and DescribeTransactions 0. Threads: request handler threads.
 */
final class TxnAdminHandlers {
    private static final byte KEY_TYPE_TRANSACTION = 1;

    private final TransactionCoordinator coordinator;
    private final BrokerState broker;
    private final TxnTopic topic;
    private final ApiHandler groupFindCoordinator;

    TxnAdminHandlers(TransactionCoordinator coordinator, BrokerState broker, TxnTopic topic,
                     ApiHandler groupFindCoordinator) {
        this.coordinator = coordinator;
        this.broker = broker;
        this.topic = topic;
        this.groupFindCoordinator = groupFindCoordinator;
    }

    void findCoordinator(RequestContext ctx) {
        if (ctx.version() < 1 || ctx.body().getByte("KeyType") != KEY_TYPE_TRANSACTION) {
            groupFindCoordinator.handle(ctx);
            return;
        }
        FindCoordinatorAnswer.respond(ctx, key -> coordinatorOf(ctx, key));
    }

    private Coordinator coordinatorOf(RequestContext ctx, String key) {
        Errors error = keyError(ctx, key);
        if (error == null) {
            Optional<BrokerNode> node = topic.coordinator(key);
            if (node.isPresent()) {
                return Coordinator.found(node.get().on(ctx.listenerName()));
            }
            error = Errors.COORDINATOR_NOT_AVAILABLE;
        }
        return Coordinator.none(error, message(error, key));
    }

    /** Why a transactional id's coordinator is not looked up (empty; no DESCRIBE on it, as Kafka checks), or null. */
    private Errors keyError(RequestContext ctx, String key) {
        if (key == null || key.isEmpty()) {
            return Errors.INVALID_REQUEST;
        }
        return broker.authorization().allows(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key) ? null
                : Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
    }

    private static String message(Errors error, String key) {
        return switch (error) {
            case INVALID_REQUEST -> "a transactional id must not be empty";
            case TRANSACTIONAL_ID_AUTHORIZATION_FAILED -> error.message();
            default -> "the coordinator of transactional id " + key + " is not available";
        };
    }

    /** Kafka's {@code listTransactionStates}: every filter given must match; Dead ids are left out. */
    void listTransactions(RequestContext ctx) {
        Struct request = ctx.body();
        short version = ctx.version();
        Struct response = ctx.newResponse().set("ErrorCode", Errors.NONE.code());
        Set<TxnState> states = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String name : request.<String>getList("StateFilters")) {
            TxnState state = TxnState.byKafkaName(name);
            if (state == null) {
                unknown.add(name);
            } else {
                states.add(state);
            }
        }
        response.set("UnknownStateFilters", unknown);
        Set<Long> producerIds = new HashSet<>(request.<Long>getList("ProducerIdFilters"));
        long duration = version >= 1 ? request.getLong("DurationFilter") : -1;
        Pattern pattern = null;
        String regex = version >= 2 ? request.getString("TransactionalIdPattern") : null;
        if (regex != null && !regex.isEmpty()) {
            try {
                pattern = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                ctx.respond(ctx.newResponse().set("ErrorCode", Errors.INVALID_REGULAR_EXPRESSION.code())
                        .set("UnknownStateFilters", List.of()));
                return;
            }
        }
        long now = broker.time().milliseconds();
        for (TxnMetadata txn : coordinator.states()) {
            if (txn.state() == TxnState.DEAD
                    || (!producerIds.isEmpty() && !producerIds.contains(txn.producerId()))
                    || (!states.isEmpty() && !states.contains(txn.state()))
                    || (duration >= 0 && now - txn.txnStartMs() <= duration)
                    || (pattern != null && !pattern.matcher(txn.transactionalId()).matches())
                    || !broker.authorization().shows(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, txn.transactionalId())) {
                continue;
            }
            response.addStruct("TransactionStates").set("TransactionalId", txn.transactionalId())
                    .set("ProducerId", txn.producerId()).set("TransactionState", txn.state().kafkaName());
        }
        ctx.respond(response);
    }

    void describeTransactions(RequestContext ctx) {
        Struct response = ctx.newResponse();
        for (String id : ctx.body().<String>getList("TransactionalIds")) {
            Struct out = response.addStruct("TransactionStates").set("TransactionalId", id);
            Errors error = broker.authorization().allows(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id)
                    ? coordinator.errorFor(id) : Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
            TxnMetadata txn = error == Errors.NONE ? coordinator.state(id) : null;
            if (error == Errors.NONE && txn == null) {
                error = Errors.TRANSACTIONAL_ID_NOT_FOUND;
            }
            out.set("ErrorCode", error.code());
            if (txn == null) {
                out.set("TransactionState", "").set("TransactionTimeoutMs", 0).set("TransactionStartTimeMs", -1L)
                        .set("ProducerId", -1L).set("ProducerEpoch", (short) -1);
                continue;
            }
            out.set("TransactionState", txn.state().kafkaName()).set("TransactionTimeoutMs", txn.timeoutMs())
                    .set("TransactionStartTimeMs", txn.txnStartMs()).set("ProducerId", txn.producerId())
                    .set("ProducerEpoch", txn.producerEpoch());
            Map<String, List<Integer>> byTopic = new TreeMap<>();
            for (TopicPartition tp : txn.partitions()) {
                if (!broker.authorization().shows(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, tp.topic())) {
                    continue; // as Kafka: topics the principal may not describe are left out
                }
                byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
            }
            byTopic.forEach((name, partitions) -> out.addStruct("Topics").set("Topic", name)
                    .set("Partitions", partitions.stream().sorted().toList()));
        }
        ctx.respond(response);
    }
}
