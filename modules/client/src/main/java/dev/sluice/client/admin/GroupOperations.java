package dev.sluice.client.admin;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.ApiException;
import dev.sluice.client.SluiceClientException;
import dev.sluice.client.consumer.group.ConsumerProtocol;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.Node;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * The consumer-group half of {@link SluiceAdmin}: each group lives on one coordinator broker,
 * found with FindCoordinator, and every request about the group goes there. When the answer
 * says the coordinator moved (NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE), the lookup is
 * repeated, a few times at most; other retriable errors are retried by {@link AdminCalls}.
 */
final class GroupOperations {
    private static final int COORDINATOR_LOOKUPS = 5;

    private final AdminCalls calls;

    GroupOperations(AdminCalls calls) {
        this.calls = calls;
    }

    /** Every group of every broker: ListGroups goes to each broker, since each coordinates some groups. */
    CompletableFuture<List<GroupListing>> listGroups() {
        return calls.call(ApiKey.METADATA, AdminCalls.Target.ANY, v -> SluiceAdmin.metadataRequest(v, List.of()),
                response -> Cluster.fromResponse(response.body()).nodes().values()).thenCompose(nodes -> {
            List<CompletableFuture<List<GroupListing>>> perBroker = new ArrayList<>();
            for (Node node : nodes) {
                perBroker.add(calls.callNode(ApiKey.LIST_GROUPS, node, v -> ApiKey.LIST_GROUPS.newRequest(), response -> {
                    Struct body = response.body();
                    check(body.getShort("ErrorCode"), "list groups on broker " + node.id());
                    List<GroupListing> groups = new ArrayList<>();
                    for (Struct g : body.getArray("Groups")) {
                        String state = response.version() >= 4 ? g.getString("GroupState") : "";
                        groups.add(new GroupListing(g.getString("GroupId"), g.getString("ProtocolType"), state));
                    }
                    return groups;
                }));
            }
            return CompletableFuture.allOf(perBroker.toArray(CompletableFuture[]::new)).thenApply(done -> {
                Map<String, GroupListing> all = new TreeMap<>();
                perBroker.forEach(f -> f.join().forEach(g -> all.put(g.groupId(), g)));
                return List.copyOf(all.values());
            });
        });
    }

