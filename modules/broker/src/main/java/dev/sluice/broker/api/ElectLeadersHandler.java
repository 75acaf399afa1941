package dev.sluice.broker.api;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.cluster.ControllerLink;
import dev.sluice.broker.controller.ControllerService;
import dev.sluice.broker.controller.ElectionType;
import dev.sluice.broker.controller.PartitionResult;
import dev.sluice.broker.controller.rules.Election;
import dev.sluice.broker.controller.rules.LeaderElection;
import dev.sluice.broker.controller.rules.PartitionLeadership;
import dev.sluice.broker.partition.Partition;
import dev.sluice.broker.partition.PartitionRole;
import dev.sluice.broker.topic.TopicMetadata;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

/**
 * ElectLeaders (0–2; Admin.electLeaders, {@code kafka-leader-election.sh}): a PREFERRED (v0 always)
 * or UNCLEAN election for the partitions named, or for every partition ({@code null}).
 * <ul>
 *   <li>On the controller: {@link ControllerService#electLeaders}, per partition NONE,
 *       ELECTION_NOT_NEEDED, PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE,
 *       UNKNOWN_TOPIC_OR_PARTITION.</li>
 *   <li>On another broker of a cluster: forwarded through the {@link ControllerLink} and the
 *       controller's answer relayed. kafka-clients 4.x sends ElectLeaders to the controller named in
 *       Metadata, so this covers a client whose metadata is stale (ZooKeeper-mode Kafka answered
 *       NOT_CONTROLLER per partition there, which the admin client does not retry). A request that
 *       came over a broker's link (client id {@code sluice-broker-*}) is not forwarded again: it is
 *       answered NOT_CONTROLLER at top level (v1+), which makes that link look the controller up again.</li>
 *   <li>On a single node (no controller): answered from the local partitions as a controller would
 *       for a cluster of one: a partition led here needs no election, an offline one has no eligible leader.</li>
 * </ul>
 * As Kafka does, an election over every partition leaves out those answered ELECTION_NOT_NEEDED.
 *
 * <p>Threads: request-handler threads; answers from the controller's or the link's thread.
 */
final class ElectLeadersHandler {
    /** The client id of requests forwarded by a broker's {@link ControllerLink}. */
    private static final String FORWARDED_PREFIX = "sluice-broker-";

    private final BrokerState broker;
    private volatile ControllerService controller;
    private volatile ControllerLink link;

    ElectLeadersHandler(BrokerState broker) {
        this.broker = broker;
    }

    void attach(ControllerService controller, ControllerLink link) {
        this.link = link;
        this.controller = controller;
    }

    void electLeaders(RequestContext ctx) {
        Struct request = ctx.body();
        ElectionType type;
        try {
            type = ctx.version() >= 1 ? ElectionType.fromCode(request.getByte("ElectionType")) : ElectionType.PREFERRED;
        } catch (IllegalArgumentException e) {
            ctx.respond(response(ctx, Errors.INVALID_REQUEST, requested(request), null));
            return;
        }
        List<TopicPartition> asked = requested(request);
        if (!broker.authorization().allowsOnCluster(ctx, dev.sluice.api.security.AclOperation.ALTER)) {
            // as Kafka: ALTER on the cluster; refused at top level and for every partition named
            Map<TopicPartition, PartitionResult> refused = new LinkedHashMap<>();
            if (asked != null) {
                asked.forEach(tp -> refused.put(tp, new PartitionResult(Errors.CLUSTER_AUTHORIZATION_FAILED,
                        Errors.CLUSTER_AUTHORIZATION_FAILED.message())));
            }
            ctx.respond(response(ctx, Errors.CLUSTER_AUTHORIZATION_FAILED, asked, refused));
            return;
        }
        ControllerService c = controller;
        if (c == null) {
            ctx.respond(response(ctx, Errors.NONE, asked, electLocally(type, asked)));
        } else if (c.isActive()) {
            c.electLeaders(type, asked).whenComplete((results, failure) -> ctx.respond(failure != null
                    ? response(ctx, Errors.NOT_CONTROLLER, asked, null) : response(ctx, Errors.NONE, asked, results)));
        } else if (ctx.clientId().startsWith(FORWARDED_PREFIX)) {
            ctx.respond(response(ctx, Errors.NOT_CONTROLLER, asked, null));
        } else {
            link.send(ctx.request().api(), ctx.version(), request, request.getInt("TimeoutMs"))
                    .whenComplete((answer, failure) -> ctx.respond(failure == null ? answer
                            : response(ctx, timedOut(failure) ? Errors.REQUEST_TIMED_OUT : Errors.NOT_CONTROLLER, asked, null)));
        }
    }

