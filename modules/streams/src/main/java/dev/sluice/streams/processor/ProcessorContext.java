package dev.sluice.streams.processor;

import dev.sluice.streams.state.StateStore;

import java.util.Optional;

/** What a {@link Processor} may do: forward records downstream, reach its stores, learn where it runs. */
public interface ProcessorContext<KOut, VOut> {
    /** Passes the record to every child processor, one after the other, before returning. */
    void forward(Record<? extends KOut, ? extends VOut> record);

    /** Passes the record to the child of this name only. */
    void forward(Record<? extends KOut, ? extends VOut> record, String childName);

    /** A store connected to this processor, by name. */
    <S extends StateStore> S getStateStore(String name);

    String applicationId();

    TaskId taskId();

    /** Where the record being processed came from; empty while processing one made by a processor's own clock. */
    Optional<RecordMetadata> recordMetadata();

    /** The largest record timestamp the task has seen (-1 before the first record). */
    long currentStreamTimeMs();
}
