package dev.sluice.client.admin;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.ApiException;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.metadata.Metadata;
import dev.sluice.client.metadata.TopicInfo;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Cluster administration: topics, partitions, offsets, configs, consumer groups, cluster
 * description. Every operation is
 * asynchronous, retried on retriable errors within {@code default.api.timeout.ms}, and fails
 * with an {@link dev.sluice.client.ApiException} naming Kafka's error otherwise. Thread-safe.
 *
 * <pre>{@code
 * try (SluiceAdmin admin = new SluiceAdmin(AdminConfig.of("localhost:9092"))) {
 *     admin.createTopics(List.of(new NewTopic("events", 6))).join();
 *     TopicDescription d = admin.describeTopics(List.of("events")).join().get("events");
 * }
 * }</pre>
 */
public final class SluiceAdmin implements AutoCloseable {
    private final NetworkClient network;
    private final Metadata metadata;
    private final AdminCalls calls;
    private final GroupOperations groups;
    private final TransactionOperations transactions;
    private final OffsetLookups offsets;
    private final LogDirOperations logDirs;
    private final QuotaOperations quotas;
    private final AclOperations acls;
    private final ScramOperations scram;

    public SluiceAdmin(AdminConfig config) {
        this.network = new NetworkClient(config.client(), "sluice-admin-io-" + config.client().clientId());
        this.metadata = new Metadata(network, false);
        this.calls = new AdminCalls(network, metadata, config.defaultApiTimeoutMs());
        this.groups = new GroupOperations(calls);
        this.transactions = new TransactionOperations(calls);
        this.offsets = new OffsetLookups(calls);
        this.logDirs = new LogDirOperations(calls);
        this.quotas = new QuotaOperations(calls);
        this.acls = new AclOperations(calls);
        this.scram = new ScramOperations(calls);
        network.addTicker(metadata);
        network.start();
    }

    public SluiceAdmin(Properties properties) {
        this(AdminConfig.from(properties));
    }

    public CompletableFuture<Void> createTopics(Collection<NewTopic> topics) {
        return calls.call(ApiKey.CREATE_TOPICS, AdminCalls.Target.CONTROLLER, v -> {
            Struct body = ApiKey.CREATE_TOPICS.newRequest().set("timeoutMs", 30_000);
            for (NewTopic t : topics) {
                Struct topic = body.addStruct("Topics").set("Name", t.name()).set("NumPartitions", t.partitions())
                        .set("ReplicationFactor", t.replicationFactor());
                t.configs().forEach((k, value) -> topic.addStruct("Configs").set("Name", k).set("Value", value));
            }
            return body;
        }, response -> {
            for (Struct result : response.body().getArray("Topics")) {
                check(result.getShort("ErrorCode"), result.getString("ErrorMessage"), "create topic " + result.getString("Name"));
            }
            return null;
        });
    }

    public CompletableFuture<Void> deleteTopics(Collection<String> names) {
        return calls.call(ApiKey.DELETE_TOPICS, AdminCalls.Target.CONTROLLER, v -> {
            Struct body = ApiKey.DELETE_TOPICS.newRequest().set("TimeoutMs", 30_000);
            if (v >= 6) {
                names.forEach(n -> body.addStruct("Topics").set("Name", n));
            } else {
                body.set("TopicNames", new ArrayList<>(names));
            }
            return body;
        }, response -> {
            for (Struct result : response.body().getArray("Responses")) {
                check(result.getShort("ErrorCode"), response.version() >= 5 ? result.getString("ErrorMessage") : null,
                        "delete topic " + result.getString("Name"));
            }
            return null;
        });
    }

    /** Names of the non-internal topics. */
    public CompletableFuture<Set<String>> listTopics() {
        return listTopics(false);
    }

    /** Names of the topics, sorted; internal ones (such as {@code __consumer_offsets}) only if asked for. */
    public CompletableFuture<Set<String>> listTopics(boolean includeInternal) {
        return calls.call(ApiKey.METADATA, AdminCalls.Target.ANY, v -> metadataRequest(v, null), response -> {
            Cluster cluster = Cluster.fromResponse(response.body());
            Set<String> names = new TreeSet<>();
            for (String name : cluster.topicNames()) {
                if (includeInternal || !cluster.topic(name).internal()) {
                    names.add(name);
                }
            }
            return names;
        });
    }

