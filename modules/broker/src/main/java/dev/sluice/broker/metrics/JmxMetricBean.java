package dev.sluice.broker.metrics;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import java.util.function.LongSupplier;

/**
 * One metric as an MBean with the attributes Kafka's (Yammer) JMX reporter gives it, so JMX
 * exporters and dashboards written for Kafka read it unchanged: a meter's Count, MeanRate,
 * OneMinuteRate, FiveMinuteRate, FifteenMinuteRate, RateUnit, EventType; a histogram's Count, Min,
 * Max, Mean, StdDev and 50th..999thPercentile (milliseconds); a gauge's Value. Read-only.
 * Threads: JMX connector / platform threads; every read is thread-safe.
 */
final class JmxMetricBean extends ReadOnlyMBean {
    private static final String[] METER = {"Count", "MeanRate", "OneMinuteRate", "FiveMinuteRate", "FifteenMinuteRate",
            "RateUnit", "EventType"};
    private static final String[] HISTOGRAM = {"Count", "Min", "Max", "Mean", "StdDev", "50thPercentile",
            "75thPercentile", "95thPercentile", "98thPercentile", "99thPercentile", "999thPercentile"};
    private static final String[] GAUGE = {"Value"};

    private final Metric metric;
    private final String eventType;
    private final LongSupplier nanoTime;

    JmxMetricBean(Metric metric, String eventType, LongSupplier nanoTime) {
        super("Sluice metric", attributes(metric));
        this.metric = metric;
        this.eventType = eventType;
        this.nanoTime = nanoTime;
    }

    private static MBeanAttributeInfo[] attributes(Metric metric) {
        String[] names = metric instanceof Meter ? METER : metric instanceof LatencyHistogram ? HISTOGRAM : GAUGE;
        MBeanAttributeInfo[] attributes = new MBeanAttributeInfo[names.length];
        for (int i = 0; i < names.length; i++) {
            String type = names[i].equals("Count") ? "long"
                    : names[i].equals("RateUnit") || names[i].equals("EventType") ? String.class.getName() : "double";
            attributes[i] = readable(names[i], type, names[i]);
        }
        return attributes;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        if (metric instanceof Meter m) {
            switch (attribute) {
                case "Count": return m.count();
                case "MeanRate": return m.meanRate(nanoTime.getAsLong());
                case "OneMinuteRate": return m.oneMinuteRate();
                case "FiveMinuteRate": return m.fiveMinuteRate();
                case "FifteenMinuteRate": return m.fifteenMinuteRate();
                case "RateUnit": return "SECONDS";
                case "EventType": return eventType;
                default: break;
            }
        } else if (metric instanceof LatencyHistogram h) {
            switch (attribute) {
                case "Count": return h.count();
                case "Min": return h.minMs();
                case "Max": return h.maxMs();
                case "Mean": return h.meanMs();
                case "StdDev": return h.stdDevMs();
                case "50thPercentile": return h.percentileMs(0.5);
                case "75thPercentile": return h.percentileMs(0.75);
                case "95thPercentile": return h.percentileMs(0.95);
                case "98thPercentile": return h.percentileMs(0.98);
                case "99thPercentile": return h.percentileMs(0.99);
                case "999thPercentile": return h.percentileMs(0.999);
                default: break;
            }
        } else if (metric instanceof Gauge g && attribute.equals("Value")) {
            return g.read();
        }
        throw new AttributeNotFoundException(attribute);
    }
}
