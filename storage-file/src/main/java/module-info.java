/** The default log storage: a directory per partition of segment files with sparse offset and time indexes. */
module dev.sluice.storage.file {
    requires dev.sluice.api;
}
