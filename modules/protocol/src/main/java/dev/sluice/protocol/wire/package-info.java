/**
 * Primitive encodings: {@link dev.sluice.protocol.wire.ByteReader} (bounds-checked reads, lengths
 * validated before anything is allocated) and {@link dev.sluice.protocol.wire.WireWriter} (chunked
 * output that keeps record data as zero-copy parts of a {@link dev.sluice.protocol.Send}).
 */
package dev.sluice.protocol.wire;
