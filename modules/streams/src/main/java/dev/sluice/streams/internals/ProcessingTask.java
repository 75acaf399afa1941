package dev.sluice.streams.internals;

import dev.sluice.api.record.Header;
import dev.sluice.streams.StreamsException;
import dev.sluice.streams.kstream.TopicNameExtractor;
import dev.sluice.streams.processor.Processor;
import dev.sluice.streams.processor.ProcessorContext;
import dev.sluice.streams.processor.Record;
import dev.sluice.streams.processor.RecordMetadata;
import dev.sluice.streams.processor.TaskId;
import dev.sluice.streams.serde.Serde;
import dev.sluice.streams.state.StateStore;
import dev.sluice.streams.state.internals.BytesStore;
import dev.sluice.streams.state.internals.JoinBuffer;
import dev.sluice.streams.state.internals.KeyValueStoreImpl;
import dev.sluice.streams.state.internals.LoggedBytesStore;
import dev.sluice.streams.state.internals.SessionStoreImpl;
import dev.sluice.streams.state.internals.SuppressionBuffer;
import dev.sluice.streams.state.internals.WindowStoreImpl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One task's instance of its sub-topology: a processor per node, its stores, its stream time. Takes
 * input records one at a time and pushes each depth-first through the processors, output going to the
 * {@link RecordCollector}. Shared by the runtime and the test driver. Only the thread running the task
 * calls it (stores may be read by interactive queries meanwhile).
 */
public final class ProcessingTask implements AutoCloseable {
    private final TaskId id;
    private final TopologyModel model;
    private final TaskEnvironment env;
    private final Map<String, Node> sources = new HashMap<>(); // by resolved topic
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, StateStore> stores = new LinkedHashMap<>();
    private final Map<String, BytesStore> restoreTargets = new LinkedHashMap<>(); // by resolved changelog topic
    private final Map<String, BytesStore> storage = new LinkedHashMap<>();
    private long streamTime = -1;
    private long recordTime;
    private RecordMetadata current;

    public ProcessingTask(TaskId id, TopologyModel model, TaskEnvironment env) {
        this.id = id;
        this.model = model;
        this.env = env;
        Subtopology sub = model.subtopologies().get(id.subtopology());
        for (String storeName : sub.stores()) {
            openStore(model.store(storeName));
        }
        for (String name : sub.nodes()) {
            nodes.put(name, new Node(name, model.node(name)));
        }
        for (Node n : nodes.values()) {
            for (String child : model.children(n.name)) {
                n.children.add(nodes.get(child));
            }
            if (n.def instanceof NodeDef.Source s) {
                s.topics().forEach(t -> sources.put(t.resolve(env.applicationId()), n));
            }
        }
        for (Node n : nodes.values()) {
            n.processor.init(n.context);
        }
    }

    private void openStore(StoreSpec spec) {
        BytesStore bytes = env.stores().open(id, spec);
        storage.put(spec.name(), bytes);
        BytesStore used = bytes;
        if (spec.logged()) {
            String changelog = spec.changelog().resolve(env.applicationId());
            used = new LoggedBytesStore(bytes, (k, v, ts) -> env.collector().send(changelog, id.partition(), k, v, ts, List.of()),
                    () -> recordTime);
            restoreTargets.put(changelog, bytes);
        }
        Serde<Object> keySerde = env.keySerde(spec.keySerde());
        Serde<Object> valueSerde = env.valueSerde(spec.valueSerde());
        StateStore store = switch (spec.kind()) {
            case KEY_VALUE -> new KeyValueStoreImpl<>(spec.name(), used, keySerde, valueSerde, () -> recordTime);
            case WINDOW -> new WindowStoreImpl<>(spec.name(), used, spec.windowSizeMs(), keySerde, valueSerde, () -> recordTime);
            case SESSION -> new SessionStoreImpl<>(spec.name(), used, keySerde, valueSerde);
            case JOIN_BUFFER -> new JoinBuffer<>(spec.name(), used, keySerde, valueSerde);
            case SUPPRESSION_BUFFER -> new SuppressionBuffer<>(spec.name(), used, keySerde, valueSerde);
        };
        stores.put(spec.name(), store);
    }

    public TaskId id() {
        return id;
    }

    /** The topics (resolved) this task reads. */
    public java.util.Set<String> inputTopics() {
        return sources.keySet();
    }

    /** Its stores' changelog topics (resolved) and the byte storage each restores into. */
    public Map<String, BytesStore> changelogs() {
        return restoreTargets;
    }

    public Map<String, BytesStore> storage() {
        return storage;
    }

    public StateStore store(String name) {
        return stores.get(name);
    }

