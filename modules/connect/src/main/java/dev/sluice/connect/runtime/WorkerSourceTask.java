package dev.sluice.connect.runtime;

import dev.sluice.api.Time;
import dev.sluice.client.admin.NewTopic;
import dev.sluice.client.admin.SluiceAdmin;
import dev.sluice.client.producer.Callback;
import dev.sluice.client.producer.ProducerRecord;
import dev.sluice.client.producer.SluiceProducer;
import dev.sluice.connect.api.ConnectException;
import dev.sluice.connect.api.Converter;
import dev.sluice.connect.api.RetriableException;
import dev.sluice.connect.api.SourceRecord;
import dev.sluice.connect.api.SourceTask;
import dev.sluice.connect.api.SourceTaskContext;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@link SourceTask}: poll, transform, convert, send; every {@code offset.flush.interval.ms}
 * (and when stopping) it flushes the producer and only then stores the offsets of what was sent, so
 * a stored offset never runs ahead of acknowledged records (at least once; a clean stop loses and
 * repeats nothing). Task thread, except {@link #wakeUp}.
 */
final class WorkerSourceTask extends WorkerTask {
    private static final System.Logger LOG = System.getLogger(WorkerSourceTask.class.getName());

    private final ConnectorConfig config;
    private final Map<String, String> taskConfig;
    private final WorkerConfig worker;
    private final Plugins plugins;
    private final OffsetStore offsets;
    private final Time time;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final Map<Map<String, ?>, Map<String, ?>> pending = new HashMap<>();
    private final Set<String> knownTopics = new HashSet<>();
    private final Short topicCreationReplicationFactor;
    private final SourceTask task;
    private volatile boolean initialized;
    private SluiceProducer producer;
    private Converter keyConverter;
    private Converter valueConverter;
    private TransformChain transforms;
    private ErrorPolicy errors;
    // the pipeline's steps and the send callback, made once (a record costs no lambda)
    private ErrorPolicy.Step<SourceRecord, SourceRecord> transformStep;
    private ErrorPolicy.Step<SourceRecord, byte[]> keyStep;
    private ErrorPolicy.Step<SourceRecord, byte[]> valueStep;
    private final Callback onSent = (metadata, e) -> {
        if (e != null) {
            sendFailure.compareAndSet(null, e);
        }
    };

    WorkerSourceTask(ConnectorTaskId id, String workerId, SourceTask task, ConnectorConfig config,
                     Map<String, String> taskConfig, WorkerConfig worker, Plugins plugins, OffsetStore offsets,
                     TaskStatusListener listener, boolean startPaused, Time time) {
        super(id, workerId, listener, startPaused);
        this.task = task;
        this.topicCreationReplicationFactor = (Short) config.values().get("topic.creation.default.replication.factor");
        this.config = config;
        this.taskConfig = taskConfig;
        this.worker = worker;
        this.plugins = plugins;
        this.offsets = offsets;
        this.time = time;
    }

    @Override
    protected void initializeAndStart() {
        keyConverter = Converters.create(plugins, config, worker, true);
        valueConverter = Converters.create(plugins, config, worker, false);
        transforms = TransformChain.of(config, plugins);
        errors = new ErrorPolicy(id, config, null, time, this::isStopping);
        transformStep = transforms::apply;
        keyStep = r -> keyConverter.fromConnectData(r.topic(), r.keySchema(), r.key());
        valueStep = r -> valueConverter.fromConnectData(r.topic(), r.valueSchema(), r.value());
        Properties p = worker.clientProperties("producer.");
        p.putIfAbsent("client.id", "connector-producer-" + id);
        p.putIfAbsent("acks", "all");
        producer = new SluiceProducer(p);
        initialized = true; // from here on the plugin's task is stopped, also after a failure
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return taskConfig;
            }

            @Override
            public Map<String, Object> offset(Map<String, ?> sourcePartition) {
                return offsets.get(id.connector(), sourcePartition);
            }
        });
        task.start(taskConfig);
    }

    @Override
    protected void execute() throws Exception {
        long flushInterval = worker.offsetFlushIntervalMs();
        long nextCommit = time.milliseconds() + flushInterval;
        long backoff = 100;
        while (!isStopping()) {
            if (checkPaused(true)) {
                continue;
            }
            List<SourceRecord> records;
            try {
                records = task.poll();
                backoff = 100;
            } catch (RetriableException e) {
                LOG.log(System.Logger.Level.WARNING, id + ": poll failed, retrying in " + backoff + " ms: " + e.getMessage());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, config.values().getLong("errors.retry.delay.max.ms"));
                continue;
            }
            if (records != null) {
                for (SourceRecord r : records) {
                    send(r);
                }
            }
            Exception failure = sendFailure.get();
            if (failure != null) {
                throw new ConnectException("a record could not be sent: " + failure.getMessage(), failure);
            }
            if (time.milliseconds() >= nextCommit) {
                commitOffsets();
                nextCommit = time.milliseconds() + flushInterval;
            }
        }
        commitOffsets();
    }

    private void send(SourceRecord original) {
        pending.put(original.sourcePartition(), original.sourceOffset());
        if (errors.execute(Stage.TRANSFORMATION, transformStep, original, null) instanceof Attempt.Done<SourceRecord> t
                && t.value() != null) {
            SourceRecord r = t.value();
            if (errors.execute(Stage.KEY_CONVERTER, keyStep, r, null) instanceof Attempt.Done<byte[]> key
                    && errors.execute(Stage.VALUE_CONVERTER, valueStep, r, null) instanceof Attempt.Done<byte[]> value) {
                ensureTopic(r.topic());
                producer.send(new ProducerRecord(r.topic(), r.kafkaPartition(), r.timestamp(), key.value(), value.value(),
                        r.headers()), onSent);
            }
        }
    }

    /** KIP-158: with topic.creation.default.replication.factor set, a missing topic is created before the first send. */
    private void ensureTopic(String topic) {
        if (topicCreationReplicationFactor == null || knownTopics.contains(topic)) {
            return;
        }
        Object partitions = config.values().get("topic.creation.default.partitions");
        try (SluiceAdmin admin = new SluiceAdmin(worker.clientProperties("admin."))) {
            if (MissingTopics.create(admin, new NewTopic(topic, partitions == null ? 1 : (Integer) partitions,
                    topicCreationReplicationFactor, Map.of()))) {
                LOG.log(System.Logger.Level.INFO, id + ": created topic " + topic);
            }
        }
        knownTopics.add(topic);
    }

    /**
     * Flushes the producer, then stores the offsets of everything sent before the flush (nothing is
     * sent meanwhile: this is the task's thread, which also sends).
     */
    private void commitOffsets() {
        if (pending.isEmpty()) {
            return;
        }
        producer.flush();
        Exception failure = sendFailure.get();
        if (failure != null) {
            throw new ConnectException("a record could not be sent; offsets not committed: " + failure.getMessage(), failure);
        }
        offsets.put(id.connector(), pending);
        pending.clear();
        task.commit();
    }

    @Override
    protected void wakeUp() {
        if (initialized) {
            task.stop();
        }
    }

    @Override
    protected void release() {
        if (initialized) {
            task.stop();
        }
        if (producer != null) {
            producer.close();
        }
        if (transforms != null) {
            transforms.close();
        }
    }
}
