package dev.sluice.broker.txn.api;

import dev.sluice.broker.api.ApiHandler;
import dev.sluice.broker.api.ApiRouter;
import dev.sluice.broker.api.BrokerState;
import dev.sluice.broker.txn.TransactionCoordinator;
import dev.sluice.broker.txn.TxnTopic;
import dev.sluice.protocol.ApiKey;

import java.util.function.IntSupplier;

/**
 * Registers the transaction coordinator's Kafka APIs with the router. Sluice speaks transactions
 * v1 and does not advertise the {@code transaction.version} feature, so kafka-clients 3.9 and 4.x
 * add partitions with AddPartitionsToTxn (up to v3) and end with EndTxn up to v4; EndTxn v5 (KIP-890's
 * epoch bump per transaction) is not claimed. Must run after the group and cluster APIs are
 * registered: FindCoordinator and InitProducerId keep their handlers for group keys and for
 * producers without a transactional id.
 */
public final class TxnApis {
    private TxnApis() {
    }

    /** @param offsetsPartitions the partition count of {@code __consumer_offsets} */
    public static void register(ApiRouter router, TransactionCoordinator coordinator, BrokerState broker, TxnTopic topic,
                                IntSupplier offsetsPartitions) {
        ApiHandler idempotentInit = router.handler(ApiKey.INIT_PRODUCER_ID, ApiKey.INIT_PRODUCER_ID.latestStableVersion());
        ApiHandler groupFind = router.handler(ApiKey.FIND_COORDINATOR, ApiKey.FIND_COORDINATOR.latestStableVersion());
        TxnHandlers txn = new TxnHandlers(coordinator, broker, idempotentInit, offsetsPartitions);
        TxnAdminHandlers admin = new TxnAdminHandlers(coordinator, broker, topic, groupFind);
        router.register(ApiKey.INIT_PRODUCER_ID, txn::initProducerId);
        router.register(ApiKey.FIND_COORDINATOR, admin::findCoordinator);
        router.register(ApiKey.ADD_PARTITIONS_TO_TXN, txn::addPartitionsToTxn);
        router.register(ApiKey.ADD_OFFSETS_TO_TXN, txn::addOffsetsToTxn);
        router.register(ApiKey.END_TXN, txn::endTxn, (short) 4);
        router.register(ApiKey.LIST_TRANSACTIONS, admin::listTransactions);
        router.register(ApiKey.DESCRIBE_TRANSACTIONS, admin::describeTransactions);
    }
}