    /** The partitions named, in request order; null for every partition. */
    private static List<TopicPartition> requested(Struct request) {
        List<Struct> topics = request.getArray("TopicPartitions");
        if (topics == null) {
            return null;
        }
        List<TopicPartition> asked = new ArrayList<>();
        for (Struct topic : topics) {
            for (int p : topic.<Integer>getList("Partitions")) {
                asked.add(new TopicPartition(topic.getString("Topic"), p));
            }
        }
        return asked;
    }

    /** A single node: each partition as the controller's rules see a cluster of this broker alone. */
    private SortedMap<TopicPartition, PartitionResult> electLocally(ElectionType type, List<TopicPartition> asked) {
        List<TopicPartition> partitions = asked;
        if (partitions == null) {
            partitions = new ArrayList<>();
            for (TopicMetadata topic : broker.partitions().topics().all()) {
                for (int p = 0; p < topic.partitions(); p++) {
                    partitions.add(new TopicPartition(topic.name(), p));
                }
            }
        }
        int self = broker.nodeId();
        SortedMap<TopicPartition, PartitionResult> results = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            Optional<Partition> local = broker.partitions().partition(tp);
            if (local.isEmpty()) {
                results.put(tp, new PartitionResult(Errors.UNKNOWN_TOPIC_OR_PARTITION, "The partition does not exist."));
                continue;
            }
            PartitionRole role = local.get().role();
            boolean leads = role instanceof PartitionRole.Leader;
            PartitionLeadership state = new PartitionLeadership(List.of(self), leads ? self : -1,
                    Math.max(0, role.leaderEpoch()), List.of(self));
            Set<Integer> eligible = role instanceof PartitionRole.Offline ? Set.of() : Set.of(self);
            Election election = type == ElectionType.PREFERRED
                    ? LeaderElection.preferred(state, eligible) : LeaderElection.unclean(state, eligible);
            // a partition this node does not lead is following a controller's LeaderAndIsr: not this node's to move
            results.put(tp, election instanceof Election.NotElected not ? new PartitionResult(not.error(), not.message())
                    : new PartitionResult(Errors.PREFERRED_LEADER_NOT_AVAILABLE, "No controller to elect a leader."));
        }
        return results;
    }

    /**
     * The answer: {@code error} for the whole request (top level from v1, else per partition) when
     * {@code results} is null, else each partition's result.
     */
    private static Struct response(RequestContext ctx, Errors error, List<TopicPartition> asked,
                                   Map<TopicPartition, PartitionResult> results) {
        Struct response = ctx.newResponse();
        boolean topLevel = ctx.version() >= 1;
        if (topLevel) {
            response.set("ErrorCode", error.code());
        }
        Map<TopicPartition, PartitionResult> shown = new LinkedHashMap<>();
        if (results != null) {
            results.forEach((tp, r) -> {
                if (asked != null || r.error() != Errors.ELECTION_NOT_NEEDED) {
                    shown.put(tp, r);
                }
            });
        } else if (!topLevel && asked != null) {
            asked.forEach(tp -> shown.put(tp, new PartitionResult(error, error.message())));
        }
        Map<String, Struct> topics = new LinkedHashMap<>();
        shown.forEach((tp, r) -> topics.computeIfAbsent(tp.topic(), name -> response.addStruct("ReplicaElectionResults")
                .set("Topic", name)).addStruct("PartitionResult").set("PartitionId", tp.partition())
                .set("ErrorCode", r.error().code()).set("ErrorMessage", r.error() == Errors.NONE ? null : r.message()));
        return response;
    }

    private static boolean timedOut(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof TimeoutException;
    }
}
