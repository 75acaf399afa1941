package dev.sluice.broker.metrics;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.util.List;

/**
 * The JVM as the JDK's MXBeans show it, under the names of Prometheus's JMX exporter / Java
 * client (so its JVM dashboards work): heap and non-heap memory, direct and mapped buffer pools
 * (request frames and log reads live there), threads, garbage collections. On JMX these are the
 * JDK's own {@code java.lang:*} beans. Threads: the scraping thread.
 */
final class JvmMetrics implements Collector {
    private static final List<String> NONE = List.of();

    @Override
    public void collect(PrometheusText out) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        List<String> area = List.of("area");
        out.family("jvm_memory_bytes_used", "gauge", "used bytes of a memory area");
        out.sample("jvm_memory_bytes_used", area, List.of("heap"), heap.getUsed());
        out.sample("jvm_memory_bytes_used", area, List.of("nonheap"), nonHeap.getUsed());
        out.family("jvm_memory_bytes_committed", "gauge", "committed bytes of a memory area");
        out.sample("jvm_memory_bytes_committed", area, List.of("heap"), heap.getCommitted());
        out.sample("jvm_memory_bytes_committed", area, List.of("nonheap"), nonHeap.getCommitted());
        out.family("jvm_memory_bytes_max", "gauge", "maximum bytes of a memory area (-1: unbounded)");
        out.sample("jvm_memory_bytes_max", area, List.of("heap"), heap.getMax());
        out.sample("jvm_memory_bytes_max", area, List.of("nonheap"), nonHeap.getMax());

        List<String> pool = List.of("pool");
        List<BufferPoolMXBean> buffers = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class);
        out.family("jvm_buffer_pool_used_bytes", "gauge", "bytes used by a buffer pool (direct, mapped)");
        for (BufferPoolMXBean b : buffers) {
            out.sample("jvm_buffer_pool_used_bytes", pool, List.of(b.getName()), b.getMemoryUsed());
        }
        out.family("jvm_buffer_pool_used_buffers", "gauge", "buffers in a buffer pool");
        for (BufferPoolMXBean b : buffers) {
            out.sample("jvm_buffer_pool_used_buffers", pool, List.of(b.getName()), b.getCount());
        }

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        out.family("jvm_threads_current", "gauge", "live threads").sample("jvm_threads_current", NONE, NONE, threads.getThreadCount());
        out.family("jvm_threads_daemon", "gauge", "live daemon threads").sample("jvm_threads_daemon", NONE, NONE, threads.getDaemonThreadCount());
        out.family("jvm_threads_peak", "gauge", "most live threads since start").sample("jvm_threads_peak", NONE, NONE, threads.getPeakThreadCount());

        List<String> gc = List.of("gc");
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        out.family("jvm_gc_collection_seconds_count", "counter", "collections by a garbage collector");
        for (GarbageCollectorMXBean c : collectors) {
            out.sample("jvm_gc_collection_seconds_count", gc, List.of(c.getName()), Math.max(0, c.getCollectionCount()));
        }
        out.family("jvm_gc_collection_seconds_sum", "counter", "seconds spent in a garbage collector's collections");
        for (GarbageCollectorMXBean c : collectors) {
            out.sample("jvm_gc_collection_seconds_sum", gc, List.of(c.getName()), Math.max(0, c.getCollectionTime()) / 1000.0);
        }
        out.family("process_uptime_seconds", "gauge", "seconds since the JVM started")
                .sample("process_uptime_seconds", NONE, NONE, ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }
}
