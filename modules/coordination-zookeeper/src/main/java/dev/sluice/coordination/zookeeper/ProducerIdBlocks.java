package dev.sluice.coordination.zookeeper;

import dev.sluice.api.cluster.ClusterStoreException;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

import static dev.sluice.coordination.zookeeper.ZkCalls.CAS_ATTEMPTS;

/**
 * Producer-id blocks ({@code /latest_producer_id_block}): each broker reserves the next block with
 * a write conditional on the version it read, as Kafka's brokers did before KRaft.
 *
 * <p>Threads: any caller thread (a broker's producer-id manager); no state of its own.
 */
final class ProducerIdBlocks {

    private final ZkCalls zk;

    ProducerIdBlocks(ZkCalls zk) {
        this.zk = zk;
    }

    long reserve(int brokerId, int size) {
        if (size <= 0) {
            throw new IllegalArgumentException("block size must be positive, was " + size);
        }
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            Stat stat = new Stat();
            byte[] data = zk.dataOrNull(ZNodes.PRODUCER_ID_BLOCK, stat);
            if (data == null) {
                zk.createRecursively(ZNodes.PRODUCER_ID_BLOCK);
                continue;
            }
            long first = ZNodes.nextProducerId(data);
            if (first > Long.MAX_VALUE - size) {
                throw new ClusterStoreException("producer ids are exhausted");
            }
            byte[] next = ZNodes.encodeProducerIdBlock(brokerId, first, first + size - 1);
            try {
                zk.call("reserve producer ids", h -> h.setData(ZNodes.PRODUCER_ID_BLOCK, next, stat.getVersion()));
                return first;
            } catch (KeeperException.BadVersionException raced) {
                // another broker reserved a block meanwhile: take the one after it
            } catch (KeeperException e) {
                throw new ClusterStoreException("reserve producer ids: " + e.getMessage(), e);
            }
        }
        throw new ClusterStoreException("reserving producer ids did not settle");
    }
}
