/**
 * The DSL: {@link dev.sluice.streams.kstream.KStream} (events), {@link dev.sluice.streams.kstream.KTable}
 * (latest value per key), groupings, windows and joins, and the option records
 * ({@link dev.sluice.streams.kstream.Consumed}, {@link dev.sluice.streams.kstream.Produced},
 * {@link dev.sluice.streams.kstream.Grouped}, {@link dev.sluice.streams.kstream.Materialized}, ...).
 * Implementations are in the unexported {@code internals} package.
 */
package dev.sluice.streams.kstream;
