/**
 * The processor API the DSL is built on: a {@link dev.sluice.streams.processor.Processor} takes
 * {@link dev.sluice.streams.processor.Record}s and forwards through its
 * {@link dev.sluice.streams.processor.ProcessorContext}; add one with {@code KStream.process}.
 */
package dev.sluice.streams.processor;