    public Map<String, StateStore> stores() {
        return stores;
    }

    public long streamTime() {
        return streamTime;
    }

    /** Runs one input record through the sub-topology. */
    public void process(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                        List<Header> headers) {
        Node source = sources.get(topic);
        if (source == null) {
            throw new StreamsException("task " + id + " does not read " + topic);
        }
        NodeDef.Source def = (NodeDef.Source) source.def;
        current = new RecordMetadata(topic, partition, offset);
        streamTime = Math.max(streamTime, timestamp);
        Object k;
        Object v;
        try {
            k = env.keySerde(def.keySerde()).deserialize(topic, key);
            v = env.valueSerde(def.valueSerde()).deserialize(topic, value);
        } catch (RuntimeException e) {
            throw new StreamsException("task " + id + ": cannot deserialize the record at " + topic + "-" + partition
                    + " offset " + offset + ": " + e.getMessage(), e);
        }
        source.process(new Record<>(k, v, timestamp, headers));
    }

    /** Makes stores durable (before a commit). */
    public void flush() {
        storage.values().forEach(BytesStore::flush);
    }

    @Override
    public void close() {
        for (Node n : nodes.values()) {
            try {
                n.processor.close();
            } catch (RuntimeException e) {
                System.getLogger(ProcessingTask.class.getName()).log(System.Logger.Level.WARNING,
                        "closing processor " + n.name + " of task " + id, e);
            }
        }
        storage.values().forEach(BytesStore::close);
    }

    /** One node: its processor, its children, its context. */
    private final class Node {
        final String name;
        final NodeDef def;
        final Processor<Object, Object, Object, Object> processor;
        final List<Node> children = new ArrayList<>();
        final Context context = new Context(this);

        @SuppressWarnings("unchecked")
        Node(String name, NodeDef def) {
            this.name = name;
            this.def = def;
            if (def instanceof NodeDef.Processor p) {
                this.processor = (Processor<Object, Object, Object, Object>) p.supplier().get();
            } else if (def instanceof NodeDef.Sink s) {
                this.processor = new SinkProcessor(s);
            } else {
                this.processor = r -> context.forward(r);
            }
        }

        void process(Record<Object, Object> record) {
            long outer = recordTime;
            recordTime = record.timestamp();
            try {
                processor.process(record);
            } catch (StreamsException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new StreamsException("task " + id + ", node " + name + " failed on a record from "
                        + current + ": " + e, e);
            } finally {
                recordTime = outer;
            }
        }
    }

    /** Serializes and hands a record to the collector. */
    private final class SinkProcessor implements Processor<Object, Object, Object, Object> {
        private final String fixedTopic; // resolved once: null when the extractor chooses per record
        private final TopicNameExtractor<Object, Object> extractor;
        private final Serde<Object> keySerde;
        private final Serde<Object> valueSerde;

        @SuppressWarnings("unchecked")
        SinkProcessor(NodeDef.Sink def) {
            this.fixedTopic = def.topic() == null ? null : def.topic().resolve(env.applicationId());
            this.extractor = (TopicNameExtractor<Object, Object>) def.extractor();
            this.keySerde = env.keySerde(def.keySerde());
            this.valueSerde = env.valueSerde(def.valueSerde());
        }

        @Override
        public void process(Record<Object, Object> r) {
            String topic = fixedTopic != null ? fixedTopic : extractor.extract(r.key(), r.value(), current);
            env.collector().send(topic, null, keySerde.serialize(topic, r.key()), valueSerde.serialize(topic, r.value()),
                    r.timestamp(), r.headers());
        }
    }

    private final class Context implements ProcessorContext<Object, Object> {
        private final Node node;

        Context(Node node) {
            this.node = node;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void forward(Record<?, ?> record) {
            for (Node child : node.children) {
                child.process((Record<Object, Object>) record);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public void forward(Record<?, ?> record, String childName) {
            for (Node child : node.children) {
                if (child.name.equals(childName)) {
                    child.process((Record<Object, Object>) record);
                    return;
                }
            }
            throw new StreamsException(node.name + " has no child named " + childName);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <S extends StateStore> S getStateStore(String name) {
            if (!(node.def instanceof NodeDef.Processor p) || !p.stores().contains(name)) {
                throw new StreamsException("processor " + node.name + " is not connected to store " + name);
            }
            return (S) stores.get(name);
        }

        @Override
        public String applicationId() {
            return env.applicationId();
        }

        @Override
        public TaskId taskId() {
            return id;
        }

        @Override
        public Optional<RecordMetadata> recordMetadata() {
            return Optional.ofNullable(current);
        }

        @Override
        public long currentStreamTimeMs() {
            return streamTime;
        }
    }
}
