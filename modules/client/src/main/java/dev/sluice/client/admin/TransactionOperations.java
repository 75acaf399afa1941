package dev.sluice.client.admin;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.ApiException;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.Node;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The transactions half of {@link SluiceAdmin} (kafka-transactions.sh list / describe): every broker
 * coordinates some transactional ids, so ListTransactions goes to each; DescribeTransactions goes to
 * the id's coordinator (FindCoordinator key type 1), looked up again when it moved.
 */
final class TransactionOperations {
    private static final int COORDINATOR_LOOKUPS = 5;

    private final AdminCalls calls;

    TransactionOperations(AdminCalls calls) {
        this.calls = calls;
    }

    CompletableFuture<List<TransactionListing>> listTransactions() {
        return calls.call(ApiKey.METADATA, AdminCalls.Target.ANY, v -> SluiceAdmin.metadataRequest(v, List.of()),
                response -> Cluster.fromResponse(response.body()).nodes().values()).thenCompose(nodes -> {
            List<CompletableFuture<List<TransactionListing>>> perBroker = new ArrayList<>();
            for (Node node : nodes) {
                perBroker.add(calls.callNode(ApiKey.LIST_TRANSACTIONS, node, v -> ApiKey.LIST_TRANSACTIONS.newRequest(),
                        response -> {
                            Struct body = response.body();
                            check(body.getShort("ErrorCode"), "list transactions on broker " + node.id());
                            List<TransactionListing> listed = new ArrayList<>();
                            for (Struct t : body.getArray("TransactionStates")) {
                                listed.add(new TransactionListing(t.getString("TransactionalId"), t.getLong("ProducerId"),
                                        t.getString("TransactionState"), node.id()));
                            }
                            return listed;
                        }));
            }
            return CompletableFuture.allOf(perBroker.toArray(CompletableFuture[]::new)).thenApply(done -> {
                List<TransactionListing> all = new ArrayList<>();
                perBroker.forEach(f -> all.addAll(f.join()));
                all.sort(Comparator.comparing(TransactionListing::transactionalId));
                return List.copyOf(all);
            });
        });
    }

    CompletableFuture<Map<String, TransactionDescription>> describeTransactions(Collection<String> ids) {
        Map<String, CompletableFuture<TransactionDescription>> each = new LinkedHashMap<>();
        for (String id : ids) {
            each.put(id, describe(id, 1));
        }
        return CompletableFuture.allOf(each.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, TransactionDescription> out = new LinkedHashMap<>();
            each.forEach((id, f) -> out.put(id, f.join()));
            return out;
        });
    }

    private CompletableFuture<TransactionDescription> describe(String id, int attempt) {
        return findCoordinator(id).thenCompose(node -> calls.callNode(ApiKey.DESCRIBE_TRANSACTIONS, node,
                v -> ApiKey.DESCRIBE_TRANSACTIONS.newRequest().set("TransactionalIds", List.of(id)), response -> {
                    Struct t = response.body().getArray("TransactionStates").get(0);
                    short error = t.getShort("ErrorCode");
                    if (error == Errors.NOT_COORDINATOR.code() || error == Errors.COORDINATOR_NOT_AVAILABLE.code()) {
                        throw new CoordinatorMoved((ApiException) ErrorMapper.toException(error, "describe transactional.id " + id));
                    }
                    if (error == Errors.TRANSACTIONAL_ID_NOT_FOUND.code()) {
                        throw ErrorMapper.toException(error, "no transactional.id '" + id + "' at its coordinator (broker "
                                + node.id() + "): it never ran, or expired after transactional.id.expiration.ms");
                    }
                    check(error, "describe transactional.id " + id);
                    List<TopicPartition> partitions = new ArrayList<>();
                    for (Struct topic : t.getArray("Topics")) {
                        for (Integer p : topic.<Integer>getList("Partitions")) {
                            partitions.add(new TopicPartition(topic.getString("Topic"), p));
                        }
                    }
                    return new TransactionDescription(node.id(), t.getString("TransactionalId"), t.getLong("ProducerId"),
                            t.getShort("ProducerEpoch"), t.getString("TransactionState"), t.getInt("TransactionTimeoutMs"),
                            t.getLong("TransactionStartTimeMs"), partitions);
                })).handle((value, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof CoordinatorMoved && attempt < COORDINATOR_LOOKUPS) {
                return describe(id, attempt + 1);
            }
            return CompletableFuture.<TransactionDescription>failedFuture(cause instanceof CoordinatorMoved m ? m.error : cause);
        }).thenCompose(Function.identity());
    }

    private CompletableFuture<Node> findCoordinator(String id) {
        return calls.call(ApiKey.FIND_COORDINATOR, AdminCalls.Target.ANY, v -> {
            Struct body = ApiKey.FIND_COORDINATOR.newRequest().set("KeyType", (byte) 1);
            if (v >= 4) {
                body.set("CoordinatorKeys", List.of(id));
            } else {
                body.set("Key", id);
            }
            return body;
        }, response -> {
            Struct r = response.version() >= 4 ? response.body().getArray("Coordinators").get(0) : response.body();
            check(r.getShort("ErrorCode"), "find the coordinator of transactional.id " + id); // retriable ones are retried
            return new Node(r.getInt("NodeId"), r.getString("Host"), r.getInt("Port"));
        });
    }

    private static void check(short error, String what) {
        if (error != 0) {
            throw ErrorMapper.toException(error, what);
        }
    }

    /** Not retriable inside {@link AdminCalls}: the retry must start with a new coordinator lookup. */
    private static final class CoordinatorMoved extends RuntimeException {
        final ApiException error;

        CoordinatorMoved(ApiException error) {
            super(error.getMessage(), null, false, false);
            this.error = error;
        }
    }
}
