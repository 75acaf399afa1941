package dev.sluice.storage.file.log;

import dev.sluice.api.storage.TopicPartition;

/**
 * Where a log reports the offsets its engine keeps in per-directory checkpoint files.
 */
public interface LogCheckpoints {

    /** Everything below {@code offset} is on stable storage; recovery after a crash may start there. */
    void recoveryPoint(TopicPartition partition, long offset);

    /** The log now starts at {@code offset}; must be durable when this returns. */
    void logStartOffset(TopicPartition partition, long offset);

    /** For a log used on its own (tests, tools): remembers nothing. */
    LogCheckpoints NONE = new LogCheckpoints() {
        @Override
        public void recoveryPoint(TopicPartition partition, long offset) {
        }

        @Override
        public void logStartOffset(TopicPartition partition, long offset) {
        }
    };
}
