package dev.sluice.broker.producer;

/**
 * Where producer-id blocks are reserved. A block is durable before any of its ids is handed out,
 * and blocks never overlap, even across crashes: an id is never issued twice. One broker's file
 * now ({@link FileProducerIdBlockStore}); a cluster store (ZooKeeper's {@code /latest_producer_id_block}
 * with a conditional write) makes blocks unique across brokers later.
 *
 * <p>Called by {@link ProducerIdAllocator} under its lock, from request handler threads.
 */
public interface ProducerIdBlockStore {

    /**
     * Durably reserves the block of {@code size} ids that follows every block reserved before.
     *
     * @throws dev.sluice.api.storage.StorageException if the reservation cannot be made durable
     */
    ProducerIdBlock reserveNext(int size);
}
