package dev.sluice.streams.processor;

/** Makes a fresh {@link Processor} for every task (processors keep per-task state). */
@FunctionalInterface
public interface ProcessorSupplier<KIn, VIn, KOut, VOut> {
    Processor<KIn, VIn, KOut, VOut> get();
}
