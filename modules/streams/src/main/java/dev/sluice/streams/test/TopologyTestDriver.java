package dev.sluice.streams.test;

import dev.sluice.api.record.Header;
import dev.sluice.streams.StreamsConfig;
import dev.sluice.streams.Topology;
import dev.sluice.streams.internals.ProcessingTask;
import dev.sluice.streams.internals.Subtopology;
import dev.sluice.streams.internals.TaskEnvironment;
import dev.sluice.streams.internals.TopologyModel;
import dev.sluice.streams.processor.TaskId;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.KeyValueStore;
import dev.sluice.streams.state.SessionStore;
import dev.sluice.streams.state.StateStore;
import dev.sluice.streams.state.WindowStore;
import dev.sluice.streams.state.internals.StoreFactory;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Runs a {@link Topology} without a broker, for unit tests: every topic has one partition, each
 * sub-topology one task (partition 0), and a record piped in is processed to the end before
 * {@code pipeInput} returns — records written to a topic the topology reads (repartition topics
 * included) are processed next, in the order written. What goes to other topics, changelogs included,
 * is kept for {@link TestOutputTopic}s. Stores are those the topology configures ({@code default.dsl.store}
 * applies; LMDB stores live under {@code state.dir}). Test thread only; close it to release stores.
 *
 * <pre>{@code
 * try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
 *     TestInputTopic<String, String> in = driver.createInputTopic("lines", Serdes.string(), Serdes.string());
 *     TestOutputTopic<String, Long> out = driver.createOutputTopic("counts", Serdes.string(), Serdes.longs());
 *     in.pipeInput("k", "a b a");
 *     assertThat(out.readKeyValuesToMap()).isEqualTo(Map.of("a", 2L, "b", 1L));
 * }
 * }</pre>
 */
public final class TopologyTestDriver implements AutoCloseable {
    private final TopologyModel model;
    private final Map<String, ProcessingTask> taskByTopic = new HashMap<>();
    private final Set<String> repartitionTopics = new HashSet<>(); // resolved names: processed, never kept as output
    private final List<ProcessingTask> tasks;
    private final StoreFactory stores;
    private final Map<String, ArrayDeque<Output>> outputs = new LinkedHashMap<>();
    private final Map<String, Long> offsets = new HashMap<>();
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();

    /** What a topology wrote: serialized key and value, timestamp, headers. */
    record Output(byte[] key, byte[] value, long timestamp, List<Header> headers) {
    }

    private record Pending(String topic, byte[] key, byte[] value, long timestamp, List<Header> headers) {
    }

    public TopologyTestDriver(Topology topology) {
        this(topology, new Properties());
    }

    /** {@code application.id} defaults to {@code test-driver}; {@code bootstrap.servers} is not needed. */
    public TopologyTestDriver(Topology topology, Properties properties) {
        Properties p = new Properties();
        p.putAll(properties);
        p.putIfAbsent("application.id", "test-driver");
        StreamsConfig config = StreamsConfig.from(p);
        this.model = topology.model();
        this.stores = new StoreFactory(config.stateDir().resolve(config.applicationId()), config.defaultStoreType());
        TaskEnvironment env = new TaskEnvironment(config.applicationId(), config.defaultKeySerde(), config.defaultValueSerde(),
                (topic, partition, key, value, ts, headers) -> pending.add(new Pending(topic, key, value, ts, headers)),
                stores::open);
        model.repartitionTopics().keySet().forEach(t -> repartitionTopics.add(t.resolve(config.applicationId())));
        this.tasks = new java.util.ArrayList<>();
        for (Subtopology s : model.subtopologies()) {
            ProcessingTask task = new ProcessingTask(new TaskId(s.id(), 0), model, env);
            tasks.add(task);
            task.inputTopics().forEach(t -> taskByTopic.put(t, task));
        }
    }

    public <K, V> TestInputTopic<K, V> createInputTopic(String topic, Serde<K> keySerde, Serde<V> valueSerde) {
        return new TestInputTopic<>(this, topic, keySerde, valueSerde, 0, 0);
    }

    /** Records piped without a timestamp get {@code startMs}, then {@code startMs + advanceMs}, and so on. */
    public <K, V> TestInputTopic<K, V> createInputTopic(String topic, Serde<K> keySerde, Serde<V> valueSerde,
                                                        long startMs, long advanceMs) {
        return new TestInputTopic<>(this, topic, keySerde, valueSerde, startMs, advanceMs);
    }

    public <K, V> TestOutputTopic<K, V> createOutputTopic(String topic, Serde<K> keySerde, Serde<V> valueSerde) {
        return new TestOutputTopic<>(this, topic, keySerde, valueSerde);
    }

    void pipe(String topic, byte[] key, byte[] value, long timestamp) {
        ProcessingTask input = taskByTopic.get(topic);
        if (input == null) {
            throw new IllegalArgumentException("the topology does not read " + topic + "; it reads " + taskByTopic.keySet());
        }
        input.process(topic, 0, nextOffset(topic), timestamp, key, value, List.of());
        while (!pending.isEmpty()) { // what the topology wrote: processed where read, kept unless a repartition topic
            Pending p = pending.poll();
            ProcessingTask task = taskByTopic.get(p.topic);
            if (task != null) {
                task.process(p.topic, 0, nextOffset(p.topic), p.timestamp, p.key, p.value, p.headers);
            }
            if (!repartitionTopics.contains(p.topic)) {
                outputs.computeIfAbsent(p.topic, t -> new ArrayDeque<>()).add(new Output(p.key, p.value, p.timestamp, p.headers));
            }
        }
    }

    private long nextOffset(String topic) {
        return offsets.merge(topic, 1L, Long::sum) - 1;
    }

    Output poll(String topic) {
        ArrayDeque<Output> q = outputs.get(topic);
        return q == null ? null : q.poll();
    }

    long queueSize(String topic) {
        ArrayDeque<Output> q = outputs.get(topic);
        return q == null ? 0 : q.size();
    }

    /** The store of this name (of whichever sub-topology has it), or null. */
    @SuppressWarnings("unchecked")
    public <S extends StateStore> S getStateStore(String name) {
        for (ProcessingTask t : tasks) {
            StateStore s = t.store(name);
            if (s != null) {
                return (S) s;
            }
        }
        return null;
    }

    public <K, V> KeyValueStore<K, V> getKeyValueStore(String name) {
        return getStateStore(name);
    }

    public <K, V> WindowStore<K, V> getWindowStore(String name) {
        return getStateStore(name);
    }

    public <K, V> SessionStore<K, V> getSessionStore(String name) {
        return getStateStore(name);
    }

    @Override
    public void close() {
        tasks.forEach(ProcessingTask::close);
        stores.close();
    }
}
