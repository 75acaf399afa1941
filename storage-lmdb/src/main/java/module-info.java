/**
 * A log storage ({@code log.storage=lmdb}) and an offset store ({@code offsets.store=lmdb}) on
 * LMDB through lmdbjava: one memory-mapped B-tree environment per log directory, shared by all
 * partitions, with batches, a time index and leader epochs keyed by partition.
 *
 * <p>lmdbjava is an automatic module and needs, at test and run time:
 * {@code --add-opens java.base/java.nio=lmdbjava --add-exports java.base/sun.nio.ch=lmdbjava},
 * with every jar of its dependencies on the module path except {@code org.lmdbjava:native}, which
 * must be on the class path (its name is not a legal module name).
 */
module dev.sluice.storage.lmdb {
    requires dev.sluice.api;
    requires lmdbjava;
    // lmdbjava (automatic, so it cannot say so itself) reads buffer addresses through
    // sun.misc.Unsafe: requiring the module here resolves it even under `java -m`
    requires jdk.unsupported;

    exports dev.sluice.storage.lmdb;
    // how to use an LMDB environment safely (locking, growth with readers in flight, scratch buffers):
    // also the rules of Streams' LMDB state stores, which must not learn them a second time
    exports dev.sluice.storage.lmdb.env to dev.sluice.streams;

    provides dev.sluice.api.storage.LogStorageProvider with dev.sluice.storage.lmdb.LmdbLogStorageProvider;
    provides dev.sluice.api.offset.OffsetStoreProvider with dev.sluice.storage.lmdb.offsets.LmdbOffsetStoreProvider;
}
