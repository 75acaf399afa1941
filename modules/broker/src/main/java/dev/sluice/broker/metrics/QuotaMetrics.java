package dev.sluice.broker.metrics;

import dev.sluice.broker.quota.ClientQuotaManager;
import dev.sluice.broker.quota.QuotaSensor;
import dev.sluice.broker.quota.QuotaType;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.ObjectName;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kafka's client-quota metrics, one set per quota sensor in use ({@link ClientQuotaManager#sensors}):
 * the MBeans {@code kafka.server:type=Produce|Fetch|Request,user=U,client-id=C} (empty tags left out,
 * as Kafka's JmxReporter does) with the attributes {@code byte-rate} (Produce, Fetch) or
 * {@code request-time} (Request, percent of one handler thread) and {@code throttle-time} (mean ms of
 * the window's throttled responses), and the same as Prometheus families
 * {@code kafka_server_produce_byte_rate{user,client_id}}, ... (the JMX exporter's names). Sensors come
 * and go with quotas and client activity (an hour idle), so the MBeans follow them on every tick.
 *
 * <p>Threads: the registry's ticker and scrapes (the MBean map is guarded by this object), JMX readers.
 */
final class QuotaMetrics implements Collector {
    private final ClientQuotaManager quotas;
    private final MetricRegistry registry;
    private final Map<QuotaSensor, ObjectName> beans = new HashMap<>();

    private QuotaMetrics(ClientQuotaManager quotas, MetricRegistry registry) {
        this.quotas = quotas;
        this.registry = registry;
    }

    static void register(MetricRegistry registry, ClientQuotaManager quotas) {
        QuotaMetrics m = new QuotaMetrics(quotas, registry);
        registry.addRefresher(m::syncBeans);
        registry.addCollector(m);
    }

    static String typeName(QuotaType type) {
        return switch (type) {
            case PRODUCE -> "Produce";
            case FETCH -> "Fetch";
            case REQUEST -> "Request";
        };
    }

    private static String measuredName(QuotaType type) {
        return type == QuotaType.REQUEST ? "request-time" : "byte-rate";
    }

    private synchronized void syncBeans() {
        Collection<QuotaSensor> live = quotas.sensors();
        beans.entrySet().removeIf(e -> {
            boolean gone = !live.contains(e.getKey());
            if (gone) {
                registry.unregisterMBean(e.getValue());
            }
            return gone;
        });
        for (QuotaSensor sensor : live) {
            if (!beans.containsKey(sensor)) {
                beans.put(sensor, registry.registerMBean(objectName(sensor), new SensorBean(sensor, registry)));
            }
        }
    }

    private static String objectName(QuotaSensor sensor) {
        StringBuilder name = new StringBuilder("kafka.server:type=").append(typeName(sensor.type()));
        if (!sensor.user().isEmpty()) {
            name.append(",user=").append(MetricName.jmxValue(sensor.user()));
        }
        if (!sensor.clientId().isEmpty()) {
            name.append(",client-id=").append(MetricName.jmxValue(sensor.clientId()));
        }
        return name.toString();
    }

    @Override
    public void collect(PrometheusText out) {
        long now = registry.time().milliseconds();
        List<String> labels = List.of("user", "client_id");
        for (QuotaType type : QuotaType.values()) {
            List<QuotaSensor> of = new ArrayList<>();
            quotas.sensors().forEach(s -> {
                if (s.type() == type) {
                    of.add(s);
                }
            });
            if (of.isEmpty()) {
                continue;
            }
            String base = "kafka_server_" + typeName(type).toLowerCase(java.util.Locale.ROOT) + "_";
            String measured = base + measuredName(type).replace('-', '_');
            out.family(measured, "gauge", type == QuotaType.REQUEST ? "percent of one request handler thread used, per quota entity"
                    : "bytes per second, per quota entity");
            for (QuotaSensor s : of) {
                out.sample(measured, labels, List.of(s.user(), s.clientId()), s.measured(now));
            }
            String throttle = base + "throttle_time";
            out.family(throttle, "gauge", "mean throttle time (ms) of the quota window's throttled responses, per quota entity");
            for (QuotaSensor s : of) {
                out.sample(throttle, labels, List.of(s.user(), s.clientId()), s.throttleTimeMs(now));
            }
        }
    }

    /** One sensor's MBean: Kafka's two attributes, read now. */
    private static final class SensorBean extends ReadOnlyMBean {
        private final QuotaSensor sensor;
        private final MetricRegistry registry;

        SensorBean(QuotaSensor sensor, MetricRegistry registry) {
            super("Sluice client-quota metrics", new MBeanAttributeInfo[]{
                    readable(measuredName(sensor.type()), "double", "measured rate"),
                    readable("throttle-time", "double", "mean throttle time (ms)")});
            this.sensor = sensor;
            this.registry = registry;
        }

        @Override
        public Object getAttribute(String attribute) throws AttributeNotFoundException {
            long now = registry.time().milliseconds();
            if (attribute.equals(measuredName(sensor.type()))) {
                return sensor.measured(now);
            }
            if (attribute.equals("throttle-time")) {
                return sensor.throttleTimeMs(now);
            }
            throw new AttributeNotFoundException(attribute);
        }
    }
}
