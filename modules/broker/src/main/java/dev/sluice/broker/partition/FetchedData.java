package dev.sluice.broker.partition;

import dev.sluice.api.storage.LogSlice;

/** What a fetch from one partition returns besides the records: the offsets a client needs. */
public record FetchedData(LogSlice records, long highWatermark, long logStartOffset, long logEndOffset) {
}
