package dev.sluice.broker.group.offset;

import dev.sluice.api.storage.LogConfig;
import dev.sluice.api.storage.LogStorage;
import dev.sluice.api.storage.LogStorageEngine;
import dev.sluice.api.storage.TopicPartition;

import java.nio.file.Path;
import java.util.Set;

/** An engine that hands out one given log for partition 0 of the offsets topic (the test owns and closes both). */
final class SingleLogEngine implements LogStorageEngine {
    private final LogStorageEngine engine;
    private final LogStorage log;

    SingleLogEngine(LogStorageEngine engine, LogStorage log) {
        this.engine = engine;
        this.log = log;
    }

    @Override
    public Path directory() {
        return engine.directory();
    }

    @Override
    public Set<TopicPartition> partitions() {
        return Set.of(log.topicPartition());
    }

    @Override
    public LogStorage open(TopicPartition partition, LogConfig config) {
        if (!partition.equals(log.topicPartition())) {
            throw new IllegalArgumentException("only " + log.topicPartition() + " here, not " + partition);
        }
        return log;
    }

    @Override
    public void delete(TopicPartition partition) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
