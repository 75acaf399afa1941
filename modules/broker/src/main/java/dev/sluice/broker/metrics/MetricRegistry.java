package dev.sluice.broker.metrics;

import dev.sluice.api.Scheduler;
import dev.sluice.api.Time;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleSupplier;
import java.util.function.Predicate;

/**
 * A broker's metrics by {@link MetricName}: meters, latency histograms and gauges, each also an
 * MBean under its Kafka name on the platform MBean server (if JMX is on), plus {@link Collector}s
 * for state-shaped families. Writes the Prometheus text of everything on demand.
 *
 * <p>Several brokers in one JVM (tests, {@code sluice cluster}) share the platform MBean server:
 * a name is registered by the first broker that asks for it, later ones keep their metric for
 * Prometheus only (logged once).
 *
 * <p>Threads: registration and removal from any thread (a concurrent map); the ticker task on the
 * scheduler given to {@link #startTicking}; scrapes on the HTTP server's thread.
 */
public final class MetricRegistry implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MetricRegistry.class.getName());

    /** Bucket bounds as plain decimals ({@code 0.0005}, not {@code 5.0E-4}). */
    private static final String[] LE = new String[LatencyHistogram.BUCKETS];

    static {
        for (int i = 0; i < LE.length; i++) {
            LE[i] = java.math.BigDecimal.valueOf(LatencyHistogram.BOUNDS_SECONDS[i]).stripTrailingZeros().toPlainString();
        }
    }

    private record Entry(MetricName name, Metric metric, String family, String help, ObjectName jmx) {
    }

    private final Time time;
    private final MBeanServer mbeans;
    private final ConcurrentHashMap<MetricName, Entry> entries = new ConcurrentHashMap<>();
    private final List<Collector> collectors = new CopyOnWriteArrayList<>();
    private final List<Meter> hidden = new CopyOnWriteArrayList<>();
    private final List<Runnable> refreshers = new CopyOnWriteArrayList<>();
    private volatile boolean jmxConflictLogged;
    private Scheduler.Task ticker;

    /** @param jmx register MBeans on the platform MBean server */
    public MetricRegistry(Time time, boolean jmx) {
        this.time = time;
        this.mbeans = jmx ? ManagementFactory.getPlatformMBeanServer() : null;
    }

    public Time time() {
        return time;
    }

    /** Moves the meters' rates and the histograms' last-minute windows every 5 s on {@code scheduler}. */
    public synchronized void startTicking(Scheduler scheduler) {
        long every = Meter.TICK_SECONDS * 1000L;
        ticker = scheduler.scheduleWithFixedDelay(this::tick, every, every);
    }

    /**
     * Runs {@code refresher} on every tick and before every scrape: what keeps metrics of changing
     * sets (a partition's, a client's) registered while their subject exists.
     */
    public void addRefresher(Runnable refresher) {
        refreshers.add(refresher);
    }

    private void refresh() {
        for (Runnable r : refreshers) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "metrics refresh failed", e);
            }
        }
    }

    /** One tick of every meter and histogram (the ticker's; tests call it directly). */
    public void tick() {
        refresh();
        for (Meter m : hidden) {
            m.tick();
        }
        for (Entry e : entries.values()) {
            if (e.metric instanceof Meter m) {
                m.tick();
            } else if (e.metric instanceof LatencyHistogram h) {
                h.tick();
            }
        }
    }

    /** The meter of that name, created on first use; {@code eventType} is Kafka's (requests, bytes, messages). */
    public Meter meter(MetricName name, String help, String eventType) {
        return (Meter) register(name, help, eventType, () -> new Meter(time.nanoseconds()));
    }

    /**
     * A meter over nanoseconds counted elsewhere ({@code nanos}), whose rates are fractions of time:
     * Kafka's idle-percent meters. Prometheus shows its count in seconds.
     */
    public Meter timeFractionMeter(MetricName name, String help, java.util.function.LongSupplier nanos) {
        return (Meter) register(name, help, "percent", () -> new Meter(time.nanoseconds(), 1e-9, nanos));
    }

    /** A meter over a count kept elsewhere, ticked but not exposed: what a gauge of a rate reads. */
    public Meter hiddenMeter(java.util.function.LongSupplier count, double rateScale) {
        Meter m = new Meter(time.nanoseconds(), rateScale, count);
        hidden.add(m);
        return m;
    }

    public LatencyHistogram histogram(MetricName name, String help) {
        return (LatencyHistogram) register(name, help, null, LatencyHistogram::new);
    }

    public void gauge(MetricName name, String help, DoubleSupplier value) {
        register(name, help, null, () -> new Gauge(value));
    }

    public void addCollector(Collector collector) {
        collectors.add(collector);
    }

    private Metric register(MetricName name, String help, String eventType, java.util.function.Supplier<Metric> make) {
        Entry existing = entries.get(name);
        if (existing != null) {
            return existing.metric;
        }
        Entry created = entries.computeIfAbsent(name, n -> {
            Metric metric = make.get();
            return new Entry(n, metric, n.family(metric), help, registerJmx(n, metric, eventType));
        });
        return created.metric;
    }

    private ObjectName registerJmx(MetricName name, Metric metric, String eventType) {
        if (mbeans == null) {
            return null;
        }
        try {
            ObjectName objectName = new ObjectName(name.jmxName());
            mbeans.registerMBean(new JmxMetricBean(metric, eventType, time::nanoseconds), objectName);
            return objectName;
        } catch (InstanceAlreadyExistsException e) {
            if (!jmxConflictLogged) {
                jmxConflictLogged = true;
                LOG.log(System.Logger.Level.INFO, "JMX name " + name.jmxName() + " is registered by another broker "
                        + "in this JVM: this broker's metrics of such names are on its Prometheus endpoint only");
            }
            return null;
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot register JMX bean " + name.jmxName(), e);
            return null;
        }
    }

    /**
     * Registers an MBean of its own shape (Kafka's client-quota metrics, whose names have no
     * {@code name=} key); null if JMX is off or another broker in this JVM has the name.
     */
    ObjectName registerMBean(String objectName, javax.management.DynamicMBean bean) {
        if (mbeans == null) {
            return null;
        }
        try {
            ObjectName name = new ObjectName(objectName);
            mbeans.registerMBean(bean, name);
            return name;
        } catch (InstanceAlreadyExistsException e) {
            return null;
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot register JMX bean " + objectName, e);
            return null;
        }
    }

    void unregisterMBean(ObjectName name) {
        if (name != null && mbeans != null) {
            try {
                mbeans.unregisterMBean(name);
            } catch (JMException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "unregistering " + name + ": " + e);
            }
        }
    }

    /** Removes the metrics {@code which} selects (a deleted topic's), with their MBeans. */
    public void remove(Predicate<MetricName> which) {
        for (Entry e : entries.values()) {
            if (which.test(e.name) && entries.remove(e.name, e)) {
                unregister(e);
            }
        }
    }

    public Metric get(MetricName name) {
        Entry e = entries.get(name);
        return e == null ? null : e.metric;
    }

    private void unregister(Entry e) {
        if (e.jmx != null) {
            try {
                mbeans.unregisterMBean(e.jmx);
            } catch (JMException ex) {
                LOG.log(System.Logger.Level.DEBUG, () -> "unregistering " + e.jmx + ": " + ex);
            }
        }
    }

    /** Everything in Prometheus's text format: the registered families sorted by name, then the collectors'. */
    public String scrape() {
        refresh();
        Map<String, List<Entry>> families = new TreeMap<>();
        for (Entry e : entries.values()) {
            families.computeIfAbsent(e.family, f -> new ArrayList<>()).add(e);
        }
        PrometheusText out = new PrometheusText();
        for (Map.Entry<String, List<Entry>> family : families.entrySet()) {
            List<Entry> members = family.getValue();
            members.sort(java.util.Comparator.comparing(e -> String.join("\u0000", e.name.tagValues())));
            Entry first = members.get(0);
            String type = first.metric instanceof Meter ? "counter" : first.metric instanceof LatencyHistogram ? "histogram" : "gauge";
            out.family(family.getKey(), type, first.help);
            for (Entry e : members) {
                write(out, e);
            }
        }
        for (Collector c : collectors) {
            try {
                c.collect(out);
            } catch (RuntimeException ex) {
                LOG.log(System.Logger.Level.WARNING, "metrics collector failed", ex);
            }
        }
        return out.toString();
    }

    private static void write(PrometheusText out, Entry e) {
        List<String> keys = e.name.tagKeys();
        List<String> values = e.name.tagValues();
        if (e.metric instanceof Meter m) {
            out.sample(e.family, keys, values, m.scaledCount());
        } else if (e.metric instanceof Gauge g) {
            out.sample(e.family, keys, values, g.read());
        } else if (e.metric instanceof LatencyHistogram h) {
            long[] counts = h.bucketCounts();
            long cumulative = 0;
            for (int i = 0; i < counts.length; i++) {
                cumulative += counts[i];
                String le = i < LatencyHistogram.BUCKETS ? LE[i] : "+Inf";
                out.sample(e.family + "_bucket", keys, values, "le", le, cumulative);
            }
            out.sample(e.family + "_sum", keys, values, h.sumSeconds());
            out.sample(e.family + "_count", keys, values, cumulative);
        }
    }

    /** Stops ticking and unregisters every MBean this registry registered. */
    @Override
    public synchronized void close() {
        if (ticker != null) {
            ticker.cancel();
        }
        for (Entry e : entries.values()) {
            unregister(e);
        }
        entries.clear();
        collectors.clear();
        refreshers.clear();
    }
}