    public CompletableFuture<Map<String, TopicDescription>> describeTopics(Collection<String> names) {
        return calls.call(ApiKey.METADATA, AdminCalls.Target.ANY, v -> metadataRequest(v, names), response -> {
            Cluster cluster = Cluster.fromResponse(response.body());
            Map<String, TopicDescription> out = new LinkedHashMap<>();
            for (String name : names) {
                Short error = cluster.topicErrors().get(name);
                if (error != null) { // final here: the topic does not exist, waiting will not help
                    throw new ApiException(error, Errors.forCode(error).name(), false, "describe topic " + name);
                }
                TopicInfo t = cluster.topic(name);
                List<PartitionDescription> partitions = t.partitions().stream()
                        .map(p -> new PartitionDescription(p.partition(), p.leader(), p.replicas(), p.isr())).toList();
                out.put(name, new TopicDescription(name, t.id(), t.internal(), partitions));
            }
            return out;
        });
    }

    /** A Metadata request for {@code names} (all topics when null), never creating topics. */
    static Struct metadataRequest(short version, Collection<String> names) {
        Struct body = ApiKey.METADATA.newRequest();
        if (names == null) {
            body.set("Topics", null);
        } else {
            names.forEach(n -> body.addStruct("Topics").set("Name", n));
        }
        if (version >= 4) {
            body.set("AllowAutoTopicCreation", false);
        }
        return body;
    }

    /** Grows topics to the given total partition counts. */
    public CompletableFuture<Void> createPartitions(Map<String, Integer> newTotals) {
        return calls.call(ApiKey.CREATE_PARTITIONS, AdminCalls.Target.CONTROLLER, v -> {
            Struct body = ApiKey.CREATE_PARTITIONS.newRequest().set("TimeoutMs", 30_000).set("ValidateOnly", false);
            newTotals.forEach((name, count) -> body.addStruct("Topics").set("Name", name).set("Count", count)
                    .set("Assignments", null));
            return body;
        }, response -> {
            for (Struct result : response.body().getArray("Results")) {
                check(result.getShort("ErrorCode"), result.getString("ErrorMessage"), "create partitions of " + result.getString("Name"));
            }
            return null;
        });
    }

