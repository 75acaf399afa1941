/**
 * A log storage ({@code log.storage=lmdb}) and an offset store ({@code offsets.store=lmdb}) on
 * LMDB through lmdbjava: one memory-mapped B-tree environment per log directory, shared by all
 * partitions, with batches, a time index and leader epochs keyed by partition.
 *
 * <p>lmdbjava is an automatic module and needs, at test and run time:
 * {@code --add-opens java.base/java.nio=lmdbjava --add-exports java.base/sun.nio.ch=lmdbjava
 * --add-modules org.objectweb.asm}, with the {@code org.lmdbjava:native} jar on the class path.
 */
module dev.sluice.storage.lmdb {
    requires dev.sluice.api;
    requires lmdbjava;

    exports dev.sluice.storage.lmdb;

    provides dev.sluice.api.storage.LogStorageProvider with dev.sluice.storage.lmdb.LmdbLogStorageProvider;
    provides dev.sluice.api.offset.OffsetStoreProvider with dev.sluice.storage.lmdb.offsets.LmdbOffsetStoreProvider;
}
