package dev.sluice.streams.kstream.internals;

import dev.sluice.streams.processor.Processor;
import dev.sluice.streams.processor.ProcessorContext;

/** A processor that keeps its context; the DSL's processors extend it. Task thread only. */
abstract class ContextProcessor<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
    protected ProcessorContext<KOut, VOut> context;

    @Override
    public void init(ProcessorContext<KOut, VOut> context) {
        this.context = context;
    }
}