    /**
     * Every setting of each resource, by name, with its synonyms. A broker's own resource is asked of
     * that broker (as Kafka's Admin does: only it knows its settings); topics and the cluster-wide
     * default ({@code ""}) of any broker.
     */
    public CompletableFuture<Map<ConfigResource, Map<String, ConfigEntry>>> describeConfigs(Collection<ConfigResource> resources) {
        Map<ConfigResource, CompletableFuture<Map<String, ConfigEntry>>> each = new LinkedHashMap<>();
        for (ConfigResource resource : resources) {
            each.put(resource, routed(resource, ApiKey.DESCRIBE_CONFIGS, v -> {
                Struct body = ApiKey.DESCRIBE_CONFIGS.newRequest();
                body.addStruct("Resources").set("ResourceType", resource.type().id())
                        .set("ResourceName", resource.name()).set("ConfigurationKeys", null);
                if (v >= 1) {
                    body.set("IncludeSynonyms", true);
                }
                return body;
            }, response -> {
                Struct result = response.body().getArray("Results").get(0);
                check(result.getShort("ErrorCode"), result.getString("ErrorMessage"), "describe configs of " + resource);
                Map<String, ConfigEntry> entries = new LinkedHashMap<>();
                for (Struct c : result.getArray("Configs")) {
                    List<ConfigEntry.Synonym> synonyms = new ArrayList<>();
                    if (response.version() >= 1) {
                        for (Struct s : c.getArray("Synonyms")) {
                            synonyms.add(new ConfigEntry.Synonym(s.getString("Name"), s.getString("Value"), s.getByte("Source")));
                        }
                    }
                    entries.put(c.getString("Name"), new ConfigEntry(c.getString("Name"), c.getString("Value"),
                            c.getByte("ConfigSource"), c.getBool("ReadOnly"), c.getBool("IsSensitive"), synonyms));
                }
                return entries;
            }));
        }
        return CompletableFuture.allOf(each.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
            Map<ConfigResource, Map<String, ConfigEntry>> out = new LinkedHashMap<>();
            each.forEach((resource, future) -> out.put(resource, future.join()));
            return out;
        });
    }

    /**
     * Changes some settings of a resource and leaves the others (IncrementalAlterConfigs): each of
     * {@code set} is set, each of {@code delete} goes back to its default. A broker's own resource
     * goes to that broker; the cluster-wide default ({@code ""}) to any.
     */
    public CompletableFuture<Void> incrementalAlterConfigs(ConfigResource resource, Map<String, String> set,
                                                           Collection<String> delete) {
        return routed(resource, ApiKey.INCREMENTAL_ALTER_CONFIGS, v -> {
            Struct body = ApiKey.INCREMENTAL_ALTER_CONFIGS.newRequest().set("ValidateOnly", false);
            Struct r = body.addStruct("Resources").set("ResourceType", resource.type().id()).set("ResourceName", resource.name());
            set.forEach((name, value) -> r.addStruct("Configs").set("Name", name).set("ConfigOperation", (byte) 0).set("Value", value));
            delete.forEach(name -> r.addStruct("Configs").set("Name", name).set("ConfigOperation", (byte) 1).set("Value", null));
            return body;
        }, response -> {
            for (Struct result : response.body().getArray("Responses")) {
                check(result.getShort("ErrorCode"), result.getString("ErrorMessage"), "alter configs of " + resource.name());
            }
            return null;
        });
    }

    /** A config request for one resource: to the broker a BROKER resource names, else to any broker. */
    private <T> CompletableFuture<T> routed(ConfigResource resource, ApiKey api, dev.sluice.client.network.RequestBuilder builder,
                                            java.util.function.Function<dev.sluice.client.network.Response, T> handler) {
        if (resource.type() != ConfigResource.Type.BROKER || resource.name().isEmpty()) {
            return calls.call(api, AdminCalls.Target.ANY, builder, handler);
        }
        return describeCluster().thenCompose(cluster -> {
            BrokerNode broker = cluster.brokers().stream().filter(b -> Integer.toString(b.id()).equals(resource.name()))
                    .findFirst().orElse(null);
            if (broker == null) {
                return CompletableFuture.failedFuture(new ApiException(Errors.INVALID_REQUEST.code(),
                        Errors.INVALID_REQUEST.name(), false, "no live broker with id " + resource.name() + " in the cluster"));
            }
            return calls.callNode(api, new Node(broker.id(), broker.host(), broker.port()), builder, handler);
        });
    }

    /**
     * Bytes on disk of every partition, by broker id (DescribeLogDirs to each broker of the
     * cluster). A broker that does not answer DescribeLogDirs is left out; a broker's offline
     * partitions are missing from its map.
     */
    public CompletableFuture<Map<Integer, Map<TopicPartition, Long>>> partitionSizes() {
        return partitionLogs().thenApply(byBroker -> {
            Map<Integer, Map<TopicPartition, Long>> out = new LinkedHashMap<>();
            byBroker.forEach((id, logs) -> {
                Map<TopicPartition, Long> sizes = new LinkedHashMap<>();
                logs.forEach((tp, log) -> sizes.put(tp, log.sizeBytes()));
                out.put(id, sizes);
            });
            return out;
        });
    }

    /**
     * Size and, for compacted topics on a Sluice broker, the cleaner's dirty ratio of every
     * partition's log, by broker id (DescribeLogDirs to each broker), as {@link #partitionSizes}.
     */
    public CompletableFuture<Map<Integer, Map<TopicPartition, PartitionLog>>> partitionLogs() {
        return describeCluster().thenCompose(cluster -> {
            Map<Integer, CompletableFuture<Map<TopicPartition, PartitionLog>>> each = new LinkedHashMap<>();
            for (BrokerNode b : cluster.brokers()) {
                Node node = new Node(b.id(), b.host(), b.port());
                each.put(b.id(), calls.callNode(ApiKey.DESCRIBE_LOG_DIRS, node,
                        v -> ApiKey.DESCRIBE_LOG_DIRS.newRequest().set("Topics", null), response -> {
                            Map<TopicPartition, PartitionLog> logs = new LinkedHashMap<>();
                            for (Struct dir : response.body().getArray("Results")) {
                                if (dir.getShort("ErrorCode") != 0) {
                                    continue; // an offline directory has nothing to report
                                }
                                for (Struct t : dir.getArray("Topics")) {
                                    for (Struct p : t.getArray("Partitions")) {
                                        if (p.getBool("IsFutureKey")) {
                                            continue; // a copy being moved in: not the partition's log yet
                                        }
                                        Object ratio = response.version() >= 2 ? p.get("SluiceDirtyRatio") : null;
                                        logs.merge(new TopicPartition(t.getString("Name"), p.getInt("PartitionIndex")),
                                                new PartitionLog(p.getLong("PartitionSize"),
                                                        ratio instanceof Number n ? n.doubleValue() : -1),
                                                (a, c) -> new PartitionLog(a.sizeBytes() + c.sizeBytes(),
                                                        Math.max(a.dirtyRatio(), c.dirtyRatio())));
                                    }
                                }
                            }
                            return logs;
                        }).exceptionally(unsupported -> null));
            }
            return CompletableFuture.allOf(each.values().toArray(CompletableFuture[]::new)).thenApply(done -> {
                Map<Integer, Map<TopicPartition, PartitionLog>> out = new LinkedHashMap<>();
                each.forEach((id, f) -> {
                    if (f.join() != null) {
                        out.put(id, f.join());
                    }
                });
                return out;
            });
        });
    }

    public CompletableFuture<ClusterDescription> describeCluster() {
        return calls.call(ApiKey.DESCRIBE_CLUSTER, AdminCalls.Target.ANY, v -> ApiKey.DESCRIBE_CLUSTER.newRequest(), response -> {
            Struct body = response.body();
            check(body.getShort("ErrorCode"), body.getString("ErrorMessage"), "describe cluster");
            List<BrokerNode> brokers = new ArrayList<>();
            for (Struct b : body.getArray("Brokers")) {
                brokers.add(new BrokerNode(b.getInt("BrokerId"), b.getString("Host"), b.getInt("Port"), b.getString("Rack")));
            }
            return new ClusterDescription(body.getString("ClusterId"), body.getInt("ControllerId"), List.copyOf(brokers));
        });
    }

    /**
     * For each partition the offset {@code spec} asks for (earliest, latest or by timestamp), from
     * the partition's leader. Fails with UNKNOWN_TOPIC_OR_PARTITION for a topic or partition that
     * does not exist.
     */
    public CompletableFuture<Map<TopicPartition, ListedOffset>> listOffsets(Map<TopicPartition, OffsetSpec> specs) {
        return offsets.listOffsets(specs);
    }

    /** The log directories of a broker (DescribeLogDirs), each with its partitions' sizes or its error. */
    public CompletableFuture<List<LogDirDescription>> describeLogDirs(BrokerNode broker) {
        return logDirs.describeLogDirs(new Node(broker.id(), broker.host(), broker.port()));
    }

    /**
     * Moves partitions of {@code broker} to other directories of its {@code log.dirs}
     * (AlterReplicaLogDirs): per partition null if the move started or the partition is there
     * already, else the broker's error (e.g. LOG_DIR_NOT_FOUND). The broker copies in the
     * background; {@link #describeLogDirs} shows the copy as a future replica until it is done.
     */
    public CompletableFuture<Map<TopicPartition, String>> alterReplicaLogDirs(BrokerNode broker, Map<TopicPartition, String> dirs) {
        return logDirs.alterReplicaLogDirs(new Node(broker.id(), broker.host(), broker.port()), dirs);
    }

    /**
     * Deletes the records before the given offset of each partition (-1: up to the high watermark), at
     * the partitions' leaders; answers each partition's new low watermark.
     */
    public CompletableFuture<Map<TopicPartition, Long>> deleteRecords(Map<TopicPartition, Long> beforeOffsets) {
        return logDirs.deleteRecords(beforeOffsets);
    }

    /**
     * The client quotas of the entities matching {@code filter} (entity type {@code user} or
     * {@code client-id} to a name; a null name is the default); all of them if empty. {@code strict}:
     * only entities of exactly the filter's types.
     */
    public CompletableFuture<List<ClientQuota>> describeClientQuotas(Map<String, String> filter, boolean strict) {
        return quotas.describe(filter, strict);
    }

    /** Sets (non-null value) and removes (null) quotas of one entity (entity type to name, null: default). */
    public CompletableFuture<Void> alterClientQuotas(Map<String, String> entity, Map<String, Double> changes) {
        return quotas.alter(entity, changes);
    }

    // ---- ACLs (kafka-acls.sh's calls; a broker without an authorizer fails them with SECURITY_DISABLED)

    /** Creates the ACLs (creating one that exists is no error). */
    public CompletableFuture<Void> createAcls(List<dev.sluice.api.security.AclBinding> bindings) {
        return acls.create(bindings);
    }

    /** The ACLs the filter selects. */
    public CompletableFuture<List<dev.sluice.api.security.AclBinding>> describeAcls(dev.sluice.api.security.AclBindingFilter filter) {
        return acls.describe(filter);
    }

    /** Deletes the ACLs the filters select: those deleted. */
    public CompletableFuture<List<dev.sluice.api.security.AclBinding>> deleteAcls(
            List<dev.sluice.api.security.AclBindingFilter> filters) {
        return acls.delete(filters);
    }

    /** Users' SCRAM mechanisms and iterations (DescribeUserScramCredentials); every user with credentials if empty. */
    public CompletableFuture<Map<String, Map<dev.sluice.protocol.sasl.ScramMechanism, Integer>>> describeUserScramCredentials(
            Collection<String> users) {
        return scram.describe(users);
    }

    /** Sets a user's SCRAM credential: the password is salted and hashed here, only that is sent. */
    public CompletableFuture<Void> upsertUserScramCredential(String user, dev.sluice.protocol.sasl.ScramMechanism mechanism,
                                                             String password, int iterations) {
        return scram.upsert(user, mechanism, password, iterations);
    }

    /** Removes a user's SCRAM credential for one mechanism. */
    public CompletableFuture<Void> deleteUserScramCredential(String user, dev.sluice.protocol.sasl.ScramMechanism mechanism) {
        return scram.delete(user, mechanism);
    }

    // ---- consumer groups: each request goes to the group's coordinator (FindCoordinator)

    /** Every group of the cluster, sorted by id. */
    public CompletableFuture<List<GroupListing>> listGroups() {
        return groups.listGroups();
    }

    /** State and members of each group; a group the cluster does not know comes back Dead. */
    public CompletableFuture<Map<String, GroupDescription>> describeGroups(Collection<String> groupIds) {
        return groups.describeGroups(groupIds);
    }

    /** The group's committed offset of every partition it has one for. */
    public CompletableFuture<Map<TopicPartition, Long>> listGroupOffsets(String groupId) {
        return groups.listGroupOffsets(groupId);
    }

    /**
     * Sets the group's committed offsets (creating the group if needed). Only possible while the
     * group has no members: fails with UNKNOWN_MEMBER_ID otherwise, as Kafka does.
     */
    public CompletableFuture<Void> alterGroupOffsets(String groupId, Map<TopicPartition, Long> offsets) {
        return groups.alterGroupOffsets(groupId, offsets);
    }

    /** Deletes empty groups with their offsets: NON_EMPTY_GROUP if one has members, GROUP_ID_NOT_FOUND if unknown. */
    public CompletableFuture<Void> deleteGroups(Collection<String> groupIds) {
        return groups.deleteGroups(groupIds);
    }

    // ---- transactions: ListTransactions to every broker, DescribeTransactions to the id's coordinator

    /** Every transactional id the cluster's coordinators know, sorted by id (kafka-transactions.sh list). */
    public CompletableFuture<List<TransactionListing>> listTransactions() {
        return transactions.listTransactions();
    }

    /**
     * Each transactional id's state at its coordinator; fails with TRANSACTIONAL_ID_NOT_FOUND for an
     * id the cluster does not know.
     */
    public CompletableFuture<Map<String, TransactionDescription>> describeTransactions(Collection<String> transactionalIds) {
        return transactions.describeTransactions(transactionalIds);
    }

    private static void check(short error, String message, String what) {
        if (error != 0) {
            throw ErrorMapper.toException(error, message == null ? what : what + ": " + message);
        }
    }

    @Override
    public void close() {
        calls.close();
        network.close();
    }
}
