package dev.sluice.connect.runtime;

import dev.sluice.api.Time;
import dev.sluice.api.storage.TopicPartition;
import dev.sluice.client.consumer.ConsumerRebalanceListener;
import dev.sluice.client.consumer.ConsumerRecord;
import dev.sluice.client.consumer.ConsumerRecords;
import dev.sluice.client.consumer.OffsetAndMetadata;
import dev.sluice.client.consumer.SluiceConsumer;
import dev.sluice.connect.api.Converter;
import dev.sluice.connect.api.RetriableException;
import dev.sluice.connect.api.SinkRecord;
import dev.sluice.connect.api.SinkTask;
import dev.sluice.connect.api.SinkTaskContext;
import dev.sluice.connect.data.SchemaAndValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Runs a {@link SinkTask}: a consumer in the group {@code connect-<connector>} reads the connector's
 * topics; each record is converted, transformed and handed to {@code put} (a
 * {@link RetriableException} there hands the same batch again after a backoff). Every
 * {@code offset.flush.interval.ms}, before partitions are revoked and when stopping, the task's
 * {@code flush} runs and then the group offsets of what was put are committed. Task thread only
 * (the consumer's rebalance callbacks run inside its poll, on this thread).
 */
final class WorkerSinkTask extends WorkerTask {
    private static final System.Logger LOG = System.getLogger(WorkerSinkTask.class.getName());
    private static final Duration POLL = Duration.ofMillis(200);

    private final ConnectorConfig config;
    private final Map<String, String> taskConfig;
    private final WorkerConfig worker;
    private final Plugins plugins;
    private final Time time;
    private final Map<TopicPartition, Long> consumed = new HashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final SinkTask task;
    private volatile boolean initialized;
    private SluiceConsumer consumer;
    private Converter keyConverter;
    private Converter valueConverter;
    private TransformChain transforms;
    private DeadLetterQueue dlq;
    private ErrorPolicy errors;
    // the pipeline's steps, made once (a record costs no lambda)
    private ErrorPolicy.Step<ConsumerRecord, SchemaAndValue> keyStep;
    private ErrorPolicy.Step<ConsumerRecord, SchemaAndValue> valueStep;
    private ErrorPolicy.Step<SinkRecord, SinkRecord> transformStep;

    WorkerSinkTask(ConnectorTaskId id, String workerId, SinkTask task, ConnectorConfig config,
                   Map<String, String> taskConfig, WorkerConfig worker, Plugins plugins, TaskStatusListener listener,
                   boolean startPaused, Time time) {
        super(id, workerId, listener, startPaused);
        this.task = task;
        this.config = config;
        this.taskConfig = taskConfig;
        this.worker = worker;
        this.plugins = plugins;
        this.time = time;
    }

    @Override
    protected void initializeAndStart() {
        keyConverter = Converters.create(plugins, config, worker, true);
        valueConverter = Converters.create(plugins, config, worker, false);
        transforms = TransformChain.of(config, plugins);
        if (!config.values().getString("errors.deadletterqueue.topic.name").isBlank()) {
            dlq = new DeadLetterQueue(config, id, worker);
        }
        errors = new ErrorPolicy(id, config, dlq, time, this::isStopping);
        keyStep = r -> keyConverter.toConnectData(r.topic(), r.key());
        valueStep = r -> valueConverter.toConnectData(r.topic(), r.value());
        transformStep = transforms::apply;
        Properties p = worker.clientProperties("consumer.");
        p.put("group.id", "connect-" + id.connector());
        p.put("enable.auto.commit", "false");
        p.putIfAbsent("auto.offset.reset", "earliest");
        p.putIfAbsent("client.id", "connector-consumer-" + id);
        consumer = new SluiceConsumer(p);
        initialized = true; // from here on the plugin's task is stopped, also after a failure
        task.initialize(() -> taskConfig);
        task.start(taskConfig);
        ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                commit();
                task.close(partitions);
                partitions.forEach(tp -> {
                    consumed.remove(tp);
                    committed.remove(tp);
                });
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                task.open(partitions);
            }
        };
        String regex = config.values().getString("topics.regex");
        if (!regex.isBlank()) {
            consumer.subscribe(Pattern.compile(regex), listener);
        } else {
            consumer.subscribe(config.values().getList("topics"), listener);
        }
    }

    @Override
    protected void execute() throws Exception {
        long flushInterval = worker.offsetFlushIntervalMs();
        long nextCommit = time.milliseconds() + flushInterval;
        while (!isStopping()) {
            if (checkPaused(false)) {
                consumer.pause(consumer.assignment());
            } else if (!consumer.paused().isEmpty()) {
                consumer.resume(consumer.paused());
            }
            ConsumerRecords records = consumer.poll(POLL);
            List<SinkRecord> batch = new ArrayList<>(records.count());
            for (TopicPartition tp : records.partitions()) {
                List<ConsumerRecord> fromPartition = records.records(tp);
                if (fromPartition.isEmpty()) {
                    continue;
                }
                for (ConsumerRecord r : fromPartition) {
                    SinkRecord converted = convert(r);
                    if (converted != null) {
                        batch.add(converted);
                    }
                }
                consumed.put(tp, fromPartition.get(fromPartition.size() - 1).offset() + 1);
            }
            if (!batch.isEmpty()) {
                put(batch);
            }
            if (time.milliseconds() >= nextCommit) {
                commit();
                nextCommit = time.milliseconds() + flushInterval;
            }
        }
        commit();
    }

    private SinkRecord convert(ConsumerRecord r) {
        if (errors.execute(Stage.KEY_CONVERTER, keyStep, r, r) instanceof Attempt.Done<SchemaAndValue> key
                && errors.execute(Stage.VALUE_CONVERTER, valueStep, r, r) instanceof Attempt.Done<SchemaAndValue> value) {
            SinkRecord record = new SinkRecord(r.topic(), r.partition(), key.value().schema(), key.value().value(),
                    value.value().schema(), value.value().value(), r.offset(), r.timestamp(), r.headers());
            if (errors.execute(Stage.TRANSFORMATION, transformStep, record, r) instanceof Attempt.Done<SinkRecord> t) {
                return t.value();
            }
        }
        return null;
    }

    /** Hands the batch to the task, again after a doubling backoff while it throws RetriableException. */
    private void put(List<SinkRecord> batch) throws InterruptedException {
        long backoff = 100;
        long maxDelay = config.values().getLong("errors.retry.delay.max.ms");
        while (true) {
            try {
                task.put(batch);
                return;
            } catch (RetriableException e) {
                if (isStopping()) {
                    throw e;
                }
                LOG.log(System.Logger.Level.WARNING, id + ": put failed, retrying in " + backoff + " ms: " + e.getMessage());
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, maxDelay);
            }
        }
    }

    /** The task's flush, then the group offsets of everything it was given. */
    private void commit() {
        Map<TopicPartition, Long> toCommit = new HashMap<>();
        consumed.forEach((tp, offset) -> {
            if (!offset.equals(committed.get(tp))) {
                toCommit.put(tp, offset);
            }
        });
        if (toCommit.isEmpty()) {
            return;
        }
        task.flush(Map.copyOf(consumed));
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        toCommit.forEach((tp, o) -> offsets.put(tp, new OffsetAndMetadata(o)));
        consumer.commitSync(offsets);
        committed.putAll(toCommit);
    }

    @Override
    protected void release() {
        if (initialized) {
            task.stop();
        }
        if (consumer != null) {
            consumer.close();
        }
        if (dlq != null) {
            dlq.close();
        }
        if (transforms != null) {
            transforms.close();
        }
    }
}
