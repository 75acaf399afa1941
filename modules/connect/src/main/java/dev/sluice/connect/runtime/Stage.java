package dev.sluice.connect.runtime;

/** Where in a task's pipeline an operation failed (Kafka's names, in the dead-letter headers). */
public enum Stage {
    KEY_CONVERTER, VALUE_CONVERTER, TRANSFORMATION, TASK_PUT, TASK_POLL, KAFKA_PRODUCE, KAFKA_CONSUME
}
