/**
 * The default log storage ({@code log.storage=file}): a directory per partition of segment
 * files with sparse, memory-mapped offset and time indexes, laid out on disk as Kafka does.
 */
module dev.sluice.storage.file {
    requires dev.sluice.api;

    // only the engine and provider: segments, indexes and recovery are implementation details
    exports dev.sluice.storage.file;

    provides dev.sluice.api.storage.LogStorageProvider with dev.sluice.storage.file.FileLogStorageProvider;
}
