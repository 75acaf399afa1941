package dev.sluice.client.consumer.group;

import dev.sluice.client.consumer.ConsumerRebalanceListener;
import dev.sluice.client.metadata.Cluster;
import dev.sluice.client.metadata.TopicInfo;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the application subscribed to: a fixed topic list, or a pattern matched against every
 * (non-internal) topic in the latest metadata, and the listener to tell about rebalances.
 * Application thread only.
 */
final class TopicSubscription {
    private final Pattern pattern;
    private final ConsumerRebalanceListener listener;
    private Set<String> topics;
    private Cluster matchedAgainst;

    private TopicSubscription(Set<String> topics, Pattern pattern, ConsumerRebalanceListener listener) {
        this.topics = topics;
        this.pattern = pattern;
        this.listener = listener == null ? ConsumerRebalanceListener.NONE : listener;
    }

    static TopicSubscription of(Collection<String> topics, ConsumerRebalanceListener listener) {
        for (String topic : topics) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("topic names must not be null or blank: " + topics);
            }
        }
        return new TopicSubscription(Set.copyOf(new TreeSet<>(topics)), null, listener);
    }

    static TopicSubscription of(Pattern pattern, ConsumerRebalanceListener listener) {
        return new TopicSubscription(Set.of(), pattern, listener);
    }

    boolean isPattern() {
        return pattern != null;
    }

    Set<String> topics() {
        return topics;
    }

    ConsumerRebalanceListener listener() {
        return listener;
    }

    /** Re-matches the pattern if the metadata changed; true if the topic set changed. */
    boolean refresh(Cluster cluster) {
        if (pattern == null || cluster == matchedAgainst) {
            return false;
        }
        matchedAgainst = cluster;
        Set<String> matched = new TreeSet<>();
        for (String name : cluster.topicNames()) {
            TopicInfo topic = cluster.topic(name);
            if (!topic.internal() && pattern.matcher(name).matches()) {
                matched.add(name);
            }
        }
        if (matched.equals(topics)) {
            return false;
        }
        topics = Set.copyOf(matched);
        return true;
    }
}
