package dev.sluice.client.metadata;

import dev.sluice.client.TimeoutException;
import dev.sluice.client.network.ErrorMapper;
import dev.sluice.client.network.NetworkClient;
import dev.sluice.client.network.Node;
import dev.sluice.client.network.Response;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a {@link Cluster} snapshot fresh for the topics a client uses. A refresh runs on the I/O
 * thread when asked for ({@link #requestUpdate()}: a leader moved, a topic is new, a connection
 * dropped) or when the snapshot is older than {@code metadata.max.age.ms}, at most once per
 * {@code retry.backoff.ms}. It goes to the least loaded known broker, falling back to the
 * bootstrap list when none of those answer.
 */
public final class Metadata implements NetworkClient.Ticker {
    private static final System.Logger LOG = System.getLogger(Metadata.class.getName());

    private final NetworkClient network;
    private final List<Node> bootstrapNodes;
    private final long maxAgeMs;
    private final long backoffMs;
    private final boolean allowAutoTopicCreation;
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private volatile boolean allTopics;

    private volatile Cluster cluster;
    private volatile boolean updateRequested = true;
    private boolean inFlight;          // I/O thread only
    private long lastAttemptMs = Long.MIN_VALUE / 2;
    private long lastSuccessMs = Long.MIN_VALUE / 2;
    private int updates;               // guarded by this; bumped on every response, for waiters

    public Metadata(NetworkClient network, boolean allowAutoTopicCreation) {
        this.network = network;
        this.maxAgeMs = network.config().metadataMaxAgeMs();
        this.backoffMs = network.config().retryBackoffMs();
        this.allowAutoTopicCreation = allowAutoTopicCreation;
        this.cluster = Cluster.bootstrap(network.config().bootstrapServers());
        this.bootstrapNodes = List.copyOf(cluster.nodes().values());
        network.onDisconnect(node -> requestUpdate());
    }

    /** Monotonic ms of the client's clock, the time base of every deadline passed in here. */
    public long clockMs() {
        return network.clockMs();
    }

    public Cluster cluster() {
        return cluster;
    }

    /** Every broker in the snapshot plus the bootstrap addresses: where cluster-wide requests may go. */
    public Set<Node> knownNodes() {
        Set<Node> candidates = new LinkedHashSet<>(cluster.nodes().values());
        candidates.addAll(bootstrapNodes);
        return candidates;
    }

    /** Starts tracking {@code topic}; refreshes soon if it is new. */
    public void add(String topic) {
        if (topics.add(topic)) {
            requestUpdate();
        }
    }

    /** Tracks every topic in the cluster (admin listings). */
    public void trackAllTopics() {
        allTopics = true;
        requestUpdate();
    }

    public void requestUpdate() {
        updateRequested = true;
        network.wakeup();
    }

    /**
     * Waits until {@code topic} is in the snapshot, refreshing as needed.
     *
     * @throws TimeoutException if it is not there by {@code deadlineMs} (monotonic ms)
     */
    public Cluster awaitTopic(String topic, long deadlineMs) throws InterruptedException {
        add(topic);
        while (true) {
            Cluster c = cluster;
            if (c.topic(topic) != null) {
                return c;
            }
            Short error = c.topicErrors().get(topic);
            if (error != null && !Errors.forCode(error).retriable()) {
                throw ErrorMapper.toException(error, "metadata for topic " + topic);
            }
            long remaining = deadlineMs - network.clockMs();
            if (remaining <= 0) {
                throw new TimeoutException("topic " + topic + " not present in metadata in time"
                        + (error == null ? "" : " (last error " + Errors.forCode(error) + ")"));
            }
            requestUpdate();
            synchronized (this) {
                int seen = updates;
                while (updates == seen && cluster == c) {
                    long left = deadlineMs - network.clockMs();
                    if (left <= 0) {
                        break;
                    }
                    wait(left);
                }
            }
        }
    }

    /** Waits for the next successful or failed refresh (at most until {@code deadlineMs}). */
    public void awaitUpdate(long deadlineMs) throws InterruptedException {
        requestUpdate();
        synchronized (this) {
            int seen = updates;
            while (updates == seen) {
                long left = deadlineMs - network.clockMs();
                if (left <= 0) {
                    return;
                }
                wait(left);
            }
        }
    }

    @Override
    public long tick(long now) {
        boolean due = updateRequested || now - lastSuccessMs >= maxAgeMs;
        if (inFlight || !due) {
            return inFlight ? Long.MAX_VALUE : lastSuccessMs + maxAgeMs - now;
        }
        if (now - lastAttemptMs < backoffMs) {
            return lastAttemptMs + backoffMs - now;
        }
        Node node = network.leastLoaded(knownNodes());
        if (node == null) {
            return backoffMs;
        }
        inFlight = true;
        updateRequested = false;
        lastAttemptMs = now;
        List<String> wanted = new ArrayList<>(topics);
        boolean all = allTopics;
        network.send(node, ApiKey.METADATA, version -> request(version, all, wanted))
                .whenComplete((response, error) -> completed(response, error));
        return Long.MAX_VALUE;
    }

    private Struct request(short version, boolean all, List<String> wanted) {
        Struct body = ApiKey.METADATA.newRequest();
        if (all && version >= 1) {
            body.set("Topics", null);
        } else {
            for (String topic : wanted) {
                body.addStruct("Topics").set("Name", topic);
            }
        }
        if (version >= 4) {
            body.set("AllowAutoTopicCreation", allowAutoTopicCreation);
        }
        return body;
    }

    private void completed(Response response, Throwable error) {
        inFlight = false;
        if (error != null) {
            LOG.log(System.Logger.Level.DEBUG, () -> "metadata refresh failed: " + error.getMessage());
            updateRequested = true;
        } else {
            Cluster next = Cluster.fromResponse(response.body());
            boolean retry = next.topicErrors().values().stream().anyMatch(e -> Errors.forCode(e).retriable())
                    || next.nodes().isEmpty();
            if (!next.nodes().isEmpty()) {
                cluster = next;
                lastSuccessMs = network.clockMs();
            }
            if (retry) {
                updateRequested = true; // e.g. a leader is being elected or a topic being created
            }
        }
        synchronized (this) {
            updates++;
            notifyAll();
        }
    }
}
