package dev.sluice.replication.network;

import dev.sluice.api.Time;
import dev.sluice.api.storage.EpochEndOffset;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.replica.ReplicaFetchSettings;
import dev.sluice.client.config.ClientConfig;
import dev.sluice.client.config.ClientSecurity;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.client.network.Response;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;
import dev.sluice.replication.fetch.FetchRequest;
import dev.sluice.replication.fetch.FetchResponse;
import dev.sluice.replication.fetch.LeaderEndpoint;
import dev.sluice.replication.fetch.LeaderUnavailableException;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * A leader reached over Kafka's protocol through the client's network layer: one
 * {@link NetworkClient} (its own connection and I/O thread, {@code <fetcher name>-io}) per fetcher,
 * so one fetcher's long-polling Fetch never queues behind another's. Versions are negotiated per
 * connection (the newest both sides speak). The Fetch carries this broker as the replica:
 * ReplicaState (id and broker epoch) from v15, ReplicaId before; ListOffsets carries ReplicaId, so
 * the leader answers its log end rather than its high watermark.
 *
 * <p>Threads: the fetcher's thread calls in and blocks on the answer; the I/O thread sends and
 * completes it; {@link #close} from any thread.
 */
public final class NetworkLeaderEndpoint implements LeaderEndpoint {
    private static final UUID ZERO_UUID = new UUID(0, 0);
    private static final long LATEST = -1L;
    private static final long EARLIEST = -2L;

    private final int leaderId;
    private final int localBrokerId;
    private final LongSupplier brokerEpoch;
    private final IntFunction<Optional<Node>> endpoints;
    private final ReplicaFetchSettings settings;
    private final NetworkClient network;

    /**
     * @param endpoints where a broker is reached now (the metadata cache), looked up at every request
     * @param security  how the inter-broker listener is secured (TLS, and the broker's SASL login)
     */
    public NetworkLeaderEndpoint(String threadName, int localBrokerId, LongSupplier brokerEpoch, int leaderId,
                                 IntFunction<Optional<Node>> endpoints, ReplicaFetchSettings settings, Time time,
                                 ClientSecurity security) {
        this.leaderId = leaderId;
        this.localBrokerId = localBrokerId;
        this.brokerEpoch = brokerEpoch;
        this.endpoints = endpoints;
        this.settings = settings;
        ClientConfig config = new ClientConfig(List.of(), "sluice-replica-fetcher-" + localBrokerId,
                settings.socketTimeoutMs(), settings.backoffMs(), 50, 1_000, Long.MAX_VALUE, 1, security);
        this.network = new NetworkClient(config, threadName + "-io", time);
        this.network.start();
    }

    @Override
    public int brokerId() {
        return leaderId;
    }

    @Override
    public FetchResponse fetch(FetchRequest request) {
        Map<UUID, String> names = new HashMap<>();
        request.partitions().forEach(p -> names.put(p.topicId(), p.topicPartition().topic()));
        Response response = await(network.send(node(), ApiKey.FETCH, v -> encodeFetch(v, request),
                (long) settings.socketTimeoutMs() + request.maxWaitMs(), true), "fetch");
        Struct body = response.body();
        Errors error = Errors.forCode(body.getShort("ErrorCode"));
        if (error != Errors.NONE) {
            throw new LeaderUnavailableException("fetch answered " + error);
        }
        Map<TopicPartition, FetchResponse.PartitionData> partitions = new LinkedHashMap<>();
        for (Struct topic : body.getArray("Responses")) {
            String name = response.version() >= 13 ? names.get(topic.getUuid("TopicId")) : topic.getString("Topic");
            if (name == null) {
                continue;
            }
            for (Struct p : topic.getArray("Partitions")) {
                ByteBuffer records = p.getRecordsBuffer("Records");
                EpochEndOffset diverging = null;
                if (response.version() >= 12) {
                    Struct d = p.getStruct("DivergingEpoch");
                    if (d != null && d.getInt("Epoch") >= 0) {
                        diverging = new EpochEndOffset(d.getInt("Epoch"), d.getLong("EndOffset"));
                    }
                }
                partitions.put(new TopicPartition(name, p.getInt("PartitionIndex")), new FetchResponse.PartitionData(
                        Errors.forCode(p.getShort("ErrorCode")), p.getLong("HighWatermark"), p.getLong("LogStartOffset"),
                        records == null ? ByteBuffer.allocate(0) : records, diverging));
            }
        }
        return new FetchResponse(partitions);
    }

    private Struct encodeFetch(short version, FetchRequest request) {
        if (version < 12) {
            // without LastFetchedEpoch / DivergingEpoch a follower could not detect a diverged log
            throw new IllegalStateException("broker " + leaderId + " speaks Fetch only up to v" + version
                    + "; replication needs v12+ (DivergingEpoch)");
        }
        Struct body = ApiKey.FETCH.newRequest()
                .set("MaxWaitMs", request.maxWaitMs())
                .set("MinBytes", request.minBytes())
                .set("MaxBytes", request.maxBytes())
                .set("IsolationLevel", (byte) 0);
        // a field a version cannot carry must keep its default: the writer refuses anything else
        if (version >= 15) {
            body.set("ReplicaState", body.newStruct("ReplicaState").set("ReplicaId", localBrokerId)
                    .set("ReplicaEpoch", brokerEpoch.getAsLong()));
        } else {
            body.set("ReplicaId", localBrokerId);
        }
        Map<String, Struct> topics = new LinkedHashMap<>();
        for (FetchRequest.PartitionFetch p : request.partitions()) {
            Struct topic = topics.computeIfAbsent(p.topicPartition().topic(), t -> version >= 13
                    ? body.addStruct("Topics").set("TopicId", p.topicId() == null ? ZERO_UUID : p.topicId())
                    : body.addStruct("Topics").set("Topic", t));
            topic.addStruct("Partitions")
                    .set("Partition", p.topicPartition().partition())
                    .set("CurrentLeaderEpoch", p.currentLeaderEpoch())
                    .set("FetchOffset", p.fetchOffset())
                    .set("LastFetchedEpoch", p.lastFetchedEpoch())
                    .set("LogStartOffset", p.logStartOffset())
                    .set("PartitionMaxBytes", p.maxBytes());
        }
        return body;
    }

    @Override
    public long latestOffset(TopicPartition tp, int currentLeaderEpoch) {
        return listOffset(tp, currentLeaderEpoch, LATEST);
    }

    @Override
    public long earliestOffset(TopicPartition tp, int currentLeaderEpoch) {
        return listOffset(tp, currentLeaderEpoch, EARLIEST);
    }

    private long listOffset(TopicPartition tp, int currentLeaderEpoch, long timestamp) {
        Response response = await(network.send(node(), ApiKey.LIST_OFFSETS, v -> {
            Struct body = ApiKey.LIST_OFFSETS.newRequest().set("ReplicaId", localBrokerId).set("IsolationLevel", (byte) 0);
            body.addStruct("Topics").set("Name", tp.topic()).addStruct("Partitions")
                    .set("PartitionIndex", tp.partition())
                    .set("CurrentLeaderEpoch", currentLeaderEpoch)
                    .set("Timestamp", timestamp);
            return body;
        }), "list offsets");
        for (Struct topic : response.body().getArray("Topics")) {
            for (Struct p : topic.getArray("Partitions")) {
                if (topic.getString("Name").equals(tp.topic()) && p.getInt("PartitionIndex") == tp.partition()) {
                    Errors error = Errors.forCode(p.getShort("ErrorCode"));
                    if (error != Errors.NONE) {
                        throw new LeaderUnavailableException("offsets of " + tp + " answered " + error);
                    }
                    return p.getLong("Offset");
                }
            }
        }
        throw new LeaderUnavailableException("no offset for " + tp + " in the answer");
    }

    private Node node() {
        return endpoints.apply(leaderId).orElseThrow(() ->
                new LeaderUnavailableException("broker " + leaderId + " is not known to be alive"));
    }

    private Response await(CompletableFuture<Response> future, String what) {
        try {
            // the network layer times the request out itself; this bound only guards against a lost completion
            return future.get(2L * settings.socketTimeoutMs() + settings.maxWaitMs(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeaderUnavailableException(what + " interrupted", e);
        } catch (ExecutionException e) {
            throw new LeaderUnavailableException(what + " to broker " + leaderId + " failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new LeaderUnavailableException(what + " to broker " + leaderId + " timed out", e);
        }
    }

    @Override
    public void close() {
        network.close();
    }
}
