package dev.sluice.broker.replica;

import java.util.List;

/**
 * What one pass over a fetch's partitions read from the local logs.
 *
 * @param bytes record bytes read in total
 * @param errors whether any partition answered an error (a fetch with errors goes out at once)
 */
record LocalRead(List<FetchPartitionResult> results, long bytes, boolean errors) {
}
