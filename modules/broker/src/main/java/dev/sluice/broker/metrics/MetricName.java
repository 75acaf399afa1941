package dev.sluice.broker.metrics;

import java.util.List;
import java.util.Locale;

/**
 * A metric's Kafka name ({@code domain:type=T,name=N[,tag=value...]}, the JMX object name existing
 * exporters and dashboards know) from which its Prometheus family and labels are derived by one
 * rule, the one common JMX-exporter configurations apply: {@code kafka.server:type=BrokerTopicMetrics,
 * name=MessagesInPerSec,topic=t} becomes {@code kafka_server_brokertopicmetrics_messagesin_total{topic="t"}};
 * a gauge keeps its name ({@code kafka_server_replicamanager_underreplicatedpartitions}); a {@code *Ms}
 * histogram is exposed in seconds ({@code kafka_network_requestmetrics_totaltime_seconds}).
 * Immutable; any thread.
 *
 * @param tagKeys   tag (label) names in JMX order
 * @param tagValues their values, as many
 */
public record MetricName(String domain, String type, String name, List<String> tagKeys, List<String> tagValues) {

    public MetricName {
        tagKeys = List.copyOf(tagKeys);
        tagValues = List.copyOf(tagValues);
        if (tagKeys.size() != tagValues.size()) {
            throw new IllegalArgumentException("tags and values differ in number: " + tagKeys + " " + tagValues);
        }
    }

    /** {@code of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec", "topic", "t")}: tags as key, value pairs. */
    public static MetricName of(String domain, String type, String name, String... tags) {
        if (tags.length % 2 != 0) {
            throw new IllegalArgumentException("tags come in key, value pairs");
        }
        String[] keys = new String[tags.length / 2];
        String[] values = new String[tags.length / 2];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = tags[2 * i];
            values[i] = tags[2 * i + 1];
        }
        return new MetricName(domain, type, name, List.of(keys), List.of(values));
    }

    /** The JMX object name, values quoted where JMX needs it. */
    public String jmxName() {
        StringBuilder b = new StringBuilder(domain).append(":type=").append(type).append(",name=").append(name);
        for (int i = 0; i < tagKeys.size(); i++) {
            b.append(',').append(tagKeys.get(i)).append('=').append(jmxValue(tagValues.get(i)));
        }
        return b.toString();
    }

    static String jmxValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n') {
                return javax.management.ObjectName.quote(value);
            }
        }
        return value;
    }

    /** The Prometheus family this metric belongs to, for its kind. */
    String family(Metric metric) {
        String base = (domain.replace('.', '_') + "_" + type + "_").toLowerCase(Locale.ROOT);
        if (metric instanceof Meter) {
            return base + strip(name, "PerSec").toLowerCase(Locale.ROOT) + "_total";
        }
        if (metric instanceof LatencyHistogram) {
            return base + strip(name, "Ms").toLowerCase(Locale.ROOT) + "_seconds";
        }
        return base + name.toLowerCase(Locale.ROOT);
    }

    private static String strip(String s, String suffix) {
        return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
    }
}
