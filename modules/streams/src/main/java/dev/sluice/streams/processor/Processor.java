package dev.sluice.streams.processor;

/**
 * One step of a topology: takes records and forwards zero or more through its context. One instance
 * per task, called only by the thread running that task.
 */
@FunctionalInterface
public interface Processor<KIn, VIn, KOut, VOut> {
    /** Called once before the first record; keep the context to forward and to reach stores. */
    default void init(ProcessorContext<KOut, VOut> context) {
    }

    void process(Record<KIn, VIn> record);

    /** Called once when the task closes. */
    default void close() {
    }
}