    CompletableFuture<Map<String, GroupDescription>> describeGroups(Collection<String> groupIds) {
        Map<String, CompletableFuture<GroupDescription>> each = new LinkedHashMap<>();
        for (String groupId : groupIds) {
            each.put(groupId, onCoordinator(groupId, node -> describe(node, groupId)));
        }
        return CompletableFuture.allOf(each.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<String, GroupDescription> out = new LinkedHashMap<>();
            each.forEach((id, f) -> out.put(id, f.join()));
            return out;
        });
    }

    private CompletableFuture<GroupDescription> describe(Node coordinator, String groupId) {
        return calls.callNode(ApiKey.DESCRIBE_GROUPS, coordinator, v -> {
            Struct body = ApiKey.DESCRIBE_GROUPS.newRequest().set("IncludeAuthorizedOperations", false);
            body.set("Groups", List.of(groupId));
            return body;
        }, response -> {
            Struct g = response.body().getArray("Groups").get(0);
            short error = g.getShort("ErrorCode");
            if (error == Errors.GROUP_ID_NOT_FOUND.code()) { // v6+ says so; older versions describe it as Dead
                return new GroupDescription(groupId, "Dead", "", "", List.of(), node(coordinator));
            }
            checkCoordinator(error, "describe group " + groupId);
            List<GroupMember> members = new ArrayList<>();
            for (Struct m : g.getArray("Members")) {
                boolean consumer = "consumer".equals(g.getString("ProtocolType"));
                members.add(new GroupMember(m.getString("MemberId"), m.getString("GroupInstanceId"), m.getString("ClientId"),
                        m.getString("ClientHost"), consumer ? assignmentOf(m.getBytes("MemberAssignment")) : List.of()));
            }
            return new GroupDescription(groupId, g.getString("GroupState"), g.getString("ProtocolType"),
                    g.getString("ProtocolData"), members, node(coordinator));
        });
    }

    /** Committed offsets of every partition the group has one for (OffsetFetch with all topics). */
    CompletableFuture<Map<TopicPartition, Long>> listGroupOffsets(String groupId) {
        return onCoordinator(groupId, node -> calls.callNode(ApiKey.OFFSET_FETCH, node, v -> {
            Struct body = ApiKey.OFFSET_FETCH.newRequest().set("RequireStable", false);
            if (v >= 8) {
                body.addStruct("Groups").set("GroupId", groupId).set("Topics", null);
            } else {
                body.set("GroupId", groupId).set("Topics", null);
            }
            return body;
        }, response -> {
            Struct body = response.body();
            List<Struct> topics;
            if (response.version() >= 8) {
                Struct group = body.getArray("Groups").get(0);
                checkCoordinator(group.getShort("ErrorCode"), "fetch offsets of group " + groupId);
                topics = group.getArray("Topics");
            } else {
                checkCoordinator(body.getShort("ErrorCode"), "fetch offsets of group " + groupId);
                topics = body.getArray("Topics");
            }
            Map<TopicPartition, Long> out = new TreeMap<>();
            for (Struct t : topics) {
                for (Struct p : t.getArray("Partitions")) {
                    TopicPartition tp = new TopicPartition(t.getString("Name"), p.getInt("PartitionIndex"));
                    checkCoordinator(p.getShort("ErrorCode"), "fetch offset of group " + groupId + " for " + tp);
                    if (p.getLong("CommittedOffset") >= 0) {
                        out.put(tp, p.getLong("CommittedOffset"));
                    }
                }
            }
            return out;
        }));
    }

    /**
     * Commits offsets as a client outside the group (generation -1, no member id), which the
     * coordinator accepts only while the group has no members (Kafka's rule for admin resets).
     */
    CompletableFuture<Void> alterGroupOffsets(String groupId, Map<TopicPartition, Long> offsets) {
        Map<String, Map<Integer, Long>> byTopic = new TreeMap<>();
        offsets.forEach((tp, offset) -> byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>()).put(tp.partition(), offset));
        return onCoordinator(groupId, node -> calls.callNode(ApiKey.OFFSET_COMMIT, node, v -> {
            Struct body = ApiKey.OFFSET_COMMIT.newRequest().set("GroupId", groupId).set("GenerationIdOrMemberEpoch", -1)
                    .set("MemberId", "").set("GroupInstanceId", null);
            byTopic.forEach((topic, partitions) -> {
                Struct t = body.addStruct("Topics").set("Name", topic);
                partitions.forEach((p, offset) -> t.addStruct("Partitions").set("PartitionIndex", p)
                        .set("CommittedOffset", offset).set("CommittedLeaderEpoch", -1).set("CommittedMetadata", ""));
            });
            return body;
        }, response -> {
            for (Struct t : response.body().getArray("Topics")) {
                for (Struct p : t.getArray("Partitions")) {
                    short error = p.getShort("ErrorCode");
                    if (error == Errors.UNKNOWN_MEMBER_ID.code()) {
                        throw new ApiException(error, Errors.UNKNOWN_MEMBER_ID.name(), false, "group " + groupId
                                + " has active members: offsets can only be changed while it has none (stop its consumers first)");
                    }
                    checkCoordinator(error, "commit offset of group " + groupId + " for " + t.getString("Name") + "-"
                            + p.getInt("PartitionIndex"));
                }
            }
            return null;
        }));
    }

    CompletableFuture<Void> deleteGroups(Collection<String> groupIds) {
        List<CompletableFuture<Void>> each = new ArrayList<>();
        for (String groupId : groupIds) {
            each.add(onCoordinator(groupId, node -> calls.callNode(ApiKey.DELETE_GROUPS, node,
                    v -> ApiKey.DELETE_GROUPS.newRequest().set("GroupsNames", List.of(groupId)), response -> {
                        Struct result = response.body().getArray("Results").get(0);
                        checkCoordinator(result.getShort("ErrorCode"), "delete group " + groupId);
                        return null;
                    })));
        }
        return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new));
    }

    // ---- coordinator lookup

    private <T> CompletableFuture<T> onCoordinator(String groupId, Function<Node, CompletableFuture<T>> action) {
        return onCoordinator(groupId, action, 1);
    }

    private <T> CompletableFuture<T> onCoordinator(String groupId, Function<Node, CompletableFuture<T>> action, int attempt) {
        return findCoordinator(groupId).thenCompose(action).handle((value, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(value);
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (cause instanceof CoordinatorMoved && attempt < COORDINATOR_LOOKUPS) {
                return onCoordinator(groupId, action, attempt + 1);
            }
            return CompletableFuture.<T>failedFuture(cause instanceof CoordinatorMoved moved ? moved.error : cause);
        }).thenCompose(Function.identity());
    }

    private CompletableFuture<Node> findCoordinator(String groupId) {
        return calls.call(ApiKey.FIND_COORDINATOR, AdminCalls.Target.ANY, v -> {
            Struct body = ApiKey.FIND_COORDINATOR.newRequest().set("KeyType", (byte) 0);
            if (v >= 4) {
                body.set("CoordinatorKeys", List.of(groupId));
            } else {
                body.set("Key", groupId);
            }
            return body;
        }, response -> {
            Struct r = response.version() >= 4 ? response.body().getArray("Coordinators").get(0) : response.body();
            short error = r.getShort("ErrorCode");
            if (error != 0) { // COORDINATOR_NOT_AVAILABLE while offsets load is retriable: AdminCalls retries
                throw ErrorMapper.toException(error, "find the coordinator of group " + groupId);
            }
            return new Node(r.getInt("NodeId"), r.getString("Host"), r.getInt("Port"));
        });
    }

    private static BrokerNode node(Node coordinator) {
        return new BrokerNode(coordinator.id(), coordinator.host(), coordinator.port(), null);
    }

    /** Fails with a signal to look the coordinator up again, or with the error itself. */
    private static void checkCoordinator(short error, String what) {
        if (error == Errors.NOT_COORDINATOR.code() || error == Errors.COORDINATOR_NOT_AVAILABLE.code()) {
            throw new CoordinatorMoved((ApiException) ErrorMapper.toException(error, what));
        }
        check(error, what);
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

    /** A member's partitions, decoded as the consumer does; bytes it cannot read show as none. */
    private static List<TopicPartition> assignmentOf(ByteBuffer bytes) {
        if (bytes == null) {
            return List.of();
        }
        byte[] copy = new byte[bytes.remaining()];
        bytes.duplicate().get(copy);
        try {
            return ConsumerProtocol.decodeAssignment(copy);
        } catch (SluiceClientException e) {
            return List.of();
        }
    }
}
