package dev.sluice.broker.partition;

import dev.sluice.api.storage.AbortedTxn;
import dev.sluice.api.storage.LogSlice;

import java.util.List;

/**
 * What a fetch from one partition returns besides the records: the offsets a client needs, and for
 * a read_committed fetch the aborted transactions overlapping the records (null for other fetches).
 */
public record FetchedData(LogSlice records, long highWatermark, long lastStableOffset, long logStartOffset,
                          long logEndOffset, List<AbortedTxn> abortedTransactions) {
}
