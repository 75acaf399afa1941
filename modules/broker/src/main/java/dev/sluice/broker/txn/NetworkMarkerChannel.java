package dev.sluice.broker.txn;

import dev.sluice.api.storage.TopicPartition;
import dev.sluice.broker.interbroker.BlockingConnection;
import dev.sluice.broker.metadata.BrokerNode;
import dev.sluice.protocol.ApiKey;
import dev.sluice.protocol.Errors;
import dev.sluice.protocol.message.Struct;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * WriteTxnMarkers v1 over the broker's inter-broker connections ({@link BlockingConnection}, as the
 * controller's senders and the link to the controller use): one connection and one thread
 * ({@code sluice-txn-markers-to-<broker>}) per leader, requests to a leader in order. A single node
 * sends to itself, through the same handler as any other leader. The client's network layer (which
 * the replica fetchers use) is not reachable from the broker module: the client's tests depend on
 * the broker, so the broker cannot depend on the client.
 *
 * <p>Threads: {@link #send} from any thread; the exchanges on the per-leader threads; {@link #close} from any.
 */
public final class NetworkMarkerChannel implements MarkerChannel {
    private static final System.Logger LOG = System.getLogger(NetworkMarkerChannel.class.getName());
    private static final short VERSION = 1;

    private final int localBrokerId;
    private final int socketTimeoutMs;
    private final Map<Integer, Sender> senders = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public NetworkMarkerChannel(int localBrokerId, int socketTimeoutMs) {
        this.localBrokerId = localBrokerId;
        this.socketTimeoutMs = socketTimeoutMs;
    }

    private final class Sender {
        final ExecutorService thread;
        final BlockingConnection connection;

        Sender(int brokerId) {
            this.connection = new BlockingConnection("sluice-txn-coordinator-" + localBrokerId, socketTimeoutMs);
            this.thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "sluice-txn-markers-to-" + brokerId);
                t.setDaemon(true);
                return t;
            });
        }
    }

    @Override
    public CompletableFuture<Map<TopicPartition, Errors>> send(BrokerNode leader, TxnMarker marker) {
        CompletableFuture<Map<TopicPartition, Errors>> result = new CompletableFuture<>();
        if (closed) {
            result.completeExceptionally(new IOException("marker channel closed"));
            return result;
        }
        Sender sender = senders.computeIfAbsent(leader.id(), Sender::new);
        try {
            sender.thread.execute(() -> {
                try {
                    result.complete(exchange(sender.connection, leader, marker));
                } catch (IOException | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IOException("marker channel closed"));
        }
        return result;
    }

    private static Map<TopicPartition, Errors> exchange(BlockingConnection connection, BrokerNode leader, TxnMarker marker)
            throws IOException {
        if (!connection.isConnectedTo(leader.host(), leader.port())) {
            connection.connect(leader.host(), leader.port());
        }
        Struct body = ApiKey.WRITE_TXN_MARKERS.newRequest();
        Struct m = body.addStruct("Markers").set("ProducerId", marker.producerId())
                .set("ProducerEpoch", marker.producerEpoch()).set("TransactionResult", marker.commit())
                .set("CoordinatorEpoch", marker.coordinatorEpoch());
        Map<String, List<Integer>> byTopic = new TreeMap<>();
        marker.partitions().forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        byTopic.forEach((topic, partitions) -> m.addStruct("Topics").set("Name", topic).set("PartitionIndexes", partitions));
        Struct response = connection.exchange(ApiKey.WRITE_TXN_MARKERS, VERSION, body).body();
        Map<TopicPartition, Errors> errors = new HashMap<>();
        for (Struct result : response.getArray("Markers")) {
            for (Struct topic : result.getArray("Topics")) {
                for (Struct p : topic.getArray("Partitions")) {
                    errors.put(new TopicPartition(topic.getString("Name"), p.getInt("PartitionIndex")),
                            Errors.forCode(p.getShort("ErrorCode")));
                }
            }
        }
        for (TopicPartition tp : marker.partitions()) {
            errors.putIfAbsent(tp, Errors.UNKNOWN_SERVER_ERROR); // not answered: retried
        }
        return errors;
    }

    @Override
    public void close() {
        closed = true;
        for (Sender sender : senders.values()) {
            sender.connection.close();
            sender.thread.shutdownNow();
        }
        senders.clear();
        LOG.log(System.Logger.Level.DEBUG, "marker channel closed");
    }
}
