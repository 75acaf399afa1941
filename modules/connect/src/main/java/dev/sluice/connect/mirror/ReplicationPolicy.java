package dev.sluice.connect.mirror;

/**
 * How a mirrored topic is named on the target (MirrorMaker 2's {@code replication.policy.class}).
 * {@link Prefixed}, the default, names topic {@code t} from cluster {@code a} as {@code a.t} (the
 * separator is {@code replication.policy.separator}), so the target knows where a topic came from and a
 * two-way setup does not copy a topic back to the cluster it came from. {@link Identity} keeps the name
 * (migrations, one-way backups); it cannot tell a mirrored topic from a local one. Immutable.
 */
public sealed interface ReplicationPolicy {

    /** The name on the target of {@code topic} from cluster {@code source}. */
    String remoteTopic(String source, String topic);

    /** The cluster a remote topic came from, or null for a topic named as a local one. */
    String topicSource(String topic);

    /** The topic's name on the cluster it came from (the remote topic without its prefix). */
    String upstreamTopic(String topic);

    /**
     * True if copying {@code topic} to {@code target} would copy it back where it came from: the topic, or
     * one it was mirrored from, came from {@code target} (MirrorMaker 2's cycle check).
     */
    default boolean isCycle(String topic, String target) {
        for (String t = topic; ; t = upstreamTopic(t)) {
            String source = topicSource(t);
            if (source == null) {
                return false;
            }
            if (source.equals(target)) {
                return true;
            }
        }
    }

    /** MirrorMaker 2's DefaultReplicationPolicy: {@code <source><separator><topic>}. */
    record Prefixed(String separator) implements ReplicationPolicy {
        public Prefixed {
            if (separator.isEmpty()) {
                throw new IllegalArgumentException("replication.policy.separator must not be empty");
            }
        }

        @Override
        public String remoteTopic(String source, String topic) {
            return source + separator + topic;
        }

        @Override
        public String topicSource(String topic) {
            int i = topic.indexOf(separator);
            return i <= 0 ? null : topic.substring(0, i);
        }

        @Override
        public String upstreamTopic(String topic) {
            int i = topic.indexOf(separator);
            return i <= 0 ? topic : topic.substring(i + separator.length());
        }
    }

    /** MirrorMaker 2's IdentityReplicationPolicy: the remote topic has the source topic's name. */
    record Identity() implements ReplicationPolicy {
        @Override
        public String remoteTopic(String source, String topic) {
            return topic;
        }

        @Override
        public String topicSource(String topic) {
            return null;
        }

        @Override
        public String upstreamTopic(String topic) {
            return topic;
        }
    }
}
