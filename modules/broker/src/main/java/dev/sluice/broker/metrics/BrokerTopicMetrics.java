package dev.sluice.broker.metrics;

import dev.sluice.broker.replica.ReplicaEvents;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Kafka's {@code kafka.server:type=BrokerTopicMetrics} meters, for all topics (no topic tag) and
 * per topic: MessagesInPerSec, BytesInPerSec (produced batches as they arrive), BytesOutPerSec
 * (records fetched by consumers), TotalProduceRequestsPerSec, TotalFetchRequestsPerSec,
 * FailedProduceRequestsPerSec, FailedFetchRequestsPerSec (per partition of a request, as Kafka);
 * for all topics also ReplicationBytesOutPerSec (fetched by followers) and ReplicationBytesInPerSec
 * (appended here as a follower). And the ISR meters
 * {@code kafka.server:type=ReplicaManager,name=IsrShrinksPerSec|IsrExpandsPerSec}.
 *
 * <p>Threads: request handler threads and the threads completing delayed fetches and ISR changes;
 * a topic's meters are created at its first traffic (a concurrent map; lookups allocate nothing)
 * and removed when the topic is deleted.
 */
public final class BrokerTopicMetrics implements ReplicaEvents {
    private static final String DOMAIN = "kafka.server";
    private static final String TYPE = "BrokerTopicMetrics";

    /** One set of meters: all topics', or a topic's. */
    private static final class Meters {
        final Meter messagesIn;
        final Meter bytesIn;
        final Meter bytesOut;
        final Meter totalProduce;
        final Meter totalFetch;
        final Meter failedProduce;
        final Meter failedFetch;

        Meters(MetricRegistry r, String... topicTag) {
            messagesIn = r.meter(name("MessagesInPerSec", topicTag), "records appended by producers", "messages");
            bytesIn = r.meter(name("BytesInPerSec", topicTag), "bytes of record batches appended by producers", "bytes");
            bytesOut = r.meter(name("BytesOutPerSec", topicTag), "bytes of records fetched by consumers", "bytes");
            totalProduce = r.meter(name("TotalProduceRequestsPerSec", topicTag), "partitions produced to", "requests");
            totalFetch = r.meter(name("TotalFetchRequestsPerSec", topicTag), "partitions fetched from", "requests");
            failedProduce = r.meter(name("FailedProduceRequestsPerSec", topicTag), "partitions whose produce failed", "requests");
            failedFetch = r.meter(name("FailedFetchRequestsPerSec", topicTag), "partitions whose fetch failed", "requests");
        }
    }

    private final MetricRegistry registry;
    private final Meters all;
    private final Meter replicationBytesOut;
    private final Meter replicationBytesIn;
    private final Meter isrShrinks;
    private final Meter isrExpands;
    private final ConcurrentHashMap<String, Meters> topics = new ConcurrentHashMap<>();

    public BrokerTopicMetrics(MetricRegistry registry) {
        this.registry = registry;
        this.all = new Meters(registry);
        this.replicationBytesOut = registry.meter(name("ReplicationBytesOutPerSec"), "bytes of records fetched by followers", "bytes");
        this.replicationBytesIn = registry.meter(name("ReplicationBytesInPerSec"), "bytes of records appended here from leaders", "bytes");
        this.isrShrinks = registry.meter(MetricName.of(DOMAIN, "ReplicaManager", "IsrShrinksPerSec"),
                "ISR shrinks of partitions led here, as committed by the controller", "shrinks");
        this.isrExpands = registry.meter(MetricName.of(DOMAIN, "ReplicaManager", "IsrExpandsPerSec"),
                "ISR expansions of partitions led here, as committed by the controller", "expands");
    }

    private static MetricName name(String metric, String... topicTag) {
        return MetricName.of(DOMAIN, TYPE, metric, topicTag);
    }

    private Meters topic(String topic) {
        Meters m = topics.get(topic);
        return m != null ? m : topics.computeIfAbsent(topic, t -> new Meters(registry, "topic", t));
    }

    /** A deleted topic's meters go (Kafka's removeMetrics); they come back if it is created again. */
    public void topicDeleted(String topic) {
        topics.remove(topic);
        registry.remove(n -> n.type().equals(TYPE) && n.tagKeys().contains("topic")
                && n.tagValues().get(n.tagKeys().indexOf("topic")).equals(topic));
    }

    @Override
    public void appended(String topic, long messages, long bytes) {
        Meters t = topic(topic);
        all.totalProduce.mark();
        t.totalProduce.mark();
        all.messagesIn.mark(messages);
        t.messagesIn.mark(messages);
        all.bytesIn.mark(bytes);
        t.bytesIn.mark(bytes);
    }

    @Override
    public void replicated(String topic, long bytes) {
        replicationBytesIn.mark(bytes);
    }

    @Override
    public void produceFailed(String topic) {
        Meters t = topic(topic);
        all.totalProduce.mark();
        t.totalProduce.mark();
        all.failedProduce.mark();
        t.failedProduce.mark();
    }

    @Override
    public void fetched(String topic, boolean follower, long bytes) {
        if (follower) {
            replicationBytesOut.mark(bytes);
            return;
        }
        Meters t = topic(topic);
        all.totalFetch.mark();
        t.totalFetch.mark();
        all.bytesOut.mark(bytes);
        t.bytesOut.mark(bytes);
    }

    @Override
    public void fetchFailed(String topic, boolean follower) {
        if (follower) {
            return;
        }
        Meters t = topic(topic);
        all.totalFetch.mark();
        t.totalFetch.mark();
        all.failedFetch.mark();
        t.failedFetch.mark();
    }

    @Override
    public void isrChanged(boolean expand) {
        (expand ? isrExpands : isrShrinks).mark();
    }
}
